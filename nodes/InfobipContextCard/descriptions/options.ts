/**
 * Fetch Context Card's Options collection. The options about the call itself (cache, timeout, size limit, JSON
 * escaping of the body) show in Fetch only; the others shape the card and the item in both modes.
 */
import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/** Inside the collection: shown when the node's Mode (at the root, hence "/") is Fetch. */
const FETCH_ONLY: IDisplayOptions = { show: { '/mode': ['fetch'] } };

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Cache Max Entries',
			name: 'cacheMaxEntries',
			displayOptions: FETCH_ONLY,
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 500 },
			default: 50,
			description: 'Most responses kept; expired, then oldest entries are evicted',
		},
		{
			displayName: 'Cache TTL (Seconds)',
			name: 'cacheTtl',
			displayOptions: FETCH_ONLY,
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description:
				'Reuse a successful response for the same request for this long (0 = no cache). Kept in the workflow\'s static data, which n8n saves for executions started by a trigger or webhook.',
		},
		{
			displayName: 'Encode Variables in URL',
			name: 'encodeUrlVariables',
			type: 'boolean',
			default: true,
			description:
				'Whether values inserted into the Webhook URL are percent-encoded, so they cannot change its path or query. Turn off only if you encode every value yourself (| url_encode).',
		},
		{
			displayName: 'Escape Variables in JSON Body',
			name: 'escapeJsonBody',
			displayOptions: FETCH_ONLY,
			type: 'boolean',
			default: true,
			description: 'Whether values inserted into a JSON body are escaped for a JSON string',
		},
		{
			displayName: 'Include Response',
			name: 'includeResponse',
			type: 'boolean',
			default: true,
			description: 'Whether the output item also contains the parsed response',
		},
		{
			displayName: 'Put Card in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'card',
			description: 'Name of the binary property that receives the card as an HTML file',
		},
		{
			displayName: 'Response Format',
			name: 'responseFormat',
			type: 'options',
			options: [
				{ name: 'Auto', value: 'auto', description: 'JSON if the answer is JSON, otherwise text' },
				{ name: 'JSON', value: 'json', description: 'An answer that is not JSON is a failure' },
				{ name: 'Text', value: 'text' },
			],
			default: 'auto',
		},
		{
			displayName: 'Response Size Limit (KB)',
			name: 'maxResponseKb',
			displayOptions: FETCH_ONLY,
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 102400 },
			default: 1024,
			description: 'Reading stops and the call fails once the answer is larger',
		},
		{
			displayName: 'Timeout (Ms)',
			name: 'timeout',
			displayOptions: FETCH_ONLY,
			type: 'number',
			typeOptions: { minValue: 100, maxValue: 120000 },
			default: 5000,
			description: 'Time for the whole call, including reading the answer; agents are waiting for the card',
		},
	],
};

import type { INodeProperties } from 'n8n-workflow';

import { genericAuthOptions, predefinedAuthOptions } from './credentials';

export const DEFAULT_CARD = `<div class="context-card">
  <strong>Conversation {{ conversation.conversationId }}</strong>
  <pre>{{ response | json: 2 }}</pre>
</div>`;

export const SAMPLE_RESPONSE = `{
  "total": 1,
  "issues": [
    {
      "key": "SUP-42",
      "fields": {
        "summary": "Customer cannot log in",
        "status": { "name": "In Progress" }
      }
    }
  ]
}`;

export const SAMPLE_PORTAL_DATA = `{
  "conversation": {
    "agentId": "8a0e3f0c-agent",
    "agentNumber": "447860099299",
    "channel": "WHATSAPP",
    "conversationId": "3b0a7a3e-2d57-4c6c-9a49-1b2f8f0d7e11",
    "customerDisplayName": "Jane Doe",
    "customerNumber": "385911111111",
    "priority": "NORMAL",
    "queueId": "support-queue"
  }
}`;

const TEMPLATE_NOTE =
	'A Liquid template, not an n8n expression: use {{ conversation.conversationId }} and the other conversation variables';

const withBody = { method: ['POST', 'PUT', 'PATCH'], sendBody: [true] };

const conversationField = (displayName: string, name: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	description,
	displayOptions: { show: { mode: ['fetch'], conversationSource: ['define'] } },
});

export const properties: INodeProperties[] = [
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Fetch', value: 'fetch', description: 'Call the webhook and render the card' },
			{
				name: 'Preview',
				value: 'preview',
				description: 'Render the card from the sample Response and Portal Data below, without calling anything',
			},
		],
		default: 'fetch',
	},
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		options: [
			{ name: 'DELETE', value: 'DELETE' },
			{ name: 'GET', value: 'GET' },
			{ name: 'PATCH', value: 'PATCH' },
			{ name: 'POST', value: 'POST' },
			{ name: 'PUT', value: 'PUT' },
		],
		default: 'GET',
	},
	{
		displayName: 'Webhook URL',
		name: 'url',
		type: 'string',
		noDataExpression: true,
		required: true,
		default: '',
		placeholder: 'https://jira.example.com/rest/api/2/search?jql=text~"{{ conversation.conversationId }}"',
		description: `${TEMPLATE_NOTE}. Write the scheme and host out in full; inserted values are URL-encoded.`,
		displayOptions: { show: { mode: ['fetch'] } },
	},
	{
		// the same parameter in Preview mode: optional there, as nothing is called
		displayName: 'Webhook URL',
		name: 'url',
		type: 'string',
		noDataExpression: true,
		default: '',
		placeholder: 'https://jira.example.com/rest/api/2/search?jql=text~"{{ conversation.conversationId }}"',
		description: `Optional in Preview: nothing is called, but when set it is checked and rendered like Fetch would call it, for the card template (request variable). ${TEMPLATE_NOTE}.`,
		displayOptions: { show: { mode: ['preview'] } },
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'None', value: 'none' },
			{
				name: 'Generic Credential Type',
				value: 'genericCredentialType',
				description: 'Basic, Bearer, Header, Query, Custom Auth or OAuth2',
			},
			{
				name: 'Predefined Credential Type',
				value: 'predefinedCredentialType',
				description: 'A credential you already use with a Jira, HubSpot, Zendesk, Salesforce, … node',
			},
		],
		default: 'none',
	},
	{
		displayName: 'Generic Auth Type',
		name: 'genericAuthType',
		type: 'options',
		noDataExpression: true,
		options: genericAuthOptions,
		default: 'httpHeaderAuth',
		displayOptions: { show: { authentication: ['genericCredentialType'] } },
	},
	{
		displayName: 'Credential Type',
		name: 'nodeCredentialType',
		type: 'options',
		noDataExpression: true,
		options: predefinedAuthOptions,
		default: 'jiraSoftwareCloudApi',
		displayOptions: { show: { authentication: ['predefinedCredentialType'] } },
	},
	{
		displayName: 'Conversation Data',
		name: 'conversationSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'From Input Item',
				value: 'inputItem',
				description:
					'A "conversation" object with the variables, or the Infobip Conversations Trigger\'s fields (conversationId, channel, from = customer, to = agent number)',
			},
			{ name: 'Define Below', value: 'define', description: 'Set each variable, e.g. with expressions' },
		],
		default: 'inputItem',
		displayOptions: { show: { mode: ['fetch'] } },
	},
	conversationField('Conversation ID', 'conversationId', 'conversation.conversationId, e.g. {{ $json.conversationId }}'),
	conversationField('Channel', 'channel', 'conversation.channel, e.g. WHATSAPP'),
	conversationField('Customer Number', 'customerNumber', 'conversation.customerNumber (the customer\'s phone number or ID)'),
	conversationField('Customer Display Name', 'customerDisplayName', 'conversation.customerDisplayName'),
	conversationField('Agent Number', 'agentNumber', 'conversation.agentNumber (your sender number or page)'),
	conversationField('Agent ID', 'agentId', 'conversation.agentId'),
	conversationField('Priority', 'priority', 'conversation.priority, e.g. HIGH'),
	conversationField('Queue ID', 'queueId', 'conversation.queueId'),
	{
		displayName: 'Send Headers',
		name: 'sendHeaders',
		type: 'boolean',
		default: false,
	},
	{
		displayName: 'Headers',
		name: 'headers',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Header',
		default: {},
		displayOptions: { show: { sendHeaders: [true] } },
		options: [
			{
				name: 'header',
				displayName: 'Header',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', noDataExpression: true, default: '' },
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						noDataExpression: true,
						default: '',
						description: `${TEMPLATE_NOTE}. Must stay on one line.`,
					},
				],
			},
		],
	},
	{
		displayName: 'Send Body',
		name: 'sendBody',
		type: 'boolean',
		default: false,
		displayOptions: { show: { method: ['POST', 'PUT', 'PATCH'] } },
	},
	{
		displayName: 'Body Content Type',
		name: 'bodyContentType',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'JSON', value: 'json' },
			{ name: 'Text', value: 'text' },
		],
		default: 'json',
		displayOptions: { show: withBody },
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		typeOptions: { rows: 6 },
		noDataExpression: true,
		default: '{\n  "conversationId": "{{ conversation.conversationId }}"\n}',
		description: `${TEMPLATE_NOTE}. In JSON mode values are escaped for JSON strings, the result must be valid JSON; use | jsonify to insert a whole value.`,
		displayOptions: { show: withBody },
	},
	{
		displayName: 'Content Type',
		name: 'textContentType',
		type: 'string',
		default: 'text/plain',
		displayOptions: { show: { ...withBody, bodyContentType: ['text'] } },
	},
	{
		displayName: 'Card',
		name: 'cardTemplate',
		type: 'string',
		typeOptions: { rows: 12 },
		noDataExpression: true,
		default: DEFAULT_CARD,
		description:
			'Liquid template of the card\'s HTML, with response (the parsed answer), conversation and request (method, URL, status, durationMs, fromCache). Values are HTML-escaped; use | raw for trusted HTML and | safe_url for links from the response.',
	},
	{
		displayName: 'Fallback Card',
		name: 'fallbackTemplate',
		type: 'string',
		typeOptions: { rows: 4 },
		noDataExpression: true,
		default: '',
		placeholder: '<div>No ticket data right now ({{ error.message }})</div>',
		description:
			'Rendered instead of failing when the call fails (timeout, 4xx/5xx, too large, not JSON), with error ({ message, status, code }), conversation and request. Leave empty to fail the item.',
	},
	{
		displayName: 'Response',
		name: 'sampleResponse',
		type: 'json',
		default: SAMPLE_RESPONSE,
		description: 'Sample answer of the webhook, as in Infobip\'s Response tab; the card sees it as response',
		displayOptions: { show: { mode: ['preview'] } },
	},
	{
		displayName: 'Portal Data',
		name: 'portalData',
		type: 'json',
		default: SAMPLE_PORTAL_DATA,
		description: 'Sample conversation variables, as in Infobip\'s Portal data tab',
		displayOptions: { show: { mode: ['preview'] } },
	},
	{
		displayName: 'Preview Fallback Card',
		name: 'previewFallback',
		type: 'boolean',
		default: false,
		description: 'Whether to render the Fallback Card with a sample error instead of the Card',
		displayOptions: { show: { mode: ['preview'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Cache Max Entries',
				name: 'cacheMaxEntries',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 500 },
				default: 50,
				description: 'Most responses kept; expired, then oldest entries are evicted',
			},
			{
				displayName: 'Cache TTL (Seconds)',
				name: 'cacheTtl',
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
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 102400 },
				default: 1024,
				description: 'Reading stops and the call fails once the answer is larger',
			},
			{
				displayName: 'Timeout (Ms)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 100, maxValue: 120000 },
				default: 5000,
				description: 'Time for the whole call, including reading the answer; agents are waiting for the card',
			},
		],
	},
];

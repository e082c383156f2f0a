/**
 * The Fetch Context Card properties both modes show: the mode, the method and Webhook URL (Fetch calls them,
 * Preview renders them into the card's request variable) and the card templates. The options collection, whose
 * options are partly Fetch only, is in options.ts.
 */
import type { INodeProperties } from 'n8n-workflow';

export const DEFAULT_CARD = `<div class="context-card">
  <strong>Conversation {{ conversation.conversationId }}</strong>
  <pre>{{ response | json: 2 }}</pre>
</div>`;

export const TEMPLATE_NOTE =
	'A Liquid template, not an n8n expression: use {{ conversation.conversationId }} and the other conversation variables';

export const modeProperties: INodeProperties[] = [
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
		// one parameter for both modes (saved workflows keep "url"); n8n cannot make it required in one mode only,
		// so Fetch checks it is set before anything is sent
		displayName: 'Webhook URL',
		name: 'url',
		type: 'string',
		noDataExpression: true,
		default: '',
		placeholder: 'https://jira.example.com/rest/api/2/search?jql=text~"{{ conversation.conversationId }}"',
		description: `Required in Fetch. Optional in Preview, where nothing is called: when set it is checked and rendered like Fetch would call it, for the card template (request variable). ${TEMPLATE_NOTE}. Write the scheme and host out in full; inserted values are URL-encoded.`,
	},
];

export const cardProperties: INodeProperties[] = [
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
];

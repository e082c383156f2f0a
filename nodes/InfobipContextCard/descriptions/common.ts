/**
 * The Fetch Context Card properties both modes show (the mode itself, the request as Fetch sends it and Preview
 * renders it, the card templates); the options collection is in options.ts.
 */
import type { INodeProperties } from 'n8n-workflow';

import { genericAuthOptions, predefinedAuthOptions } from './credentials';

export const DEFAULT_CARD = `<div class="context-card">
  <strong>Conversation {{ conversation.conversationId }}</strong>
  <pre>{{ response | json: 2 }}</pre>
</div>`;

export const TEMPLATE_NOTE =
	'A Liquid template, not an n8n expression: use {{ conversation.conversationId }} and the other conversation variables';

const withBody = { method: ['POST', 'PUT', 'PATCH'], sendBody: [true] };

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
];

export const authenticationProperties: INodeProperties[] = [
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
];

export const requestProperties: INodeProperties[] = [
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

/**
 * The properties only Fetch mode shows: how the call is signed, where the conversation variables come from, and
 * the headers and body it sends.
 */
import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { TEMPLATE_NOTE } from './common';
import { genericAuthOptions, predefinedAuthOptions } from './credentials';

const fetchOnly = (properties: INodeProperties[]) => updateDisplayOptions({ show: { mode: ['fetch'] } }, properties);

const withBody = { method: ['POST', 'PUT', 'PATCH'], sendBody: [true] };

const conversationField = (displayName: string, name: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	description,
});

export const conversationProperties: INodeProperties[] = [
	...fetchOnly([
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
		},
	]),
	// Define Below: one field per variable
	...updateDisplayOptions(
		{ show: { conversationSource: ['define'] } },
		fetchOnly([
			conversationField('Conversation ID', 'conversationId', 'conversation.conversationId, e.g. {{ $json.conversationId }}'),
			conversationField('Channel', 'channel', 'conversation.channel, e.g. WHATSAPP'),
			conversationField('Customer Number', 'customerNumber', 'conversation.customerNumber (the customer\'s phone number or ID)'),
			conversationField('Customer Display Name', 'customerDisplayName', 'conversation.customerDisplayName'),
			conversationField('Agent Number', 'agentNumber', 'conversation.agentNumber (your sender number or page)'),
			conversationField('Agent ID', 'agentId', 'conversation.agentId'),
			conversationField('Priority', 'priority', 'conversation.priority, e.g. HIGH'),
			conversationField('Queue ID', 'queueId', 'conversation.queueId'),
		]),
	),
];

export const authenticationProperties: INodeProperties[] = fetchOnly([
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
]);

export const requestProperties: INodeProperties[] = fetchOnly([
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
]);

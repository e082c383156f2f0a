/**
 * The properties only Fetch mode shows: the Webhook URL as Fetch needs it and where the conversation variables
 * come from.
 */
import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { TEMPLATE_NOTE } from './common';

const fetchOnly = (properties: INodeProperties[]) => updateDisplayOptions({ show: { mode: ['fetch'] } }, properties);

const conversationField = (displayName: string, name: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	description,
});

export const fetchUrlProperties: INodeProperties[] = fetchOnly([
	{
		displayName: 'Webhook URL',
		name: 'url',
		type: 'string',
		noDataExpression: true,
		required: true,
		default: '',
		placeholder: 'https://jira.example.com/rest/api/2/search?jql=text~"{{ conversation.conversationId }}"',
		description: `${TEMPLATE_NOTE}. Write the scheme and host out in full; inserted values are URL-encoded.`,
	},
]);

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

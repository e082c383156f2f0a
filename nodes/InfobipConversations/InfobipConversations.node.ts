import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import * as conversation from './actions/conversation';
import * as message from './actions/message';
import { router } from './actions/router';
import { searchAgents } from './methods/listSearch';
import { concurrencyOption, maxRequestsPerSecondOption } from './helpers/options';

export class InfobipConversations implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Infobip Conversations',
		name: 'infobipConversations',
		icon: { light: 'file:infobip.svg', dark: 'file:infobip.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Reply as an external bot, route or assign conversations and set metadata in Infobip Conversations',
		defaults: { name: 'Infobip Conversations' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'infobipConversationsApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Conversation', value: 'conversation' },
					{ name: 'Message', value: 'message' },
				],
				default: 'message',
			},
			...message.description,
			...conversation.description,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				// Sweep Idle Sessions and Get Messages have their own options (concurrency included)
				displayOptions: { hide: { operation: ['sweepIdle', 'getMessages'] } },
				options: [
					concurrencyOption('How many items are processed at once. Items for the same conversation always run in order.'),
					maxRequestsPerSecondOption(
						'this node makes per second in one execution',
						'. 0: no limit (a 429 is still retried, honouring Retry-After)',
					),
				],
			},
		],
	};

	methods = { listSearch: { searchAgents } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}

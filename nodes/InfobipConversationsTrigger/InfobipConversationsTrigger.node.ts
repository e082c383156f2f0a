import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { infobipBotWebhookHeader, infobipDedupeRedisConnection } from './credentialTests';
import { properties } from './properties';
import { checkExists, create, remove, searchBots } from './registration';
import { webhook } from './webhook';

export class InfobipConversationsTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Infobip Conversations Trigger',
		name: 'infobipConversationsTrigger',
		icon: { light: 'file:infobip.svg', dark: 'file:infobip.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'Inbound customer message',
		description: 'Starts the workflow when Infobip forwards a customer message to your external chatbot (Bot URL)',
		defaults: { name: 'Infobip Conversations Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'infobipBotWebhookApi',
				required: true,
				displayOptions: { show: { authentication: ['botWebhookHeader'] } },
				testedBy: 'infobipBotWebhookHeader',
			},
			{
				name: 'infobipDedupeRedisApi',
				required: true,
				displayOptions: { show: { deduplicationStore: ['redis'] } },
				testedBy: 'infobipDedupeRedisConnection',
			},
			{
				name: 'infobipConversationsApi',
				required: true,
				displayOptions: { show: { registration: ['automatic'] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		triggerPanel: {
			header: '',
			executionsHelp: {
				inactive:
					"<b>While building your workflow</b>, click 'Listen for test event', set this node's Test URL as the Bot URL of your external chatbot in Infobip (Conversations → Settings → Integrations → External chatbot) and send a message to the bot's number or page.<br /><br /><b>Once you're happy with your workflow</b>, put the <b>Production URL</b> in the Bot URL field and activate (publish) the workflow. Every customer message then starts an execution; they show up in the executions list, not in the editor.",
				active:
					"<b>While building your workflow</b>, click 'Listen for test event' and use this node's Test URL as the Bot URL in Infobip to see an execution here.<br /><br /><b>Your workflow also runs automatically</b> for every customer message Infobip forwards to the Production URL. Those executions show up in the executions list, not in the editor.",
			},
			activationHint:
				"Once you've finished building your workflow, paste the Production URL as the Bot URL in Infobip and activate (publish) the workflow.",
		},
		properties,
	};

	methods = {
		listSearch: { searchBots },
		credentialTest: { infobipBotWebhookHeader, infobipDedupeRedisConnection },
	};

	/** Bot URL Registration (registration.ts): Manual registers nothing; Automatic sets and restores the bot's Bot URL. */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await remove.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await webhook.call(this);
	}
}

import type { INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { description } from './description';
import { webhook } from './webhook';

export class InfobipConversationsTrigger implements INodeType {
	description: INodeTypeDescription = description;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await webhook.call(this);
	}
}

import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { assignConversation } from '../../transport/conversations';
import { requireString } from '../../helpers/params';
import { agentLocatorField, conversationIdField } from './common';

export const description: INodeProperties[] = [
	conversationIdField(['assignAgent']),
	agentLocatorField({ show: { resource: ['conversation'], operation: ['assignAgent'] } }),
];

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const id = requireString(this, 'conversationId', i, 'Conversation ID');
	const agentId = requireString(this, 'assignee', i, 'Agent');
	return [await assignConversation(this, id, agentId)];
}

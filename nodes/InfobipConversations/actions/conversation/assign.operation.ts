import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { infobipApiRequest } from '../../transport';
import { conversationPath, requireString } from '../../helpers/params';
import { agentLocatorField, conversationIdField } from './common';

export const description: INodeProperties[] = [
	conversationIdField(['assignAgent']),
	agentLocatorField({ show: { resource: ['conversation'], operation: ['assignAgent'] } }),
];

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const id = requireString(this, 'conversationId', i, 'Conversation ID');
	const agentId = requireString(this, 'assignee', i, 'Agent');
	return [
		await infobipApiRequest.call(this, {
			method: 'PUT',
			path: conversationPath(id, '/assignee'),
			body: { agentId },
		}),
	];
}

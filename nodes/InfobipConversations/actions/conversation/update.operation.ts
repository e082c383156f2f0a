import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { updateConversation } from '../../transport/conversations';
import { requireString } from '../../helpers/params';
import { conversationIdField, PRIORITIES, STATUSES } from './common';

export const description: INodeProperties[] = [
	conversationIdField(['update']),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { resource: ['conversation'], operation: ['update'] } },
		options: [
			{ displayName: 'Priority', name: 'priority', type: 'options', options: PRIORITIES, default: 'NORMAL' },
			{ displayName: 'Queue ID', name: 'queueId', type: 'string', default: '' },
			{ displayName: 'Status', name: 'status', type: 'options', options: STATUSES, default: 'OPEN' },
			{ displayName: 'Summary', name: 'summary', type: 'string', default: '' },
			{ displayName: 'Topic', name: 'topic', type: 'string', default: '' },
		],
	},
];

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const id = requireString(this, 'conversationId', i, 'Conversation ID');
	const fields = this.getNodeParameter('updateFields', i, {}) as IDataObject;
	const body = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== '' && v !== undefined));
	if (Object.keys(body).length === 0) {
		throw new NodeOperationError(this.getNode(), 'Nothing to update', {
			itemIndex: i,
			description: 'Add at least one field under "Update Fields".',
		});
	}
	// PATCH changes only the given fields (PUT would reset the ones left out).
	return [await updateConversation(this, id, body)];
}

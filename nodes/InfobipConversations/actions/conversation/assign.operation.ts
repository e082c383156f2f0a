import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { infobipApiRequest } from '../../transport';
import { conversationPath, requireString } from '../../helpers/params';
import { conversationIdField } from './common';

export const description: INodeProperties[] = [
	conversationIdField(['assignAgent']),
	{
		displayName: 'Agent',
		name: 'assignee',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		displayOptions: { show: { resource: ['conversation'], operation: ['assignAgent'] } },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchAgents', searchable: true },
			},
			{ displayName: 'ID', name: 'id', type: 'string', placeholder: 'e.g. 8d2c…' },
		],
	},
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

import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getManyConversations } from '../../transport/conversations';
import { formatInfobipTime } from '../../../shared/infobip';
import { STATUSES, PRIORITIES, returnAllFields } from './common';

const show = { resource: ['conversation'], operation: ['getMany'] };

export const description: INodeProperties[] = [
	...returnAllFields(['getMany']),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{ displayName: 'Agent ID', name: 'agentId', type: 'string', default: '' },
			{ displayName: 'Created After', name: 'createdAfter', type: 'dateTime', default: '' },
			{ displayName: 'Created Before', name: 'createdBefore', type: 'dateTime', default: '' },
			{ displayName: 'Order By', name: 'orderBy', type: 'string', default: 'createdAt:desc', description: 'Field and direction, e.g. updatedAt:asc' },
			{ displayName: 'Priority', name: 'priority', type: 'options', options: PRIORITIES, default: 'NORMAL' },
			{ displayName: 'Queue IDs', name: 'queueIds', type: 'string', default: '', description: 'Comma-separated queue IDs' },
			{ displayName: 'Status', name: 'status', type: 'options', options: STATUSES, default: 'OPEN' },
			{ displayName: 'Updated After', name: 'updatedAfter', type: 'dateTime', default: '' },
			{ displayName: 'Updated Before', name: 'updatedBefore', type: 'dateTime', default: '' },
		],
	},
];

/** Infobip expects yyyy-MM-dd'T'HH:mm:ss.SSS+0000. */
export const infobipTimestamp = (value: string): string => formatInfobipTime(value);

export function buildConversationFilters(filters: IDataObject): IDataObject {
	const qs: IDataObject = {};
	for (const [key, value] of Object.entries(filters)) {
		if (value === '' || value === undefined || value === null) continue;
		if (key === 'queueIds') {
			qs.queueIds = String(value).split(',').map((s) => s.trim()).filter(Boolean);
		} else if (/After$|Before$/.test(key)) {
			qs[key] = infobipTimestamp(String(value));
		} else {
			qs[key] = value;
		}
	}
	return qs;
}

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', i, 50) as number);
	const qs = buildConversationFilters(this.getNodeParameter('filters', i, {}) as IDataObject);
	return await getManyConversations(this, qs, limit);
}

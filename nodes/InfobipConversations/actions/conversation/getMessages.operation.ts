import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getManyMessages } from '../../transport/conversations';
import { requireString } from '../../helpers/params';
import { conversationIdField, returnAllFields } from './common';
import { concurrencyOption, maxRequestsPerSecondOption } from '../../helpers/options';

export const description: INodeProperties[] = [
	conversationIdField(['getMessages']),
	...returnAllFields(['getMessages']),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { resource: ['conversation'], operation: ['getMessages'] } },
		options: [
			concurrencyOption('How many items are processed at once'),
			{
				displayName: 'Direction',
				name: 'direction',
				type: 'options',
				default: 'INBOUND',
				options: [
					{ name: 'Inbound', value: 'INBOUND' },
					{ name: 'Outbound', value: 'OUTBOUND' },
				],
			},
			maxRequestsPerSecondOption('this node makes per second in one execution', '. 0: no limit (a 429 is still retried, honouring Retry-After)'),
			{
				displayName: 'Order',
				name: 'orderBy',
				type: 'options',
				default: 'createdAt:desc',
				options: [
					{ name: 'Newest First', value: 'createdAt:desc' },
					{ name: 'Oldest First', value: 'createdAt:asc' },
				],
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const id = requireString(this, 'conversationId', i, 'Conversation ID');
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', i, 50) as number);
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const qs: IDataObject = { orderBy: options.orderBy || 'createdAt:desc' };
	if (options.direction) qs.direction = options.direction;
	return await getManyMessages(this, id, qs, limit);
}

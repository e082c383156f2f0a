import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getAll } from '../../transport';
import { conversationPath, requireString } from '../../helpers/params';
import { conversationIdField, returnAllFields } from './common';

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
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 20 },
				default: 5,
				description: 'How many items are processed at once',
			},
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
			{
				displayName: 'Max Requests per Second',
				name: 'maxRequestsPerSecond',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10000, numberPrecision: 2 },
				default: 0,
				description:
					'The most Infobip API calls this node makes per second in one execution (retries included), evenly spaced. Set it to your Infobip account\'s limit so no call is refused with 429. 0: no limit (a 429 is still retried, honouring Retry-After).',
			},
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
	return await getAll.call(this, conversationPath(id, '/messages'), qs, 'messages', limit);
}

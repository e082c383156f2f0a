import type { INodeProperties } from 'n8n-workflow';

import * as assignAgent from './assign.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as getMessages from './getMessages.operation';
import * as route from './route.operation';
import * as setMetadata from './setMetadata.operation';
import * as sweepIdle from './sweepIdle';
import * as update from './update.operation';

export const operations = { assignAgent, get, getMany, getMessages, route, setMetadata, sweepIdle, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversation'] } },
		options: [
			{ name: 'Assign Agent', value: 'assignAgent', action: 'Assign a conversation to an agent', description: 'Assign directly to an agent, bypassing routing' },
			{ name: 'Get', value: 'get', action: 'Get a conversation' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many conversations' },
			{ name: 'Get Messages', value: 'getMessages', action: 'Get messages of a conversation' },
			{ name: 'Route', value: 'route', action: 'Route a conversation to agents', description: 'Hand off by routing rules; the bot stops receiving messages' },
			{ name: 'Set Metadata', value: 'setMetadata', action: 'Set metadata of a conversation' },
			{
				name: 'Sweep Idle Sessions',
				value: 'sweepIdle',
				action: 'Sweep idle bot sessions',
				description: 'Close, route or assign conversations idle with the bot (for a Schedule Trigger)',
			},
			{ name: 'Update', value: 'update', action: 'Update a conversation', description: 'Change status, priority, queue, topic or summary' },
		],
		default: 'route',
	},
	...assignAgent.description,
	...get.description,
	...getMany.description,
	...getMessages.description,
	...route.description,
	...setMetadata.description,
	...sweepIdle.description,
	...update.description,
];

import type { INodeProperties } from 'n8n-workflow';

import { PRIORITY_VALUES, STATUS_VALUES, titleCase } from '../../../shared/infobip';

export const conversationIdField = (operation: string[]): INodeProperties => ({
	displayName: 'Conversation ID',
	name: 'conversationId',
	type: 'string',
	default: '={{ $json.conversationId }}',
	required: true,
	displayOptions: { show: { resource: ['conversation'], operation } },
	description: 'Defaults to the conversation of the trigger item',
});

export const STATUSES = STATUS_VALUES.map((s) => ({ name: titleCase(s), value: s }));
export const PRIORITIES = PRIORITY_VALUES.map((s) => ({ name: titleCase(s), value: s }));

export const returnAllFields = (operation: string[]): INodeProperties[] => [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		displayOptions: { show: { resource: ['conversation'], operation } },
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		displayOptions: { show: { resource: ['conversation'], operation, returnAll: [false] } },
		description: 'Max number of results to return',
	},
];

/** The agent to assign to: a list search of the account's agents, or an id. */
export function agentLocatorField(displayOptions: INodeProperties['displayOptions']): INodeProperties {
	return {
		displayName: 'Agent',
		name: 'assignee',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		displayOptions,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchAgents', searchable: true },
			},
			{ displayName: 'ID', name: 'id', type: 'string', placeholder: 'e.g. 8d2c…' },
		],
	};
}

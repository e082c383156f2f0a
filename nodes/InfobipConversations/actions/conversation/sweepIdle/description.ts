import type { INodeProperties } from 'n8n-workflow';

import { CHANNELS } from '../../../../shared/infobip';
import { concurrencyOption, maxRequestsPerSecondOption } from '../../../helpers/options';
import { agentLocatorField } from '../common';

const show = { resource: ['conversation'], operation: ['sweepIdle'] };

export const description: INodeProperties[] = [
	{
		displayName:
			'Runs once per execution (parameters from the first input item): finds conversations idle with the bot for the Idle Timeout and acts on each at most once, even when two sweeps run at the same time.',
		name: 'sweepNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	{
		displayName: 'Bot Agent ID',
		name: 'agentId',
		type: 'string',
		default: '',
		displayOptions: { show },
		description:
			'The external bot whose conversations are swept: its UUID from the bot configuration page. Empty: the credential\'s Default Bot Agent ID.',
	},
	{
		displayName: 'Idle Timeout (Minutes)',
		name: 'idleTimeoutMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 30,
		required: true,
		displayOptions: { show },
		description: 'A conversation is idle when its last message (customer or bot) is at least this old, by the Infobip server\'s clock',
	},
	{
		displayName: 'Statuses',
		name: 'statuses',
		type: 'multiOptions',
		default: ['OPEN'],
		displayOptions: { show },
		options: [
			{ name: 'Open', value: 'OPEN' },
			{ name: 'Solved', value: 'SOLVED' },
			{ name: 'Waiting', value: 'WAITING' },
		],
		description: 'Which conversation statuses count',
	},
	{
		displayName: 'Action',
		name: 'sweepAction',
		type: 'options',
		default: 'close',
		displayOptions: { show },
		options: [
			{ name: 'Assign to Agent', value: 'assign', description: 'Assign each idle conversation directly to one agent' },
			{ name: 'Close', value: 'close', description: 'Set the status to CLOSED' },
			{ name: 'Report Only', value: 'report', description: 'Only list the idle conversations; change nothing' },
			{ name: 'Route to Agents', value: 'route', description: 'Hand off by routing rules; the bot stops receiving messages' },
		],
	},
	agentLocatorField({ show: { ...show, sweepAction: ['assign'] } }),
	{
		displayName: 'Message Before Acting',
		name: 'messageText',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		displayOptions: { show: { ...show, sweepAction: ['close', 'route', 'assign'] } },
		placeholder: 'e.g. We are closing this chat for now. Write again any time!',
		description:
			'Optional text sent to the customer as the bot (same channel, reply addresses from the last message) right before the action. Empty: no message.',
	},
	{
		displayName: 'Dry Run',
		name: 'dryRun',
		type: 'boolean',
		default: false,
		displayOptions: { show },
		description: 'Whether to only report what would be done, without claiming, messaging or changing any conversation',
	},
	{
		displayName: 'Filters',
		name: 'sweepFilters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Channel',
				name: 'channel',
				type: 'options',
				default: 'WHATSAPP',
				options: CHANNELS.map((c) => ({ name: c, value: c })),
				description: 'Only conversations whose last message is on this channel',
			},
			{
				displayName: 'Queue IDs',
				name: 'queueIds',
				type: 'string',
				default: '',
				description: 'Comma-separated queue IDs; only conversations in these queues',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'sweepOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Claim Metadata Key',
				name: 'claimKey',
				type: 'string',
				default: 'idleSweep',
				description:
					'Conversation metadata key used to claim a conversation (so concurrent sweeps never act twice) and, afterwards, to record what was done. Agents see it.',
			},
			{
				displayName: 'Claim Settle Time (Ms)',
				name: 'claimSettleMs',
				type: 'number',
				typeOptions: { minValue: 10, maxValue: 60000 },
				default: 1000,
				description:
					'How long a claim must stand before acting. A claim whose write took longer than half of this is retried, so keep it well above the API\'s response time.',
			},
			concurrencyOption('How many conversations are checked and acted on at once'),
			{
				displayName: 'Max Conversations per Run',
				name: 'maxConversations',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1000,
				description: 'Stop after this many idle conversations (the oldest first); the next run continues',
			},
			maxRequestsPerSecondOption('the sweep makes per second', '; the Claim Settle Time is then lengthened by the pacing wait. 0: no limit'),
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				default: 'each',
				options: [
					{ name: 'Each Conversation', value: 'each', description: 'One item per idle conversation' },
					{ name: 'Summary Only', value: 'summary', description: 'One item with counts, always (good for alerting)' },
					{ name: 'Both', value: 'both', description: 'One item per idle conversation, then the summary item' },
				],
			},
			{
				displayName: 'Page Size',
				name: 'pageSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 999 },
				default: 100,
				description: 'Conversations listed per request (Infobip allows up to 999)',
			},
		],
	},
];

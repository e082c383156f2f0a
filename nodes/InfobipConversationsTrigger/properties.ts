import type { INodeProperties } from 'n8n-workflow';

import { CHANNELS } from '../shared/infobip';

const channelName = (c: string) =>
	c
		.split('_')
		.map((w) => w.charAt(0) + w.slice(1).toLowerCase())
		.join(' ');

/** The trigger's parameters as n8n's editor shows them. */
export const properties: INodeProperties[] = [
	{
		displayName:
			'Paste this node\'s <b>Production URL</b> (above) as the <b>Bot URL</b> in Infobip: Conversations → Settings → Integrations → External chatbot, then activate (publish) the workflow. Infobip then POSTs every customer message for the bot\'s number or page here until the conversation is routed or assigned to an agent.',
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [
			{
				name: 'Bot Webhook Header',
				value: 'botWebhookHeader',
				description:
					'Accept only requests with the authorization header set on the external chatbot in Infobip (recommended)',
			},
			{
				name: 'None',
				value: 'none',
				description: 'Accept every request to the URL',
			},
		],
		default: 'botWebhookHeader',
	},
	{
		displayName:
			'Warning: without authentication anyone who learns this URL can inject fake customer messages into your flow and make your bot answer them. Set an Authorization header on the external chatbot in Infobip and choose "Bot Webhook Header".',
		name: 'noAuthWarning',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['none'] } },
	},
	{
		displayName: 'Bot URL Registration',
		name: 'registration',
		type: 'options',
		options: [
			{
				name: 'Manual',
				value: 'manual',
				description: "Paste this node's Production URL as the Bot URL in Infobip yourself (see the notice above)",
			},
			{
				name: 'Automatic',
				value: 'automatic',
				description:
					"Set the chosen bot's Bot URL and authorization header through the Infobip API on activation; restore the previous ones on deactivation",
			},
		],
		default: 'manual',
	},
	{
		displayName: 'Bot',
		name: 'botId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		displayOptions: { show: { registration: ['automatic'] } },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchBots', searchable: true },
			},
			{ displayName: 'ID', name: 'id', type: 'string', placeholder: 'e.g. 8a1f3c2e-…' },
		],
		description: 'The external chatbot (its UUID is in the URL of its configuration page)',
	},
	{
		displayName:
			"On activation the trigger sets the bot's Bot URL to its Production URL and the authorization header to the Infobip Bot Webhook credential's value (the API key needs the conversations:manage scope); on deactivation it restores the previous Bot URL. While you listen for a test event, the bot points at the Test URL until the test ends.",
		name: 'registrationNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { registration: ['automatic'] } },
	},
	{
		displayName: 'Deduplication Store',
		name: 'deduplicationStore',
		type: 'options',
		options: [
			{
				name: 'Workflow Static Data',
				value: 'staticData',
				description:
					"Remember message IDs in n8n's database with the workflow. Right for one n8n process (also queue mode when the main process serves the webhooks).",
			},
			{
				name: 'Redis',
				value: 'redis',
				description:
					'Remember message IDs in Redis, atomically. Needed when several n8n processes serve webhooks (webhook processes, multi-main).',
			},
		],
		default: 'staticData',
	},
	{
		displayName:
			'Each message ID is recorded with one atomic Redis command and expires after the Deduplication Window, so a message delivered to two n8n processes at the same moment still runs once. If Redis cannot be reached, the trigger falls back to the workflow static data for that message and logs an error.',
		name: 'redisNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { deduplicationStore: ['redis'] } },
	},
	{
		displayName: 'Options',
		name: 'triggerOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Channels',
				name: 'channels',
				type: 'multiOptions',
				options: CHANNELS.map((c) => ({ name: channelName(c), value: c })),
				default: [],
				description:
					'Run only for messages on these channels. Others are answered 200 "ignored" and start no execution. Empty: all channels.',
			},
			{
				displayName: 'Credential Cache (Seconds)',
				name: 'credentialCacheSeconds',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 60 },
				default: 60,
				description:
					'How long the expected header value is remembered (as a hash, per credential) so a message does not load the credential from the database each time. A changed value works at once; the old value is still accepted for at most this long. 0: load it for every message.',
			},
			{
				displayName: 'Deduplication Window (Hours)',
				name: 'dedupeWindowHours',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 720 },
				default: 24,
				description:
					'How long a message ID is remembered, so a redelivered message starts no second execution. 0 turns deduplication off.',
			},
			{
				displayName: 'Destinations',
				name: 'destinations',
				type: 'string',
				default: '',
				placeholder: 'e.g. 447860099299, my-facebook-page-ID',
				description:
					'Run only for messages sent to these numbers or page IDs (the message\'s "to"), separated by commas. Others are answered 200 "ignored". Empty: all.',
			},
			{
				displayName: 'Include Non-Text Messages',
				name: 'includeNonText',
				type: 'boolean',
				default: true,
				description:
					'Whether to run for images, documents, locations and other non-text content too. Off: they are answered 200 "ignored".',
			},
			{
				displayName: 'Max Body Size (KB)',
				name: 'maxBodySizeKb',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 16384 },
				default: 256,
				description: 'Larger requests are answered 413 and start no execution',
			},
			{
				displayName: 'Max Remembered Message IDs',
				name: 'dedupeMaxEntries',
				type: 'number',
				typeOptions: { minValue: 100, maxValue: 50000 },
				default: 5000,
				description:
					'Upper bound of the deduplication memory (about 20 bytes per ID, stored with the workflow); the oldest IDs are forgotten first',
			},
			{
				displayName: 'Strict Validation',
				name: 'strictValidation',
				type: 'boolean',
				default: false,
				description:
					'Whether to refuse (400) every message that lacks a field of the full Conversations message (ID, from, to, channel, direction INBOUND, content type, content, createdAt). Off: only a conversation ID and the customer message are required; missing fields are derived and listed in received.derived. Infobip does not redeliver refused messages.',
			},
		],
	},
	{
		// n8n parses the body of a version-1 webhook node before calling it and answers 422 itself to
		// malformed JSON, unless options.binaryData is set. This hidden default keeps the stream unread,
		// so the trigger answers 401 → 413 → 400 in that order.
		displayName: 'Raw Body',
		name: 'options',
		type: 'hidden',
		default: { binaryData: true },
	},
];

import type { ServerResponse } from 'node:http';

import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { CHANNELS } from '../InfobipConversations/actions/message/send.operation';
import { DEFAULT_HEADER_NAME } from './helpers/auth';
import { checkHeaderCached, type HeaderCheck } from './helpers/credentialCache';
import { discardBody, parseJson, readBody, type BodySource } from './helpers/body';
import { acceptMessages, staticDataBackend, type DedupeBackend, type MessageOutcome } from './helpers/accept';
import { readMessages, type MessageResult } from './helpers/inbound';
import { resolveSettings, type TriggerSettings } from './helpers/item';
import { parseStrictMessage } from './helpers/payload';
import { recordInRedis, redisClient, redisKey, redisSettings } from './helpers/redisStore';
import { sendJson } from './helpers/respond';

/** After an early answer, at most this much of an unread body is drained before the connection is dropped. */
const DISCARD_LIMIT_BYTES = 1024 * 1024;

const channelName = (c: string) =>
	c
		.split('_')
		.map((w) => w.charAt(0) + w.slice(1).toLowerCase())
		.join(' ');

export class InfobipConversationsTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Infobip Conversations Trigger',
		name: 'infobipConversationsTrigger',
		icon: 'file:infobip.svg',
		group: ['trigger'],
		version: 1,
		subtitle: 'Inbound customer message',
		description: 'Starts the workflow when Infobip forwards a customer message to your external chatbot (Bot URL)',
		defaults: { name: 'Infobip Conversations Trigger' },
		inputs: [],
		outputs: ['main'],
		credentials: [
			{
				name: 'infobipBotWebhookApi',
				required: true,
				displayOptions: { show: { authentication: ['botWebhookHeader'] } },
			},
			{
				// n8n's own Redis credential type (its name is not ours to suffix; listed in scan-exceptions.json)
				// eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed
				name: 'redis',
				required: true,
				displayOptions: { show: { deduplicationStore: ['redis'] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		triggerPanel: {
			header: '',
			executionsHelp: {
				inactive:
					"<b>While building your workflow</b>, click 'Listen for test event', set this node's Test URL as the Bot URL of your external chatbot in Infobip (Conversations → Settings → Integrations → External chatbot) and send a message to the bot's number or page.<br /><br /><b>Once you're happy with your workflow</b>, put the <b>Production URL</b> in the Bot URL field and activate (publish) the workflow. Every customer message then starts an execution; they show up in the executions list, not in the editor.",
				active:
					"<b>While building your workflow</b>, click 'Listen for test event' and use this node's Test URL as the Bot URL in Infobip to see an execution here.<br /><br /><b>Your workflow also runs automatically</b> for every customer message Infobip forwards to the Production URL. Those executions show up in the executions list, not in the editor.",
			},
			activationHint:
				"Once you've finished building your workflow, paste the Production URL as the Bot URL in Infobip and activate (publish) the workflow.",
		},
		properties: [
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
		],
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject() as unknown as BodySource;
		const res = this.getResponseObject() as unknown as ServerResponse;
		const settings = resolveSettings((this.getNodeParameter('triggerOptions', {}) as IDataObject) ?? {});
		const answer = (status: number, body: IDataObject): IWebhookResponseData => {
			discardBody(req, DISCARD_LIMIT_BYTES);
			sendJson(res, status, body);
			return { noWebhookResponse: true };
		};

		// 1. Authentication, before a byte of the body is read. The expected header comes from a short-lived cache of
		// the credential (see credentialCache.ts): loading a credential in a webhook is its most expensive step.
		if (this.getNodeParameter('authentication', 'botWebhookHeader') !== 'none') {
			const selected = this.getNode().credentials?.infobipBotWebhookApi;
			const cacheKey = selected?.id ? `infobipBotWebhookApi:${selected.id}` : undefined;
			let check: HeaderCheck;
			try {
				check = await checkHeaderCached(
					cacheKey,
					req.headers,
					async () => {
						let credentials: ICredentialDataDecryptedObject | undefined;
						try {
							credentials = await this.getCredentials<ICredentialDataDecryptedObject>('infobipBotWebhookApi');
						} catch (error) {
							// a credential that is selected but cannot be loaded is a temporary failure (below: 503)
							if (selected) throw error;
							credentials = undefined;
						}
						return {
							headerName: String(credentials?.headerName || DEFAULT_HEADER_NAME),
							expected: typeof credentials?.headerValue === 'string' ? credentials.headerValue : '',
						};
					},
					settings.credentialCacheMs,
				);
			} catch (error) {
				// e.g. n8n's database is overloaded or unreachable: answered 503 so Infobip delivers the message again later
				this.logger.error(
					`Infobip Conversations Trigger: could not load the Infobip Bot Webhook credential (${(error as Error).message}); request refused (503), Infobip retries it`,
				);
				return answer(503, {
					error: 'credential_unavailable',
					message: 'The trigger could not load its Infobip Bot Webhook credential right now; the message was not accepted, please retry',
				});
			}
			if (check.result === 'notConfigured') {
				this.logger.error(
					'Infobip Conversations Trigger: no Infobip Bot Webhook credential with an Expected Value is set; request refused (500)',
				);
				return answer(500, {
					error: 'not_configured',
					message: 'The trigger has no Infobip Bot Webhook credential with an Expected Value; the message was not accepted',
				});
			}
			if (check.result === 'refused') {
				this.logger.debug(`Infobip Conversations Trigger: request without the expected ${check.headerName} header refused (401)`);
				return answer(401, { error: 'unauthorized', message: `Missing or wrong ${check.headerName} header` });
			}
		}

		// 2. Size, 3. JSON.
		const body = await readBody(req, settings.maxBodyBytes);
		let value: unknown;
		switch (body.kind) {
			case 'tooLarge':
				return answer(413, {
					error: 'payload_too_large',
					message: `The request body is larger than ${body.limit} bytes (option Max Body Size)`,
				});
			case 'unreadable':
				return answer(body.status, { error: 'unreadable_body', message: body.message });
			case 'parsed':
				value = body.value;
				break;
			default: {
				const json = parseJson(body.bytes);
				if (!json.ok) return answer(400, { error: 'invalid_json', message: json.reason });
				value = json.value;
			}
		}

		// 4. The messages: liberal by default (only a conversation id and the customer message are required),
		// or the full shape with Strict Validation.
		const receivedAt = Date.now();
		let results: MessageResult[];
		let envelopeField: string | undefined;
		if (settings.strictValidation) {
			const strict = parseStrictMessage(value);
			if (!strict.ok) return answer(400, { error: 'invalid_message', field: strict.field, message: strict.reason });
			results = [{ kind: 'message', value: strict.value }];
		} else {
			const read = readMessages(value, receivedAt);
			if ('invalid' in read) return answer(400, { error: 'invalid_message', field: read.invalid.field, message: read.invalid.reason });
			results = read.results;
			if (read.shape !== 'message') envelopeField = read.shape;
		}
		if (envelopeField === undefined && results[0].kind === 'invalid') {
			const { field, reason } = results[0];
			return answer(400, { error: 'invalid_message', field, message: reason });
		}
		if (envelopeField !== undefined && results.length > 0 && results.every((r) => r.kind === 'invalid')) {
			const first = results[0] as Extract<MessageResult, { kind: 'invalid' }>;
			const field = `${envelopeField === '(array)' ? '' : envelopeField}[0].${first.field}`;
			return answer(400, { error: 'invalid_message', field, message: `No message of the request could be read; the first: ${first.reason}` });
		}

		// 5. Filters, 6. deduplication (workflow static data, merged with the ids this process accepted while
		// other calls were in flight), both per message.
		const accepted = await acceptMessages(results, settings, await dedupeBackend(this, settings, receivedAt), receivedAt, envelopeField);
		for (const rejected of accepted.outcomes.filter((o) => o.status === 'rejected')) {
			this.logger.warn(
				`Infobip Conversations Trigger: message ${rejected.index} of the request's "${envelopeField}" could not be read (${rejected.reason}); the others were handled`,
			);
		}

		// 7. Answer, and start one execution holding every accepted message (one item each). The trigger
		// answers itself and hands n8n the items: with `noWebhookResponse` n8n saves the static data as soon as
		// webhook() returns, then starts (or enqueues) the execution. Returning only `workflowData` does not
		// work on n8n 2.x: it starts the execution first, which wraps the same static-data object in a new
		// Workflow and resets its "changed" flag, so the dedupe record would be silently dropped whenever the
		// workflow already had static data. n8n 1.x also answers onReceived webhooks before starting the
		// execution, so both versions behave alike. The 200 leaves a moment before the database write
		// completes; Infobip only redelivers after a failed delivery, well after that.
		const reply = envelopeField === undefined ? singleAnswer(accepted.outcomes[0]) : envelopeAnswer(accepted.outcomes);
		if (accepted.items.length === 0) return answer(200, reply);
		sendJson(res, 200, reply);
		return { noWebhookResponse: true, workflowData: [accepted.items.map((json) => ({ json }))] };
	}
}

/** The answer to a request holding one message (the shape Infobip's single-message POST gets). */
function singleAnswer(outcome: MessageOutcome): IDataObject {
	switch (outcome.status) {
		case 'duplicate':
			return { status: 'duplicate', messageId: outcome.messageId, firstAcceptedAt: outcome.firstAcceptedAt };
		case 'ignored':
			return { status: 'ignored', messageId: outcome.messageId, reason: outcome.reason };
		case 'rejected':
			return { status: 'rejected', field: outcome.field, message: outcome.reason };
		default:
			return { status: 'accepted', messageId: outcome.messageId, ...(outcome.deduplication === 'none' ? { deduplication: 'none' } : {}) };
	}
}

/** The answer to an envelope: counts, and one line per message. */
function envelopeAnswer(outcomes: MessageOutcome[]): IDataObject {
	const count = (status: MessageOutcome['status']) => outcomes.filter((o) => o.status === status).length;
	const acceptedCount = count('accepted');
	return {
		status: acceptedCount ? 'accepted' : outcomes.some((o) => o.status === 'duplicate') ? 'duplicate' : 'ignored',
		accepted: acceptedCount,
		duplicates: count('duplicate'),
		ignored: count('ignored'),
		rejected: count('rejected'),
		messages: outcomes.map((o) => ({ ...o }) as IDataObject),
	};
}

/**
 * The deduplication store of this call: workflow static data, or Redis (atomic across n8n processes). If Redis
 * cannot be used for a message, that message falls back to the static data (and n8n's log says why): a message
 * is never refused or lost because the store is down.
 */
async function dedupeBackend(ctx: IWebhookFunctions, settings: TriggerSettings, receivedAt: number): Promise<DedupeBackend> {
	const scope = `${ctx.getWorkflow().id ?? ''}\u0000${ctx.getNode().id}`;
	const fallback = staticDataBackend(ctx.getWorkflowStaticData('node'), scope, receivedAt, settings);
	if (ctx.getNodeParameter('deduplicationStore', 'staticData') !== 'redis') return fallback;
	const redisScope = `${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`;
	const warn = (error: unknown) =>
		ctx.logger.error(
			`Infobip Conversations Trigger: the Redis deduplication store is not available (${(error as Error).message}); this message is deduplicated in the workflow static data instead`,
		);
	let client: Awaited<ReturnType<typeof redisClient>> | undefined;
	return {
		async record(messageId) {
			try {
				client ??= await redisClient(redisSettings(await ctx.getCredentials<ICredentialDataDecryptedObject>('redis')));
				return await recordInRedis(client, redisKey(redisScope, messageId), settings.dedupeTtlMs, receivedAt);
			} catch (error) {
				warn(error);
				return await fallback.record(messageId);
			}
		},
	};
}

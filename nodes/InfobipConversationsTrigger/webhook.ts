import type { IDataObject, ICredentialDataDecryptedObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { authenticateHeader } from '../shared/webhook/authenticate';
import { parseJson, readBody } from '../shared/webhook/body';
import type { InboundRequest, OutboundResponse } from '../shared/webhook/http';
import { answerJson, sendJson } from '../shared/webhook/respond';
import { acceptMessages, staticDataBackend, type DedupeBackend, type MessageOutcome } from './helpers/accept';
import { readMessages, type MessageResult } from './helpers/inbound';
import { resolveSettings, type TriggerSettings } from './helpers/item';
import { parseStrictMessage } from './helpers/payload';
import { recordInRedis, redisClient, redisKey, redisSettings } from './helpers/redisStore';

/**
 * One request to the trigger's URL: 401 → 413 → 400 in that order, then filters and deduplication per message,
 * then one execution holding every accepted message.
 */
export async function webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject() as unknown as InboundRequest;
	const res = this.getResponseObject() as unknown as OutboundResponse;
	const settings = resolveSettings((this.getNodeParameter('triggerOptions', {}) as IDataObject) ?? {});
	const answer = (status: number, body: IDataObject): IWebhookResponseData => answerJson(req, res, status, body);

	// 1. Authentication, before a byte of the body is read (the expected header from a short-lived cache of the
	// credential: loading a credential in a webhook is its most expensive step).
	if (this.getNodeParameter('authentication', 'botWebhookHeader') !== 'none') {
		const auth = await authenticateHeader(this, req.headers, {
			credentialType: 'infobipBotWebhookApi',
			nodeLabel: 'Infobip Conversations Trigger',
			credentialLabel: 'Infobip Bot Webhook',
			refused: 'the message was not accepted',
			cacheMs: settings.credentialCacheMs,
		});
		if (!auth.ok) return answer(auth.status, auth.body);
	}

	// 2. Size, 3. JSON, 4. the messages
	const receivedAt = Date.now();
	const read = await readRequest(req, settings, receivedAt);
	if ('refusal' in read) return answer(read.refusal.status, read.refusal.body);
	const { results, envelopeField } = read;

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

type Refusal = { refusal: { status: number; body: IDataObject } };

/** Reads the body (size limit, JSON) and the messages in it, or says how the request is refused. */
async function readRequest(req: InboundRequest, settings: TriggerSettings, receivedAt: number): Promise<Refusal | { results: MessageResult[]; envelopeField?: string }> {
	const body = await readBody(req, settings.maxBodyBytes);
	let value: unknown;
	switch (body.kind) {
		case 'tooLarge':
			return { refusal: { status: 413, body: { error: 'payload_too_large', message: `The request body is larger than ${body.limit} bytes (option Max Body Size)` } } };
		case 'unreadable':
			return { refusal: { status: body.status, body: { error: 'unreadable_body', message: body.message } } };
		case 'parsed':
			value = body.value;
			break;
		default: {
			const json = parseJson(body.bytes);
			if (!json.ok) return { refusal: { status: 400, body: { error: 'invalid_json', message: json.reason } } };
			value = json.value;
		}
	}
	return messagesOf(value, settings, receivedAt);
}

/**
 * The messages of a parsed body: read liberally by default (only a conversation id and the customer message are
 * required), or in the full shape with Strict Validation. 400 only for what holds no message at all.
 */
function messagesOf(value: unknown, settings: TriggerSettings, receivedAt: number): Refusal | { results: MessageResult[]; envelopeField?: string } {
	const invalid = (field: string, message: string): Refusal => ({ refusal: { status: 400, body: { error: 'invalid_message', field, message } } });
	if (settings.strictValidation) {
		const strict = parseStrictMessage(value);
		return strict.ok ? { results: [{ kind: 'message', value: strict.value }] } : invalid(strict.field, strict.reason);
	}
	const read = readMessages(value, receivedAt);
	if ('invalid' in read) return invalid(read.invalid.field, read.invalid.reason);
	const { results } = read;
	if (read.shape === 'message') {
		const first = results[0];
		return first.kind === 'invalid' ? invalid(first.field, first.reason) : { results };
	}
	if (results.length > 0 && results.every((r) => r.kind === 'invalid')) {
		const first = results[0] as Extract<MessageResult, { kind: 'invalid' }>;
		return invalid(`${read.shape === '(array)' ? '' : read.shape}[0].${first.field}`, `No message of the request could be read; the first: ${first.reason}`);
	}
	return { results, envelopeField: read.shape };
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
				client ??= await redisClient(redisSettings(await ctx.getCredentials<ICredentialDataDecryptedObject>('infobipDedupeRedisApi')));
				return await recordInRedis(client, redisKey(redisScope, messageId), settings.dedupeTtlMs, receivedAt);
			} catch (error) {
				warn(error);
				return await fallback.record(messageId);
			}
		},
	};
}

/**
 * The Conversations API's conversation calls, in one place: the operations (Get, Get Many, Get Messages, Update,
 * Route, Assign Agent, Set Metadata, Send) and Sweep Idle Sessions all call these, so no operation imports
 * another. Each goes through the transport (transport/index.ts: retries, pacing, errors); metadata is read and
 * written by transport/metadata.ts, re-exported here.
 *
 * `options.onHeaders` sees the headers of each successful answer (the sweep reads the server's clock from `date`);
 * `options.attempts` raises the transport's attempts for a call that matters more than most.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { parseInfobipTime } from '../../shared/infobip';
import { conversationPath } from '../helpers/params';
import { getAll, infobipApiRequestWithHeaders, type InfobipRequest } from './index';
import type { MetadataCallOptions } from './metadata';

export {
	mergeMetadata,
	readMetadata,
	replaceMetadata,
	type MergeOptions,
	type MetadataCallOptions,
	type MetadataWritePath,
} from './metadata';

export const CONVERSATIONS_PATH = '/ccaas/1/conversations';

export interface CallOptions extends MetadataCallOptions {
	/** Attempts for this call (the transport's default otherwise). */
	attempts?: number;
}

async function call(ctx: IExecuteFunctions, req: InfobipRequest, options: CallOptions = {}): Promise<IDataObject> {
	const res = await infobipApiRequestWithHeaders.call(ctx, options.attempts === undefined ? req : { ...req, attempts: options.attempts });
	options.onHeaders?.(res.headers);
	return res.body;
}

/** GET one conversation. */
export async function getConversation(ctx: IExecuteFunctions, id: string, options?: CallOptions): Promise<IDataObject> {
	return await call(ctx, { method: 'GET', path: conversationPath(id) }, options);
}

/** One page of GET /conversations: the answer as it is (`conversations`, `pagination`). */
export async function listConversations(ctx: IExecuteFunctions, qs: IDataObject, options?: CallOptions): Promise<IDataObject> {
	return await call(ctx, { method: 'GET', path: CONVERSATIONS_PATH, qs }, options);
}

/** The conversations matching `qs`, all or up to `limit`, page by page. */
export async function getManyConversations(ctx: IExecuteFunctions, qs: IDataObject, limit?: number): Promise<IDataObject[]> {
	return await getAll.call(ctx, CONVERSATIONS_PATH, qs, 'conversations', limit);
}

/** PATCH a conversation: only the given fields change (PUT would reset the ones left out). */
export async function updateConversation(
	ctx: IExecuteFunctions,
	id: string,
	fields: IDataObject,
	options?: CallOptions,
): Promise<IDataObject> {
	return await call(ctx, { method: 'PATCH', path: conversationPath(id), body: fields }, options);
}

/** Sets the status to CLOSED. */
export async function closeConversation(ctx: IExecuteFunctions, id: string, options?: CallOptions): Promise<IDataObject> {
	return await updateConversation(ctx, id, { status: 'CLOSED' }, options);
}

/** Hands the conversation to the routing rules. Routing twice is harmless, so a retry after an ambiguous failure is safe. */
export async function routeConversation(ctx: IExecuteFunctions, id: string, options?: CallOptions): Promise<IDataObject> {
	return await call(ctx, { method: 'POST', path: conversationPath(id, '/route'), retry: 'idempotent' }, options);
}

/** Assigns the conversation directly to one agent, bypassing routing. */
export async function assignConversation(
	ctx: IExecuteFunctions,
	id: string,
	agentId: string,
	options?: CallOptions,
): Promise<IDataObject> {
	return await call(ctx, { method: 'PUT', path: conversationPath(id, '/assignee'), body: { agentId } }, options);
}

/** One page of a conversation's messages: the answer as it is (`messages`, `pagination`). */
export async function listMessages(ctx: IExecuteFunctions, id: string, qs: IDataObject, options?: CallOptions): Promise<IDataObject> {
	return await call(ctx, { method: 'GET', path: conversationPath(id, '/messages'), qs }, options);
}

/**
 * The newest message of a conversation. Two are asked for, newest first: if the answer is not newest first (a server
 * that ignores orderBy), the newest is read from the last page of the default order instead, so a caller never
 * judges a conversation by an old message (the sweep would act early).
 */
export async function newestMessage(ctx: IExecuteFunctions, id: string, options?: CallOptions): Promise<IDataObject | undefined> {
	const body = await listMessages(ctx, id, { limit: 2, orderBy: 'createdAt:desc' }, options);
	const messages = (body.messages as IDataObject[] | undefined) ?? [];
	if (messages.length < 2 || newestFirst(messages[0], messages[1])) return messages[0];
	const total = Number((body.pagination as IDataObject | undefined)?.totalItems);
	if (!Number.isInteger(total) || total < 1) return messages.reduce((a, b) => (newestFirst(a, b) ? a : b));
	const last = await listMessages(ctx, id, { limit: 1, page: total - 1 }, options);
	return ((last.messages as IDataObject[] | undefined) ?? [])[0] ?? messages[0];
}

/** Whether `a` is not older than `b` (by createdAt; unknown times count as in order). */
function newestFirst(a: IDataObject, b: IDataObject): boolean {
	const ta = parseInfobipTime(a.createdAt);
	const tb = parseInfobipTime(b.createdAt);
	return ta === undefined || tb === undefined || ta >= tb;
}

/** A conversation's messages matching `qs`, all or up to `limit`, page by page. */
export async function getManyMessages(ctx: IExecuteFunctions, id: string, qs: IDataObject, limit?: number): Promise<IDataObject[]> {
	return await getAll.call(ctx, conversationPath(id, '/messages'), qs, 'messages', limit);
}

export interface OutboundMessage {
	conversationId: string;
	agentId: string;
	from: string;
	to: string;
	channel: string;
	contentType: string;
	content: IDataObject;
	/**
	 * Earliest server time (ms) the message can carry, used to recognise it after an ambiguous failure.
	 * Default: 5 s before the local clock at the start of the send. The Send operation also bounds it by the
	 * time of the customer message it answers (answeredMessageTime).
	 */
	notBefore?: number;
}

/**
 * Sends one message as `agentId` and never duplicates it: after an ambiguous failure (5xx, reset) it looks for
 * the message among the conversation's newest outbound ones and sends again only if it is not there.
 */
export async function sendMessage(ctx: IExecuteFunctions, msg: OutboundMessage): Promise<IDataObject> {
	const { conversationId, agentId, from, to, channel, contentType, content } = msg;
	const notBefore = msg.notBefore ?? Date.now() - 5000;
	const reconcile = async (): Promise<IDataObject | undefined> => {
		const list = await listMessages(ctx, conversationId, { direction: 'OUTBOUND', orderBy: 'createdAt:desc', limit: 20 });
		const messages = (list.messages as IDataObject[] | undefined) ?? [];
		return messages.find(
			(m) =>
				m.to === to &&
				m.contentType === contentType &&
				sameContent(content, m.content) &&
				Date.parse(String(m.createdAt)) >= notBefore,
		);
	};
	return await call(ctx, {
		method: 'POST',
		path: conversationPath(conversationId, '/messages'),
		body: { from, to, channel, contentType, content },
		headers: { 'x-agent-id': agentId },
		reconcile,
	});
}

/**
 * Whether a message Infobip lists has the content we sent: every field we sent has the same value there.
 * Infobip may echo the content with extra fields (`caption: null`, `showUrlPreview: null`) or in another key
 * order, and numbers as it stores them, so neither a byte comparison nor the extra fields decide.
 */
export function sameContent(sent: IDataObject, listed: unknown): boolean {
	if (!listed || typeof listed !== 'object' || Array.isArray(listed)) return false;
	const other = listed as IDataObject;
	return Object.entries(sent).every(([key, value]) => {
		if (value === undefined || value === null) return other[key] === undefined || other[key] === null;
		if (typeof value === 'number') return Number(other[key]) === value;
		if (typeof value === 'object') return JSON.stringify(value) === JSON.stringify(other[key]);
		return other[key] === value;
	});
}

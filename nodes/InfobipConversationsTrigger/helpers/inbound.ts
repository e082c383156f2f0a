import { createHash } from 'node:crypto';

/**
 * Liberal reading of what Infobip POSTs to a Bot URL. Infobip publishes no schema for it, and it does not
 * redeliver after a 4xx answer, so a message refused over a field we merely expected would be lost for good.
 *
 * Required is only what a flow cannot run without: a conversation id and a customer message (a content object
 * or a text). Everything else is optional; when missing it is derived from what is there (or, for the address
 * fields, from a nested `singleSendMessage` as seen in public integration code) and the field's name is listed
 * in `derived`. The deduplication key is the message id when there is one, else a hash of conversation,
 * createdAt and content when the message carries its own createdAt, else there is none (the message runs every
 * time it is delivered: a redelivery could not be told from the customer writing the same text again).
 *
 * Pure: no n8n imports.
 */

export interface InboundMessage {
	conversationId: string;
	/** Infobip's message id, or the derived deduplication key (`derived:…`), or null when neither exists. */
	id: string | null;
	from: string | null;
	to: string | null;
	channel: string | null;
	direction: string;
	contentType: string;
	content: Record<string, unknown>;
	createdAt: string;
}

export type Deduplication = 'messageId' | 'derivedKey' | 'none';

export interface NormalizedMessage {
	message: InboundMessage;
	/** Fields that were not in the message and were filled in by the trigger. */
	derived: string[];
	deduplication: Deduplication;
	/** The message exactly as received (for the item's `payload`). */
	raw: Record<string, unknown>;
}

export type MessageResult =
	| { kind: 'message'; value: NormalizedMessage }
	/** A message, but not one a bot answers (the bot's or an agent's own OUTBOUND message). */
	| { kind: 'notForBot'; value: NormalizedMessage; reason: string }
	| { kind: 'invalid'; field: string; reason: string };

/** Prefix of a deduplication key the trigger built itself (never a real Infobip id). */
export const DERIVED_ID_PREFIX = 'derived:';

/** Envelope fields holding several messages (Infobip's other inbound webhooks use `results`). */
export const ENVELOPE_FIELDS = ['results', 'messages'] as const;

type Obj = Record<string, unknown>;

const isObject = (value: unknown): value is Obj => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A non-empty string, or a finite number as text; anything else is absent. */
function scalarText(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim() === '' ? undefined : value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/** An address as found in `singleSendMessage.from/to`: a string, or an object such as `{phoneNumber, type}`. */
function addressText(value: unknown): string | undefined {
	const direct = scalarText(value);
	if (direct !== undefined) return direct;
	if (!isObject(value)) return undefined;
	for (const key of ['phoneNumber', 'number', 'id', 'address', 'email', 'sender', 'value']) {
		const found = scalarText(value[key]);
		if (found !== undefined) return found;
	}
	return undefined;
}

/** JSON with object keys sorted, so the same content always hashes the same. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (isObject(value)) {
		return `{${Object.keys(value)
			.sort()
			.filter((k) => value[k] !== undefined)
			.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
			.join(',')}}`;
	}
	return JSON.stringify(value ?? null);
}

/** The deduplication key of a message without an id: stable across redeliveries of the same body. */
export function derivedMessageKey(conversationId: string, createdAt: string, content: Obj): string {
	const digest = createHash('sha256').update(canonical([conversationId, createdAt, content]), 'utf8').digest('base64url');
	return `${DERIVED_ID_PREFIX}${digest.slice(0, 22)}`;
}

/** The customer's message: a content object, a content string, a top-level text, or singleSendMessage.content. */
function readContent(value: Obj, nestedContent: Obj | undefined): Obj | undefined {
	if (isObject(value.content)) return value.content;
	if (typeof value.content === 'string') return { text: value.content };
	if (typeof value.text === 'string') return { text: value.text };
	if (!nestedContent) return undefined;
	const { type: _type, ...rest } = nestedContent;
	return rest;
}

/** The fields that may be missing, each from the message, else from singleSendMessage, else derived (and listed). */
function readOptionalFields(value: Obj, nested: Obj, content: Obj, receivedAtMs: number, derived: string[]) {
	const pick = (name: 'from' | 'to' | 'channel'): string | null => {
		const own = scalarText(value[name]);
		if (own !== undefined) return own;
		const alt = name === 'channel' ? scalarText(nested.channel) : addressText(nested[name]);
		if (alt === undefined) return null;
		derived.push(name);
		return alt;
	};
	const nestedContent = isObject(nested.content) ? nested.content : undefined;
	let contentType = scalarText(value.contentType)?.toUpperCase();
	if (contentType === undefined) {
		contentType = scalarText(nestedContent?.type)?.toUpperCase() ?? (typeof content.text === 'string' ? 'TEXT' : 'UNKNOWN');
		derived.push('contentType');
	}
	const from = pick('from');
	const to = pick('to');
	const channel = pick('channel')?.toUpperCase() ?? null;
	let direction = scalarText(value.direction)?.toUpperCase();
	if (direction === undefined) {
		direction = scalarText(nested.direction)?.toUpperCase() ?? 'INBOUND';
		derived.push('direction');
	}
	let createdAt = scalarText(value.createdAt);
	const ownCreatedAt = createdAt !== undefined;
	if (typeof value.createdAt === 'number' && Number.isFinite(value.createdAt)) createdAt = new Date(value.createdAt).toISOString();
	if (createdAt === undefined) {
		createdAt = new Date(receivedAtMs).toISOString();
		derived.push('createdAt');
	}
	return { contentType, from, to, channel, direction, createdAt, ownCreatedAt };
}

/** Infobip's id, else a key derived from conversation + createdAt + content when createdAt is the message's own. */
function readId(value: Obj, conversationId: string, createdAt: string, ownCreatedAt: boolean, content: Obj, derived: string[]) {
	const id = scalarText(value.id) ?? scalarText(value.messageId);
	if (id !== undefined) return { id, deduplication: 'messageId' as Deduplication };
	if (!ownCreatedAt) return { id: null, deduplication: 'none' as Deduplication };
	derived.push('id');
	return { id: derivedMessageKey(conversationId, createdAt, content), deduplication: 'derivedKey' as Deduplication };
}

/** Normalises one message (any plausible shape) received at `receivedAtMs`. */
export function normalizeMessage(value: unknown, receivedAtMs: number): MessageResult {
	if (!isObject(value)) return { kind: 'invalid', field: '(body)', reason: 'A message must be a JSON object' };
	const nested = isObject(value.singleSendMessage) ? value.singleSendMessage : {};
	const derived: string[] = [];

	const conversationId = scalarText(value.conversationId) ?? (isObject(value.conversation) ? scalarText(value.conversation.id) : undefined);
	if (conversationId === undefined) {
		return {
			kind: 'invalid',
			field: 'conversationId',
			reason: value.conversationId === undefined ? 'conversationId is required' : 'conversationId must be a non-empty string',
		};
	}
	const content = readContent(value, isObject(nested.content) ? nested.content : undefined);
	if (content === undefined) {
		return { kind: 'invalid', field: 'content', reason: 'content is required: the customer message (a content object such as {"text": "…"}, or a text)' };
	}
	if (!isObject(value.content)) derived.push('content');
	const { contentType, from, to, channel, direction, createdAt, ownCreatedAt } = readOptionalFields(value, nested, content, receivedAtMs, derived);
	const { id, deduplication } = readId(value, conversationId, createdAt, ownCreatedAt, content, derived);

	const normalized: NormalizedMessage = {
		message: { conversationId, id, from, to, channel, direction, contentType, content, createdAt },
		derived,
		deduplication,
		raw: value,
	};
	if (direction === 'OUTBOUND') {
		return { kind: 'notForBot', value: normalized, reason: 'direction OUTBOUND: a message sent by the bot or an agent, not by the customer' };
	}
	return { kind: 'message', value: normalized };
}

export interface ReadBody {
	/** Where the messages came from: one message, or an envelope field (`results`, `messages`, `(array)`). */
	shape: 'message' | (typeof ENVELOPE_FIELDS)[number] | '(array)';
	results: MessageResult[];
}

/**
 * The messages of a request body: a message object, an envelope `{"results": [...]}` / `{"messages": [...]}`,
 * or a JSON array of messages. A body that is not an object (or array) cannot hold a message.
 */
export function readMessages(body: unknown, receivedAtMs: number): ReadBody | { invalid: { field: string; reason: string } } {
	if (Array.isArray(body)) return { shape: '(array)', results: body.map((m) => normalizeMessage(m, receivedAtMs)) };
	if (!isObject(body)) {
		return { invalid: { field: '(body)', reason: 'The request body must be a JSON object (an inbound message)' } };
	}
	const hasOwnConversation = body.conversationId !== undefined || isObject(body.conversation);
	if (!hasOwnConversation) {
		for (const field of ENVELOPE_FIELDS) {
			const list = body[field];
			if (Array.isArray(list)) return { shape: field, results: list.map((m) => normalizeMessage(m, receivedAtMs)) };
		}
	}
	return { shape: 'message', results: [normalizeMessage(body, receivedAtMs)] };
}

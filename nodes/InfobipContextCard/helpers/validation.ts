/**
 * Input validation for the Fetch Context Card node. Pure: no n8n imports.
 */
import { z } from 'zod';

import { attempt } from '../../shared/attempt';
import { CONVERSATION_KEYS, type ConversationVars } from './templating';

export class ValidationError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ValidationError';
	}
}

function scalar(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value === 'boolean') return String(value);
	return undefined;
}

export function emptyConversation(): ConversationVars {
	return Object.fromEntries(CONVERSATION_KEYS.map((k) => [k, ''])) as ConversationVars;
}

/**
 * Conversation variables from an input item. Accepts a `conversation` object with the 8 keys, and the shape the
 * Infobip Conversations Trigger emits (top-level `conversationId`, `channel`, `from` = customer, `to` = agent
 * number, and any of the 8 keys at top level). The `conversation` object wins over top-level fields, explicit
 * keys win over `from`/`to`. Missing values are empty strings.
 */
export function conversationFromItem(json: Record<string, unknown> | undefined): ConversationVars {
	const vars = emptyConversation();
	if (!json || typeof json !== 'object') return vars;
	const set = (key: keyof ConversationVars, value: unknown) => {
		const s = scalar(value);
		if (s !== undefined) vars[key] = s;
	};
	set('customerNumber', json.from);
	set('agentNumber', json.to);
	for (const key of CONVERSATION_KEYS) set(key, json[key]);
	const nested = json.conversation;
	if (nested && typeof nested === 'object' && !Array.isArray(nested)) {
		for (const key of CONVERSATION_KEYS) set(key, (nested as Record<string, unknown>)[key]);
	}
	return vars;
}

/** Conversation variables from explicit fields (Define Below). */
export function conversationFromFields(fields: Partial<Record<string, unknown>>): ConversationVars {
	const vars = emptyConversation();
	for (const key of CONVERSATION_KEYS) vars[key] = scalar(fields[key]) ?? '';
	return vars;
}

const portalSchema = z
	.object({
		conversation: z.record(z.string(), z.unknown()).optional(),
	})
	.passthrough();

function parseJsonParam(value: unknown, name: string): unknown {
	if (typeof value !== 'string') return value;
	if (value.trim() === '') return undefined;
	const parsed = attempt(() => JSON.parse(value) as unknown);
	if (!parsed.ok) throw new ValidationError(`"${name}" is not valid JSON: ${parsed.error.message}`);
	return parsed.value;
}

/** Preview mode: the "Portal Data" JSON, `{"conversation": {…}}` (like Infobip's Portal data tab) or the keys flat. */
export function conversationFromPortalData(value: unknown): ConversationVars {
	const parsed = parseJsonParam(value, 'Portal Data');
	if (parsed === undefined || parsed === null) return emptyConversation();
	const result = portalSchema.safeParse(parsed);
	if (!result.success || Array.isArray(parsed)) {
		throw new ValidationError('"Portal Data" must be a JSON object such as {"conversation": {"conversationId": "…", "customerDisplayName": "…"}}');
	}
	const data = result.data as Record<string, unknown>;
	return conversationFromItem(data.conversation ? { conversation: data.conversation } : data);
}

/** Preview mode: the "Sample Response" JSON (any JSON value; text when "Response Format" is Text). */
export function sampleResponse(value: unknown, format: 'auto' | 'json' | 'text'): unknown {
	if (format === 'text') return typeof value === 'string' ? value : JSON.stringify(value);
	return parseJsonParam(value, 'Sample Response') ?? null;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'te', 'trailer', 'keep-alive']);

export function checkHeaderName(name: string): void {
	if (!HEADER_NAME.test(name)) {
		throw new ValidationError(`Header name "${name}" is not valid: use letters, digits and - only (e.g. X-Customer-Id).`);
	}
	if (RESERVED_HEADERS.has(name.toLowerCase())) {
		throw new ValidationError(`Header "${name}" is set by the HTTP client and cannot be overridden.`);
	}
}

/** After rendering, a header value must be a single line without control characters. */
export function checkHeaderValue(name: string, value: string): void {
	const bad = /[\u0000-\u0008\u000a-\u001f\u007f]/.exec(value);
	if (bad) {
		const what = bad[0] === '\r' || bad[0] === '\n' ? 'a line break' : 'a control character';
		throw new ValidationError(
			`Header "${name}" contains ${what} after inserting the variables; header values must be a single line. Remove the variable or clean it up before this node.`,
		);
	}
}

/** JSON body mode: the rendered body must be JSON before anything is sent. */
export function checkJsonBody(rendered: string): unknown {
	const parsed = attempt(() => JSON.parse(rendered) as unknown);
	if (parsed.ok) return parsed.value;
	throw new ValidationError(
		`Body template did not render to valid JSON (${parsed.error.message}). Put variables inside quotes ("{{ conversation.customerNumber }}"), or use | json for whole values. Rendered: ${rendered.slice(0, 300)}`,
	);
}

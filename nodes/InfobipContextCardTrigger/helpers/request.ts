import type { ConversationKey, ConversationVars } from '../../InfobipContextCard/helpers/templating';
import type { HeaderMap } from '../../shared/webhook/http';

/**
 * The eight conversation variables of an Infobip custom card (Conversations → Settings → Integrations →
 * Custom cards), in the order Infobip lists them. The same names as Fetch Context Card's `conversation`.
 */
export const CARD_VARIABLES = [
	'agentNumber',
	'agentId',
	'channel',
	'conversationId',
	'customerDisplayName',
	'customerNumber',
	'priority',
	'queueId',
] as const satisfies readonly ConversationKey[];

/** What to paste after the Production URL in the card's Webhook URL: every variable, URL-encoded by Infobip. */
export const CARD_QUERY_STRING =
	'?' +
	['conversationId', 'agentId', 'agentNumber', 'channel', 'customerDisplayName', 'customerNumber', 'priority', 'queueId']
		.map((name) => `${name}={{conversation.${name} | url_encode}}`)
		.join('&');

/** Headers never copied into the item: the secret the card sends, other credentials, and cookies. */
const HIDDEN_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

export type QueryValue = string | string[];

/**
 * The query string of a request URL, decoded the way Infobip's `url_encode` encodes (`+` is a space).
 * A name given once is a string, a name given several times an array of its values in order.
 */
export function parseQuery(url: string | undefined): Record<string, QueryValue> {
	const query: Record<string, QueryValue> = {};
	const at = (url ?? '').indexOf('?');
	if (at < 0) return query;
	for (const [name, value] of new URLSearchParams((url ?? '').slice(at + 1))) {
		const previous = query[name];
		if (previous === undefined) query[name] = value;
		else query[name] = Array.isArray(previous) ? [...previous, value] : [previous, value];
	}
	return query;
}

/** The request's headers for the item, without the card's secret header, other credentials and cookies. */
export function visibleHeaders(headers: HeaderMap, secretHeaderName?: string): Record<string, string> {
	const hidden = new Set(HIDDEN_HEADERS);
	if (secretHeaderName) hidden.add(secretHeaderName.trim().toLowerCase());
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined || hidden.has(name.toLowerCase())) continue;
		out[name] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return out;
}

export type ParsedBody = { kind: 'none' } | { kind: 'value'; value: unknown } | { kind: 'text'; text: string };

/**
 * A card request body: JSON (by content type, or because it starts with `{`/`[` and parses) or an HTML form
 * (`application/x-www-form-urlencoded`); anything else, and JSON that does not parse, is kept as text. A body
 * is never a reason to refuse a card request: the variables may all be in the URL.
 */
export function parseBody(bytes: Buffer, contentType: string | undefined): ParsedBody {
	let text = bytes.toString('utf8');
	if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
	if (text.trim() === '') return { kind: 'none' };
	const type = String(contentType ?? '').split(';')[0].trim().toLowerCase();
	if (type === 'application/x-www-form-urlencoded') return { kind: 'value', value: parseQuery(`?${text}`) };
	const looksJson = /^\s*[[{]/.test(text);
	if (type === 'application/json' || type.endsWith('+json') || looksJson) {
		try {
			return { kind: 'value', value: JSON.parse(text) };
		} catch {
			return { kind: 'text', text };
		}
	}
	return { kind: 'text', text };
}

/** A variable's value as the card gives it: text as is, numbers and booleans as text, the first of a list. */
function scalar(value: unknown): string | undefined {
	if (Array.isArray(value)) return value.length ? scalar(value[0]) : undefined;
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	value !== null && typeof value === 'object' && !Array.isArray(value);

/** The variables found in one source: `name`, `conversation.name`, `conversation[name]` or a nested `conversation`. */
function variablesIn(source: unknown): Partial<ConversationVars> {
	const found: Partial<ConversationVars> = {};
	if (!isObject(source)) return found;
	const nested = isObject(source.conversation) ? source.conversation : {};
	for (const name of CARD_VARIABLES) {
		const value = scalar(source[name]) ?? scalar(nested[name]) ?? scalar(source[`conversation.${name}`]) ?? scalar(source[`conversation[${name}]`]);
		if (value !== undefined) found[name] = value;
	}
	return found;
}

/**
 * The conversation variables of a card request. The query string (the card's Webhook URL, where Infobip renders
 * the variables) wins; a JSON or form body fills in what the URL does not carry. Missing variables are `''`.
 */
export function conversationVariables(query: Record<string, QueryValue>, body: unknown): ConversationVars {
	const vars = Object.fromEntries(CARD_VARIABLES.map((name) => [name, ''])) as ConversationVars;
	const fromBody = variablesIn(body);
	const fromQuery = variablesIn(query);
	for (const name of CARD_VARIABLES) {
		const q = fromQuery[name];
		vars[name] = q !== undefined && q !== '' ? q : (fromBody[name] ?? q ?? '');
	}
	return vars;
}

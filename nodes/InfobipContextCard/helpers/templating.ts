/**
 * Liquid templating for the Fetch Context Card node. Pure: no n8n imports, unit-testable on its own.
 *
 * Five engines, one per output context, so a value is escaped for where it lands:
 * - `url`: every `{{ }}` output is percent-encoded (a display name can never add a path, query or host);
 *   `url_encode` works as in Infobip (spaces become `+`) and is not encoded twice; `raw` opts out.
 * - `urlRaw`: the same without auto-encoding, for users who encode themselves.
 * - `text`: no escaping (header values, text bodies).
 * - `json`: outputs are escaped for the inside of a JSON string; `json` / `jsonify` insert JSON values as they are.
 * - `html`: outputs are HTML-escaped; `raw` opts out for trusted fields; `escape` does not escape twice;
 *   `safe_url` neutralises javascript:/data: links taken from a response.
 *
 * None of them can read files (`include`/`render`/`layout` find nothing), and each has limits on template size,
 * render time and allocations, so a runaway template fails with an error naming the limit.
 * Parsed templates are kept in a small LRU keyed by engine + text (a pure function of the text).
 */
import { Liquid, type LiquidOptions, type Template, type Variable } from 'liquidjs';

import { attempt } from '../../shared/attempt';

export const CONVERSATION_KEYS = [
	'agentNumber',
	'agentId',
	'channel',
	'conversationId',
	'customerDisplayName',
	'customerNumber',
	'priority',
	'queueId',
] as const;
export type ConversationKey = (typeof CONVERSATION_KEYS)[number];
export type ConversationVars = Record<ConversationKey, string>;

export const REQUEST_KEYS = ['method', 'url', 'status', 'durationMs', 'fromCache'] as const;
export const ERROR_KEYS = ['message', 'status', 'code'] as const;

export const LIMITS = {
	/** characters per template */
	templateChars: 100_000,
	/** milliseconds per render */
	renderMs: 1_000,
	/** liquidjs allocation units per render (array/string creation by ranges and filters) */
	memory: 10_000_000,
} as const;

export type EngineName = 'url' | 'urlRaw' | 'text' | 'json' | 'html';

/** Which template a message is about; `label` is what users see ("Card", 'Header "X-Ticket"', …). */
export type TemplateKind = 'url' | 'header' | 'body' | 'card' | 'fallback';

const ALLOWED: Record<TemplateKind, Record<string, readonly string[] | null>> = {
	url: { conversation: CONVERSATION_KEYS },
	header: { conversation: CONVERSATION_KEYS },
	body: { conversation: CONVERSATION_KEYS },
	card: { conversation: CONVERSATION_KEYS, response: null, request: REQUEST_KEYS },
	fallback: { conversation: CONVERSATION_KEYS, error: ERROR_KEYS, request: REQUEST_KEYS },
};

/** A template problem found before or during rendering, with where it is. */
export class TemplateError extends Error {
	constructor(
		message: string,
		readonly label: string,
		readonly detail: { line?: number; column?: number; variable?: string; limit?: string } = {},
	) {
		super(message);
		this.name = 'TemplateError';
	}
}

function toText(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (Array.isArray(value)) return value.map(toText).join('');
	return String(value);
}

/** Escapes for the inside of a JSON string literal (without the quotes). */
export function jsonStringContent(value: unknown): string {
	return JSON.stringify(toText(value)).slice(1, -1);
}

/**
 * `| safe_url` for links built from response data: keeps http(s), mailto, tel and relative URLs, turns any other
 * scheme (javascript:, data:, …) into "#". The result is still HTML-escaped.
 */
export function safeUrl(value: unknown): string {
	const text = toText(value).trim();
	const compact = text.replace(/[\u0000-\u0020\u007f]/g, '');
	if (/^[a-z][a-z0-9+.-]*:/i.test(compact) && !/^(https?|mailto|tel):/i.test(compact)) return '#';
	return text;
}

function baseOptions(): LiquidOptions {
	return {
		// in-memory template map with nothing in it: include/render/layout can never touch the file system
		templates: {},
		strictFilters: true,
		ownPropertyOnly: true,
		parseLimit: LIMITS.templateChars,
		renderLimit: LIMITS.renderMs,
		memoryLimit: LIMITS.memory,
	};
}

function markRaw(engine: Liquid, ...names: string[]): void {
	for (const name of names) {
		const impl = engine.filters[name] as unknown;
		if (!impl) throw new Error(`liquidjs has no "${name}" filter`);
		const handler = typeof impl === 'function' ? impl : (impl as { handler: (...args: unknown[]) => unknown }).handler;
		engine.registerFilter(name, { handler: handler as (...args: unknown[]) => unknown, raw: true });
	}
}

function createEngine(name: EngineName): Liquid {
	switch (name) {
		case 'url': {
			const engine = new Liquid({ ...baseOptions(), outputEscape: (v: unknown) => encodeURIComponent(toText(v)) });
			markRaw(engine, 'url_encode');
			return engine;
		}
		case 'json': {
			const engine = new Liquid({ ...baseOptions(), outputEscape: jsonStringContent });
			markRaw(engine, 'json', 'jsonify');
			return engine;
		}
		case 'html': {
			const engine = new Liquid({ ...baseOptions(), outputEscape: 'escape' });
			markRaw(engine, 'escape', 'escape_once');
			engine.registerFilter('safe_url', safeUrl);
			return engine;
		}
		default:
			return new Liquid(baseOptions());
	}
}

const engines = new Map<EngineName, Liquid>();
export function getEngine(name: EngineName): Liquid {
	let engine = engines.get(name);
	if (!engine) {
		engine = createEngine(name);
		engines.set(name, engine);
	}
	return engine;
}

export interface CompiledTemplate {
	engine: EngineName;
	templates: Template[];
	/** Variables the template reads from outside (not assigned locally), with their locations. */
	globals: Record<string, Variable[]>;
}

export const COMPILED_CACHE_SIZE = 256;
const compiled = new Map<string, CompiledTemplate>();

/** Number of parsed templates currently kept (for tests). */
export function compiledCacheSize(): number {
	return compiled.size;
}

function position(error: unknown): { line?: number; column?: number } {
	const token = (error as { token?: { getPosition?: () => [number, number] } }).token;
	const pos = token?.getPosition?.();
	if (pos) return { line: pos[0], column: pos[1] };
	const m = /line:(\d+), col:(\d+)/.exec(String((error as Error)?.message ?? ''));
	return m ? { line: Number(m[1]), column: Number(m[2]) } : {};
}

function bareMessage(error: unknown): string {
	const e = error as { originalError?: Error; message?: string };
	const msg = e.originalError?.message ?? e.message ?? String(error);
	return msg.replace(/,? ?line:\d+, col:\d+\s*$/, '').trim();
}

function where(label: string, line?: number, column?: number): string {
	if (line === undefined) return `${label} template`;
	return `${label} template, line ${line}${column !== undefined ? `, column ${column}` : ''}`;
}

/** Turns liquidjs' limit errors into a message naming the limit. */
function limitOf(message: string): string | undefined {
	if (/parse length limit/i.test(message)) return `template size limit (${LIMITS.templateChars.toLocaleString('en-US')} characters)`;
	if (/render limit/i.test(message)) return `render time limit (${LIMITS.renderMs.toLocaleString('en-US')} ms)`;
	if (/memory alloc limit/i.test(message)) return `memory limit (${LIMITS.memory.toLocaleString('en-US')} allocation units)`;
	return undefined;
}

/** Parses (or takes from the LRU) a template; syntax errors name the template, line and column. */
export function compile(engineName: EngineName, text: string, label: string): CompiledTemplate {
	const key = `${engineName}\u0000${text}`;
	const hit = compiled.get(key);
	if (hit) {
		compiled.delete(key);
		compiled.set(key, hit);
		return hit;
	}
	if (text.length > LIMITS.templateChars) {
		throw new TemplateError(
			`${label} template is too long (${text.length.toLocaleString('en-US')} characters): it exceeds the template size limit (${LIMITS.templateChars.toLocaleString('en-US')} characters)`,
			label,
			{ limit: 'templateChars' },
		);
	}
	const engine = getEngine(engineName);
	let templates: Template[];
	let globals: Record<string, Variable[]>;
	const parsed = attempt(() => {
		const tpls = engine.parse(text);
		return { tpls, globals: engine.analyzeSync(tpls, { partials: false }).globals };
	});
	if (!parsed.ok) {
		const { line, column } = position(parsed.error);
		const msg = bareMessage(parsed.error);
		const limit = limitOf(msg);
		if (limit) throw new TemplateError(`${where(label, line, column)} exceeds the ${limit}`, label, { line, column, limit });
		throw new TemplateError(`${where(label, line, column)} has a Liquid syntax error: ${msg}`, label, { line, column });
	}
	templates = parsed.value.tpls;
	globals = parsed.value.globals;
	const result: CompiledTemplate = { engine: engineName, templates, globals };
	compiled.set(key, result);
	while (compiled.size > COMPILED_CACHE_SIZE) {
		const oldest = compiled.keys().next().value as string;
		compiled.delete(oldest);
	}
	return result;
}

function describeAllowed(kind: TemplateKind): string {
	return Object.entries(ALLOWED[kind])
		.map(([root, keys]) => (keys ? keys.map((k) => `${root}.${k}`).join(', ') : `${root}.…`))
		.join(', ');
}

/**
 * Rejects variables the template cannot have: unknown roots, unknown `conversation.*` / `request.*` / `error.*`
 * keys, and `response` / `error` where they do not exist. Variables the template assigns itself are fine.
 */
export function checkVariables(tpl: CompiledTemplate, kind: TemplateKind, label: string): void {
	const allowed = ALLOWED[kind];
	for (const [root, uses] of Object.entries(tpl.globals)) {
		for (const use of uses) {
			const { row: line, col: column } = use.location;
			const path = use.toString();
			if (!(root in allowed)) {
				const hint =
					root === 'response' || root === 'error' || root === 'request'
						? `"${root}" is not available in the ${label} template`
						: `unknown variable "${path}"`;
				throw new TemplateError(`${where(label, line, column)}: ${hint}. Available: ${describeAllowed(kind)}`, label, {
					line,
					column,
					variable: path,
				});
			}
			const keys = allowed[root];
			const second = use.segments[1];
			if (keys && typeof second === 'string' && !keys.includes(second)) {
				throw new TemplateError(
					`${where(label, line, column)}: unknown variable "${root}.${second}". Available: ${keys.map((k) => `${root}.${k}`).join(', ')}`,
					label,
					{ line, column, variable: `${root}.${second}` },
				);
			}
		}
	}
}

/** Compile + variable check in one step. */
export function prepare(engineName: EngineName, text: string, kind: TemplateKind, label: string): CompiledTemplate {
	const tpl = compile(engineName, text, label);
	checkVariables(tpl, kind, label);
	return tpl;
}

/** Renders with the engine's limits; render errors name the template, line and, for limits, the limit. */
export function render(tpl: CompiledTemplate, scope: Record<string, unknown>, label: string): string {
	const rendered = attempt(() => String(getEngine(tpl.engine).renderSync(tpl.templates, scope)));
	if (rendered.ok) return rendered.value;
	const { line, column } = position(rendered.error);
	const msg = bareMessage(rendered.error);
	const limit = limitOf(msg);
	if (limit) {
		throw new TemplateError(`${where(label, line, column)} was stopped: it exceeded the ${limit}. Simplify loops over large lists.`, label, {
			line,
			column,
			limit,
		});
	}
	throw new TemplateError(`${where(label, line, column)} could not be rendered: ${msg}`, label, { line, column });
}

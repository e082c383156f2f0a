/**
 * A local emulator of the Infobip Conversations (CCaaS) HTTP API and of Infobip's external-bot forwarding,
 * so flows, tests and demos run on one machine with no Infobip account. See docs/emulator.md.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { z } from 'zod';

export interface BotConfig {
	url?: string;
	authHeaderName?: string;
	authHeaderValue?: string;
	agentId?: string;
	sessionTimeoutSeconds?: number;
	/**
	 * At-least-once delivery, as Infobip does it: after a delivery the bot answered with 2xx, the same message
	 * (same id and body) is sent again with this probability (0–1), `redeliveryDelayMs` later. Default 0.
	 */
	redeliveryRate?: number;
	/** Delay before a redelivery, in ms. Default 1000. */
	redeliveryDelayMs?: number;
	/** Attempts per delivery when the bot answers 5xx/429 or the connection fails. Default 3. */
	deliveryAttempts?: number;
	/** Wait before retry n is n × this, in ms. Default 50. */
	deliveryRetryDelayMs?: number;
}
export interface FaultConfig {
	latencyMs?: number;
	/** extra latency, uniformly random from 0 to this many ms, added to latencyMs (e.g. 20 + 0..30 = 20–50 ms) */
	latencyJitterMs?: number;
	/**
	 * Rate limit per API key: at most this many /ccaas/ requests are accepted in any sliding 1-second window;
	 * beyond it the answer is 429 with Retry-After, counted as faultsInjected.rateLimited. Refused requests do
	 * not use up the window. 0 or unset: no limit.
	 */
	rateLimitPerSecond?: number;
	errorRate?: number;
	rateLimitRate?: number;
	retryAfterSeconds?: number;
	dropRate?: number;
	/** The request is processed (state changes), then the connection is dropped before the answer is sent. */
	dropResponseRate?: number;
}
/**
 * What the emulator promises: 'full' (default) also emulates what only Infobip's OpenAPI description lists
 * (PATCH …/metadata) and forwards the whole message object to the Bot URL; 'documented' keeps to Infobip's public
 * API reference pages: PATCH …/metadata answers 405 and the bot gets only the fields those pages show.
 */
export type EmulatorProfile = 'full' | 'documented';
export const PROFILES: readonly EmulatorProfile[] = ['full', 'documented'];
/** The fields of a message forwarded to the Bot URL in the 'documented' profile. */
export const DOCUMENTED_BOT_FIELDS = ['conversationId', 'from', 'to', 'channel', 'contentType', 'content'] as const;

export interface EmulatorOptions {
	/** Default 'full'; see EmulatorProfile. Changeable later with setProfile() or PUT /_emulator/config {profile}. */
	profile?: EmulatorProfile;
	port?: number;
	host?: string;
	apiKey?: string;
	bot?: BotConfig;
	faults?: FaultConfig;
	seed?: number;
	maxBodyBytes?: number;
}
export interface Conversation {
	id: string;
	topic?: string;
	summary?: string;
	status: 'OPEN' | 'WAITING' | 'SOLVED' | 'CLOSED';
	priority: 'LOW' | 'NORMAL' | 'HIGH' | 'URGENT';
	queueId: string | null;
	agentId: string | null;
	createdAt: string;
	updatedAt: string;
	closedAt?: string;
	/** emulator-only: bot still owns the conversation */
	withBot: boolean;
	customer: { from: string; to: string; channel: string };
}
export interface Message {
	id: string;
	conversationId: string;
	from: string;
	to: string;
	channel: string;
	direction: 'INBOUND' | 'OUTBOUND';
	contentType: string;
	content: Record<string, unknown>;
	createdAt: string;
	agentId?: string;
}
export interface EmulatorState {
	conversations: Map<string, Conversation>;
	messages: Map<string, Message[]>;
	metadata: Map<string, Record<string, string | number | boolean>>;
	/** One entry per POST to the bot; `redelivery` marks the at-least-once repeats (bot.redeliveryRate). */
	deliveries: Array<{ messageId: string; conversationId: string; status: number | 'error'; attempt: number; redelivery?: true; detail?: string }>;
	/** `at`: when the request arrived (epoch ms, real time) */
	requests: Array<{ method: string; path: string; status: number; agentId?: string; at: number }>;
	faultsInjected: Record<string, number>;
}
export interface RunningEmulator {
	url: string;
	apiKey: string;
	botAgentId: string;
	/** The current profile (see EmulatorProfile). */
	readonly profile: EmulatorProfile;
	state: EmulatorState;
	close(): Promise<void>;
	/** Switches the profile at once; kept across reset(), like the faults and the bot configuration. */
	setProfile(profile: EmulatorProfile): void;
	setFaults(f: FaultConfig): void;
	configureBot(b: BotConfig): void;
	advanceClock(ms: number): void;
	now(): number;
	inbound(msg: InboundInput): Promise<{ conversationId: string; messageId: string; forwarded: boolean }>;
	/** Bulk-creates conversations, each with one message at a chosen time (tests, benchmarks). */
	seed(input: SeedInput): { created: number; conversationIds: string[] };
	waitForIdle(): Promise<void>;
	reset(): void;
}

const inboundSchema = z.object({
	from: z.string().min(1),
	to: z.string().min(1),
	channel: z.string().min(1).default('WHATSAPP'),
	text: z.string().optional(),
	contentType: z.string().optional(),
	content: z.record(z.unknown()).optional(),
});
export type InboundInput = z.input<typeof inboundSchema>;

const seedSchema = z
	.object({
		count: z.number().int().min(1).max(500_000),
		/** assignee; default the bot's agent id; null = unassigned */
		agentId: z.string().min(1).nullable().optional(),
		status: z.enum(['OPEN', 'WAITING', 'SOLVED', 'CLOSED']).default('OPEN'),
		queueId: z.string().min(1).nullable().default(null),
		channel: z.string().min(1).default('WHATSAPP'),
		/** the (newest) message is this long before the emulator's now */
		lastMessageAgoMs: z.number().min(0).default(0),
		/** messages spread evenly from lastMessageAgoMs to lastMessageAgoMs + spreadMs ago */
		spreadMs: z.number().min(0).default(0),
		direction: z.enum(['INBOUND', 'OUTBOUND']).default('INBOUND'),
		to: z.string().min(1).default('447860099299'),
		text: z.string().min(1).default('Hello'),
		/** the bot still receives the customer's messages; default: assigned to the bot */
		withBot: z.boolean().optional(),
	})
	.strict();
export type SeedInput = z.input<typeof seedSchema>;

/** Min-heap of (time, conversation id) so session expiry does not scan every conversation on every request. */
class TimeHeap {
	private readonly a: Array<{ t: number; id: string }> = [];
	get size() {
		return this.a.length;
	}
	peek() {
		return this.a[0];
	}
	clear() {
		this.a.length = 0;
	}
	push(e: { t: number; id: string }) {
		const a = this.a;
		a.push(e);
		let i = a.length - 1;
		while (i > 0) {
			const p = (i - 1) >> 1;
			if (a[p].t <= a[i].t) break;
			[a[p], a[i]] = [a[i], a[p]];
			i = p;
		}
	}
	pop() {
		const a = this.a;
		const top = a[0];
		const last = a.pop()!;
		if (a.length) {
			a[0] = last;
			let i = 0;
			for (;;) {
				const l = 2 * i + 1;
				const r = l + 1;
				let m = i;
				if (l < a.length && a[l].t < a[m].t) m = l;
				if (r < a.length && a[r].t < a[m].t) m = r;
				if (m === i) break;
				[a[m], a[i]] = [a[i], a[m]];
				i = m;
			}
		}
		return top;
	}
}

const STATUSES = ['OPEN', 'WAITING', 'SOLVED', 'CLOSED'] as const;
const PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const;
const patchSchema = z
	.object({
		topic: z.string().max(1000).optional(),
		summary: z.string().max(4000).optional(),
		status: z.enum(STATUSES).optional(),
		priority: z.enum(PRIORITIES).optional(),
		queueId: z.string().max(255).optional(),
		agentId: z.string().max(255).optional(),
	})
	.strict();
const metadataSchema = z
	.record(z.union([z.string(), z.number(), z.boolean()]))
	.refine((o) => Object.keys(o).length > 0, 'metadata must have at least one key');
const urlContent = z.object({ url: z.string().url(), caption: z.string().optional() });
const contentSchemas: Record<string, z.ZodTypeAny> = {
	TEXT: z.object({ text: z.string().min(1) }),
	IMAGE: urlContent,
	VIDEO: urlContent,
	AUDIO: urlContent,
	DOCUMENT: urlContent,
	LOCATION: z.object({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() }),
};
const messageSchema = z.object({
	from: z.string().min(1),
	to: z.string().min(1),
	channel: z.string().min(1),
	contentType: z.string().min(1),
	content: z.record(z.unknown()),
});

class HttpError extends Error {
	/** extra response headers (Retry-After of a 429, Allow of a 405) */
	headers: Record<string, string> = {};
	constructor(
		readonly status: number,
		message: string,
		readonly messageId = 'BAD_REQUEST',
		readonly validationErrors?: Record<string, string[]>,
	) {
		super(message);
	}
}

function checkProfile(value: unknown): EmulatorProfile {
	if (!PROFILES.includes(value as EmulatorProfile)) {
		throw new HttpError(400, `Unknown profile ${JSON.stringify(value)}; use ${PROFILES.map((p) => `"${p}"`).join(' or ')}`, 'BAD_REQUEST', { profile: ['unknown'] });
	}
	return value as EmulatorProfile;
}

/** Infobip's two error shapes: 400 on CCaaS is {statusCode, message}; others are requestError/serviceException. */
function errorBody(e: HttpError) {
	if (e.status === 400) return { statusCode: 'ERROR', message: e.message, ...(e.validationErrors ? { validationErrors: e.validationErrors } : {}) };
	return { requestError: { serviceException: { messageId: e.messageId, text: e.message, ...(e.validationErrors ? { validationErrors: e.validationErrors } : {}) } } };
}

function zodErrors(error: z.ZodError): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	for (const issue of error.issues) (out[issue.path.join('.') || 'body'] ??= []).push(issue.message);
	return out;
}

/** Mulberry32: seeded PRNG so fault runs are reproducible. */
function prng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export const AGENTS = [
	{ id: 'agent-alice', displayName: 'Alice Agent', email: 'alice@example.com', role: 'AGENT', status: 'ACTIVE', enabled: true },
	{ id: 'agent-bob', displayName: 'Bob Agent', email: 'bob@example.com', role: 'AGENT', status: 'ACTIVE', enabled: true },
];
export const QUEUES = [{ id: 'queue-support', name: 'Support' }];

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
	let profile = checkProfile(opts.profile ?? 'full');
	const apiKey = opts.apiKey ?? randomBytes(16).toString('hex');
	const bot: BotConfig = { agentId: randomUUID(), authHeaderName: 'Authorization', sessionTimeoutSeconds: 600, ...opts.bot };
	let faults: FaultConfig = { ...opts.faults };
	const random = prng(opts.seed ?? 1);
	const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
	let clockOffset = 0;
	const now = () => Date.now() + clockOffset;
	const ts = (ms = now()) => new Date(ms).toISOString().replace('Z', '+00:00');
	const pending = new Set<Promise<unknown>>();

	const state: EmulatorState = {
		conversations: new Map(),
		messages: new Map(),
		metadata: new Map(),
		deliveries: [],
		requests: [],
		faultsInjected: {},
	};
	const countFault = (k: string) => (state.faultsInjected[k] = (state.faultsInjected[k] ?? 0) + 1);
	/** accepted request times per API key in the last second (faults.rateLimitPerSecond), oldest first */
	const rateWindows = new Map<string, number[]>();
	/** Sliding 1-second window: undefined when the request may pass (and is counted), else the Retry-After in seconds. */
	const rateLimited = (key: string, limit: number, at: number): number | undefined => {
		let times = rateWindows.get(key);
		if (!times) rateWindows.set(key, (times = []));
		let expired = 0;
		while (expired < times.length && times[expired] <= at - 1000) expired++;
		if (expired) times.splice(0, expired);
		if (times.length >= limit) return Math.max(1, Math.ceil((times[0] + 1000 - at) / 1000));
		times.push(at);
		return undefined;
	};
	/** conversations per customer (from, to, channel), so an inbound message finds its open one without a scan */
	const byCustomer = new Map<string, Conversation[]>();
	const customerKey = (c: { from: string; to: string; channel: string }) => `${c.from}\u0000${c.to}\u0000${c.channel}`;
	const indexCustomer = (c: Conversation) => {
		const key = customerKey(c.customer);
		const list = (byCustomer.get(key) ?? []).filter((x) => x.status !== 'CLOSED' && state.conversations.has(x.id));
		list.push(c);
		byCustomer.set(key, list);
	};
	/** activity times for session expiry; stale entries are skipped when popped */
	const activity = new TimeHeap();
	let seedSeq = 0;
	/**
	 * Conversations kept sorted per `orderBy`, re-sorted in place on each listing: V8's sort (TimSort) is nearly
	 * linear on an almost sorted array, so listing 100,000 conversations stays fast while a few change between
	 * requests. Rebuilt when conversations are added or removed.
	 */
	const sortIndexes = new Map<string, { generation: number; items: Conversation[] }>();
	let generation = 0;
	const sortedConversations = (orderBy: string | null) => {
		const [field, dir] = (orderBy ?? 'id:asc').split(':');
		const sign = dir === 'desc' ? -1 : 1;
		const key = `${field}:${sign}`;
		let idx = sortIndexes.get(key);
		if (!idx || idx.generation !== generation || idx.items.length !== state.conversations.size) {
			if (!idx && sortIndexes.size >= 8) sortIndexes.clear();
			idx = { generation, items: [...state.conversations.values()] };
			sortIndexes.set(key, idx);
		}
		const k = (c: Conversation) => {
			const v = (c as unknown as Record<string, unknown>)[field];
			return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
		};
		idx.items.sort((a, b) => {
			const x = k(a);
			const y = k(b);
			return x < y ? -sign : x > y ? sign : 0;
		});
		return idx.items;
	};

	const lastActivity = (c: Conversation) => {
		const msgs = state.messages.get(c.id) ?? [];
		return Date.parse(msgs.length ? msgs[msgs.length - 1].createdAt : c.createdAt);
	};
	/** Bot session expiry: a conversation idle with the bot longer than the timeout is closed. */
	const expireSessions = () => {
		const cutoff = now() - (bot.sessionTimeoutSeconds ?? 600) * 1000;
		while (activity.size && activity.peek().t < cutoff) {
			const { t, id } = activity.pop();
			const c = state.conversations.get(id);
			// skip entries superseded by a newer message, and conversations no longer with the bot
			if (!c || !c.withBot || c.status === 'CLOSED' || lastActivity(c) !== t) continue;
			c.status = 'CLOSED';
			c.withBot = false;
			c.closedAt = c.updatedAt = ts();
		}
	};
	const getConversation = (id: string) => {
		const c = state.conversations.get(id);
		if (!c) throw new HttpError(404, `Conversation ${id} not found`, 'NOT_FOUND');
		return c;
	};
	const publicConversation = (c: Conversation) => {
		const { withBot: _w, customer: _c, ...rest } = c;
		return rest;
	};
	const addMessage = (m: Message) => {
		const list = state.messages.get(m.conversationId) ?? [];
		list.push(m);
		state.messages.set(m.conversationId, list);
		const c = state.conversations.get(m.conversationId);
		if (c) c.updatedAt = m.createdAt;
		activity.push({ t: Date.parse(m.createdAt), id: m.conversationId });
	};

	/** The body POSTed to the Bot URL: the whole message, or in 'documented' only the fields the public pages show. */
	const botPayload = (m: Message): string => {
		if (profile === 'full') return JSON.stringify(m);
		return JSON.stringify(Object.fromEntries(DOCUMENTED_BOT_FIELDS.map((k) => [k, m[k]])));
	};
	/** `payload`: fixed at the first delivery, so a redelivery sends exactly the same body */
	const deliver = async (m: Message, redelivery = false, payload = botPayload(m)): Promise<void> => {
		if (!bot.url) return;
		const headers: Record<string, string> = { 'content-type': 'application/json' };
		if (bot.authHeaderValue) headers[(bot.authHeaderName ?? 'Authorization').toLowerCase()] = bot.authHeaderValue;
		const attempts = Math.max(1, bot.deliveryAttempts ?? 3);
		for (let attempt = 1; attempt <= attempts; attempt++) {
			try {
				const res = await request(bot.url, { method: 'POST', headers, body: payload });
				// the start of a failed answer's body is kept (why the bot refused), a successful one is dropped
				const detail = res.statusCode >= 300 ? (await res.body.text()).slice(0, 200) : (await res.body.dump(), undefined);
				state.deliveries.push({ messageId: m.id, conversationId: m.conversationId, status: res.statusCode, attempt, ...(redelivery ? { redelivery } : {}), ...(detail ? { detail } : {}) });
				if (res.statusCode < 300) {
					if (!redelivery && bot.redeliveryRate && random() < bot.redeliveryRate) {
						const again = new Promise((r) => setTimeout(r, bot.redeliveryDelayMs ?? 1000))
							.then(() => deliver(m, true, payload))
							.finally(() => pending.delete(again));
						pending.add(again);
					}
					return;
				}
				if (res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 429) return;
			} catch (error) {
				state.deliveries.push({ messageId: m.id, conversationId: m.conversationId, status: 'error', attempt, ...(redelivery ? { redelivery } : {}), detail: String((error as Error).message).slice(0, 200) });
			}
			if (attempt < attempts) await new Promise((r) => setTimeout(r, (bot.deliveryRetryDelayMs ?? 50) * attempt));
		}
	};

	const inbound = async (input: InboundInput) => {
		const parsed = inboundSchema.safeParse(input);
		if (!parsed.success) throw new HttpError(400, 'Invalid inbound message', 'BAD_REQUEST', zodErrors(parsed.error));
		const msg = parsed.data;
		expireSessions();
		let conv = (byCustomer.get(customerKey(msg)) ?? []).find((c) => c.status === 'OPEN' || c.status === 'WAITING');
		if (!conv) {
			const created = ts();
			conv = {
				id: randomUUID(),
				status: 'OPEN',
				priority: 'NORMAL',
				queueId: null,
				agentId: bot.url ? (bot.agentId ?? null) : null,
				createdAt: created,
				updatedAt: created,
				withBot: Boolean(bot.url),
				customer: { from: msg.from, to: msg.to, channel: msg.channel },
			};
			state.conversations.set(conv.id, conv);
			indexCustomer(conv);
			generation++;
		}
		const m: Message = {
			id: randomUUID(),
			conversationId: conv.id,
			from: msg.from,
			to: msg.to,
			channel: msg.channel,
			direction: 'INBOUND',
			contentType: msg.contentType ?? 'TEXT',
			content: msg.content ?? { text: msg.text ?? '' },
			createdAt: ts(),
		};
		addMessage(m);
		const forwarded = conv.withBot && Boolean(bot.url);
		if (forwarded) {
			const p = deliver(m).finally(() => pending.delete(p));
			pending.add(p);
		}
		return { conversationId: conv.id, messageId: m.id, forwarded };
	};

	const seed = (input: SeedInput) => {
		const parsed = seedSchema.safeParse(input);
		if (!parsed.success) throw new HttpError(400, 'Invalid seed request', 'BAD_REQUEST', zodErrors(parsed.error));
		const o = parsed.data;
		const agentId = o.agentId === undefined ? (bot.agentId ?? null) : o.agentId;
		const withBot = o.withBot ?? (agentId !== null && agentId === bot.agentId);
		const base = now() - o.lastMessageAgoMs;
		const conversationIds: string[] = [];
		for (let i = 0; i < o.count; i++) {
			const at = ts(base - (o.count > 1 ? Math.round((o.spreadMs * i) / (o.count - 1)) : 0));
			const customer = { from: `3859${String(++seedSeq).padStart(8, '0')}`, to: o.to, channel: o.channel };
			const conv: Conversation = {
				id: randomUUID(),
				status: o.status,
				priority: 'NORMAL',
				queueId: o.queueId,
				agentId,
				createdAt: at,
				updatedAt: at,
				...(o.status === 'CLOSED' ? { closedAt: at } : {}),
				withBot: withBot && (o.status === 'OPEN' || o.status === 'WAITING'),
				customer,
			};
			state.conversations.set(conv.id, conv);
			indexCustomer(conv);
			const inboundMsg = o.direction === 'INBOUND';
			addMessage({
				id: randomUUID(),
				conversationId: conv.id,
				from: inboundMsg ? customer.from : customer.to,
				to: inboundMsg ? customer.to : customer.from,
				channel: o.channel,
				direction: o.direction,
				contentType: 'TEXT',
				content: { text: o.text },
				createdAt: at,
			});
			conversationIds.push(conv.id);
		}
		generation++;
		return { created: o.count, conversationIds };
	};

	const list = <T>(items: T[], q: URLSearchParams, key: string, map: (item: T) => unknown = (x) => x) => {
		const limit = q.has('limit') ? Number(q.get('limit')) : 10;
		const page = q.has('page') ? Number(q.get('page')) : 0;
		if (!Number.isInteger(limit) || limit < 1 || limit > 999) throw new HttpError(400, 'limit must be an integer from 1 to 999', 'BAD_REQUEST', { limit: ['must be 1..999'] });
		if (!Number.isInteger(page) || page < 0) throw new HttpError(400, 'page must be a non-negative integer', 'BAD_REQUEST', { page: ['must be >= 0'] });
		return { [key]: items.slice(page * limit, page * limit + limit).map(map), pagination: { totalItems: items.length, page, limit } };
	};
	const timeFilter = (q: URLSearchParams, name: string) => {
		const v = q.get(name);
		if (!v) return undefined;
		const t = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
		if (!Number.isFinite(t)) throw new HttpError(400, `${name} is not a valid timestamp`, 'BAD_REQUEST', { [name]: ['invalid date-time'] });
		return t;
	};
	const order = <T extends object>(items: T[], orderBy: string | null) => {
		const [field, dir] = (orderBy ?? 'id:asc').split(':');
		const sign = dir === 'desc' ? -1 : 1;
		// sort keys computed once per item (listing 100,000 conversations stays fast)
		const keyed = items.map((item) => ({ k: String((item as Record<string, unknown>)[field] ?? ''), item }));
		keyed.sort((a, b) => (a.k < b.k ? -sign : a.k > b.k ? sign : 0));
		return keyed.map((e) => e.item);
	};

	async function api(method: string, path: string, q: URLSearchParams, body: unknown, req: IncomingMessage): Promise<[number, unknown]> {
		const parts = path.split('/').filter(Boolean).map(decodeURIComponent); // ccaas,1,conversations,id,sub
		if (parts[0] !== 'ccaas' || parts[1] !== '1') throw new HttpError(404, 'Not found', 'NOT_FOUND');
		const [, , resource, id, sub] = parts;
		expireSessions();
		if (resource === 'agents' && method === 'GET' && !id) {
			const name = q.get('displayName')?.toLowerCase();
			return [200, list(AGENTS.filter((a) => !name || a.displayName.toLowerCase().includes(name)), q, 'agents')];
		}
		if (resource === 'queues' && method === 'GET' && !id) return [200, list(QUEUES, q, 'queues')];
		if (resource === 'bots' && method === 'GET' && !id) {
			return [200, list([{ id: bot.agentId, displayName: 'Emulator bot', webhookUrl: bot.url ?? null, enabled: true }], q, 'bots')];
		}
		if (resource !== 'conversations') throw new HttpError(404, 'Not found', 'NOT_FOUND');
		if (!id) {
			if (method === 'GET') {
				const status = q.get('status');
				if (status && !(STATUSES as readonly string[]).includes(status)) throw new HttpError(400, `Unknown status ${status}`, 'BAD_REQUEST', { status: ['invalid'] });
				const agentId = q.get('agentId');
				const queueIds = [...q.getAll('queueIds'), ...q.getAll('queueIds[]'), ...q.getAll('queueId')];
				// the emulator writes every timestamp as ts() does (fixed width, +00:00), so comparing the strings
				// compares the times without parsing 100,000 dates per request
				const bound = (name: string) => {
					const t = timeFilter(q, name);
					return t === undefined ? undefined : ts(t);
				};
				const ca = bound('createdAfter');
				const cb = bound('createdBefore');
				const ua = bound('updatedAfter');
				const ub = bound('updatedBefore');
				const items: Conversation[] = [];
				for (const c of sortedConversations(q.get('orderBy'))) {
					if (
						(!status || c.status === status) &&
						(!agentId || c.agentId === agentId) &&
						(!queueIds.length || (c.queueId !== null && queueIds.includes(c.queueId))) &&
						(ca === undefined || c.createdAt > ca) &&
						(cb === undefined || c.createdAt < cb) &&
						(ua === undefined || c.updatedAt > ua) &&
						(ub === undefined || c.updatedAt < ub)
					) {
						items.push(c);
					}
				}
				return [200, list(items, q, 'conversations', publicConversation)];
			}
			throw new HttpError(405, 'Method not allowed', 'METHOD_NOT_ALLOWED');
		}
		if (profile === 'documented' && sub === 'metadata' && method === 'PATCH') {
			// only PUT (overwrite) and GET are on Infobip's public reference pages; refused before the conversation is looked up, as a router would
			throw Object.assign(new HttpError(405, 'Method not allowed', 'METHOD_NOT_ALLOWED'), { headers: { allow: 'GET, PUT' } });
		}
		const conv = getConversation(id);
		if (!sub) {
			if (method === 'GET') return [200, publicConversation(conv)];
			if (method === 'PATCH' || method === 'PUT') {
				if (conv.status === 'CLOSED') throw new HttpError(400, 'Closed conversations cannot be updated');
				const input = { ...(body as object) } as Record<string, unknown>;
				for (const k of ['id', 'createdAt', 'updatedAt', 'closedAt']) delete input[k];
				const parsed = patchSchema.safeParse(input);
				if (!parsed.success) throw new HttpError(400, 'Invalid conversation update', 'BAD_REQUEST', zodErrors(parsed.error));
				Object.assign(conv, parsed.data);
				conv.updatedAt = ts();
				if (parsed.data.status === 'CLOSED' || parsed.data.status === 'SOLVED') {
					conv.withBot = false;
					if (parsed.data.status === 'CLOSED') conv.closedAt = conv.updatedAt;
				}
				return [200, publicConversation(conv)];
			}
		}
		if (sub === 'route' && method === 'POST') {
			if (conv.status === 'CLOSED') throw new HttpError(400, 'Closed conversations cannot be routed');
			conv.agentId = null;
			conv.withBot = false;
			conv.queueId = conv.queueId ?? QUEUES[0].id;
			conv.updatedAt = ts();
			return [200, publicConversation(conv)];
		}
		if (sub === 'assignee' && method === 'PUT') {
			const agentId = (body as { agentId?: unknown } | undefined)?.agentId;
			if (typeof agentId !== 'string' || !agentId) throw new HttpError(400, 'agentId is required', 'BAD_REQUEST', { agentId: ['required'] });
			if (!AGENTS.some((a) => a.id === agentId) && agentId !== bot.agentId) throw new HttpError(404, `Agent ${agentId} not found`, 'NOT_FOUND');
			conv.agentId = agentId;
			conv.withBot = agentId === bot.agentId;
			conv.updatedAt = ts();
			if (conv.withBot) activity.push({ t: lastActivity(conv), id: conv.id });
			return [200, publicConversation(conv)];
		}
		if (sub === 'metadata') {
			if (method === 'GET') return [200, state.metadata.get(id) ?? {}];
			if (method === 'PUT' || method === 'PATCH') {
				const parsed = metadataSchema.safeParse(body);
				if (!parsed.success) throw new HttpError(400, 'Metadata must be a flat object of text, number or boolean values', 'BAD_REQUEST', zodErrors(parsed.error));
				state.metadata.set(id, method === 'PUT' ? parsed.data : { ...(state.metadata.get(id) ?? {}), ...parsed.data });
				return [200, { statusCode: 'SUCCESS', message: 'Metadata added to conversation successfully.' }];
			}
		}
		if (sub === 'messages') {
			if (method === 'GET') {
				const direction = q.get('direction');
				const items = (state.messages.get(id) ?? []).filter((m) => !direction || m.direction === direction);
				return [200, list(order(items, q.get('orderBy') ?? 'createdAt:asc'), q, 'messages')];
			}
			if (method === 'POST') {
				const parsed = messageSchema.safeParse(body);
				if (!parsed.success) throw new HttpError(400, 'Invalid message', 'BAD_REQUEST', zodErrors(parsed.error));
				const m = parsed.data;
				const schema = contentSchemas[m.contentType];
				if (!schema) throw new HttpError(400, `Unsupported contentType ${m.contentType}`, 'BAD_REQUEST', { contentType: ['unsupported'] });
				const content = schema.safeParse(m.content);
				if (!content.success) throw new HttpError(400, `Invalid ${m.contentType} content`, 'BAD_REQUEST', zodErrors(content.error));
				if (conv.status === 'CLOSED') throw new HttpError(400, 'Conversation is closed');
				const sender = req.headers['x-agent-id'];
				if (conv.agentId && sender !== conv.agentId) {
					throw new HttpError(400, `Conversation is assigned to another agent; x-agent-id ${sender ? 'does not match' : 'is missing'}`);
				}
				const msg: Message = { id: randomUUID(), conversationId: id, ...m, content: content.data, direction: 'OUTBOUND', createdAt: ts(), agentId: typeof sender === 'string' ? sender : undefined };
				addMessage(msg);
				return [200, msg];
			}
		}
		throw new HttpError(404, 'Not found', 'NOT_FOUND');
	}

	async function control(method: string, path: string, body: unknown): Promise<[number, unknown]> {
		if (path === '/_emulator/reset' && method === 'POST') return reset(), [200, { ok: true }];
		if (path === '/_emulator/state' && method === 'GET') {
			return [200, {
				conversations: [...state.conversations.values()],
				messages: Object.fromEntries(state.messages),
				metadata: Object.fromEntries(state.metadata),
				deliveries: state.deliveries,
				faultsInjected: state.faultsInjected,
				bot: { url: bot.url ?? null, agentId: bot.agentId },
				profile,
			}];
		}
		if (path === '/_emulator/requests' && method === 'GET') return [200, { requests: state.requests }];
		if (path === '/_emulator/inbound' && method === 'POST') return [200, await inbound(body as InboundInput)];
		if (path === '/_emulator/seed' && method === 'POST') {
			const { created, conversationIds } = seed(body as SeedInput);
			// ids only for small seeds: 100,000 ids would make a 4 MB answer
			return [200, created <= 1000 ? { created, conversationIds } : { created }];
		}
		if (path === '/_emulator/clock' && method === 'POST') {
			const ms = Number((body as { advanceMs?: unknown })?.advanceMs);
			if (!Number.isFinite(ms)) throw new HttpError(400, 'advanceMs must be a number');
			clockOffset += ms;
			return [200, { now: ts() }];
		}
		if (path === '/_emulator/config' && method === 'PUT') {
			const b = (body ?? {}) as { bot?: BotConfig; faults?: FaultConfig; profile?: unknown };
			// checked first: a bad profile changes nothing
			const next = b.profile === undefined ? profile : checkProfile(b.profile);
			if (b.bot) Object.assign(bot, b.bot);
			if (b.faults) faults = { ...b.faults };
			profile = next;
			return [200, { bot: { ...bot, authHeaderValue: bot.authHeaderValue ? '***' : undefined }, faults, profile }];
		}
		throw new HttpError(404, 'Unknown control endpoint', 'NOT_FOUND');
	}

	const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
		const text = JSON.stringify(body);
		// `Date` from the emulator's clock, so clients that take "now" from the server follow advanceClock
		res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), date: new Date(now()).toUTCString(), ...headers });
		res.end(text);
	};

	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size > maxBody) tooLarge = true;
			else chunks.push(c);
		});
		req.on('end', () => {
			void (async () => {
				const url = new URL(req.url ?? '/', 'http://emulator');
				const method = req.method ?? 'GET';
				const isApi = url.pathname.startsWith('/ccaas/');
				const arrivedAt = performance.timeOrigin + performance.now();
				let status = 500;
				try {
					if (tooLarge) throw new HttpError(413, 'Request body too large', 'PAYLOAD_TOO_LARGE');
					let body: unknown;
					const raw = Buffer.concat(chunks).toString('utf8');
					if (raw) {
						try {
							body = JSON.parse(raw);
						} catch {
							throw new HttpError(400, 'Request body is not valid JSON');
						}
					}
					if (!isApi) {
						const [s, b] = await control(method, url.pathname, body);
						return send(res, (status = s), b);
					}
					if (req.headers.authorization !== `App ${apiKey}`) throw new HttpError(401, 'Invalid login details', 'UNAUTHORIZED');
					// the rate limit is checked on arrival, like an API gateway: a refused request is answered at once
					if (faults.rateLimitPerSecond && faults.rateLimitPerSecond > 0) {
						const retryAfter = rateLimited(apiKey, faults.rateLimitPerSecond, arrivedAt);
						if (retryAfter !== undefined) {
							countFault('rateLimited');
							throw Object.assign(new HttpError(429, 'Too many requests', 'TOO_MANY_REQUESTS'), { retryAfter });
						}
					}
					const latency = (faults.latencyMs ?? 0) + (faults.latencyJitterMs ? random() * faults.latencyJitterMs : 0);
					if (latency > 0) await new Promise((r) => setTimeout(r, latency));
					if (faults.dropRate && random() < faults.dropRate) {
						countFault('drop');
						status = 0;
						return req.socket.destroy();
					}
					if (faults.rateLimitRate && random() < faults.rateLimitRate) {
						countFault('rateLimit');
						throw Object.assign(new HttpError(429, 'Too many requests', 'TOO_MANY_REQUESTS'), { retryAfter: faults.retryAfterSeconds ?? 1 });
					}
					if (faults.errorRate && random() < faults.errorRate) {
						countFault('error');
						throw new HttpError(500, 'Something went wrong. Please contact support.', 'GENERAL_ERROR');
					}
					const [s, b] = await api(method, url.pathname, url.searchParams, body, req);
					if (faults.dropResponseRate && random() < faults.dropResponseRate) {
						countFault('dropResponse');
						status = 0;
						return req.socket.destroy();
					}
					send(res, (status = s), b);
				} catch (error) {
					const e = error instanceof HttpError ? error : new HttpError(500, 'Something went wrong. Please contact support.', 'GENERAL_ERROR');
					status = e.status;
					const retryAfter = (e as HttpError & { retryAfter?: number }).retryAfter;
					send(res, e.status, errorBody(e), { ...e.headers, ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}) });
				} finally {
					if (isApi) {
						state.requests.push({ method, path: url.pathname, status, agentId: req.headers['x-agent-id'] as string | undefined, at: arrivedAt });
						if (state.requests.length > 5000) state.requests.splice(0, 1000);
					}
				}
			})();
		});
	});

	function reset() {
		state.conversations.clear();
		state.messages.clear();
		state.metadata.clear();
		state.deliveries.length = 0;
		state.requests.length = 0;
		state.faultsInjected = {};
		byCustomer.clear();
		rateWindows.clear();
		activity.clear();
		sortIndexes.clear();
		generation++;
		clockOffset = 0;
	}

	await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
	const address = server.address() as AddressInfo;
	const host = address.address.includes(':') ? `[${address.address}]` : address.address;
	return {
		url: `http://${host}:${address.port}`,
		apiKey,
		botAgentId: bot.agentId!,
		get profile() {
			return profile;
		},
		state,
		close: async () => {
			await Promise.allSettled([...pending]);
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			server.closeAllConnections();
			await closed;
		},
		setProfile: (p) => void (profile = checkProfile(p)),
		setFaults: (f) => (faults = { ...f }),
		configureBot: (b) => Object.assign(bot, b),
		advanceClock: (ms) => (clockOffset += ms),
		now,
		inbound,
		seed,
		waitForIdle: async () => {
			while (pending.size) await Promise.allSettled([...pending]);
		},
		reset,
	};
}

/**
 * The emulator's state and what keeps it fast: conversations by customer, the session-expiry heap, sorted
 * listings (one sorter for every `orderBy`), and bulk seeding.
 */
import { randomUUID } from 'node:crypto';

import type { Clock } from './clock';
import { notFound, parseOr400 } from './errors';
import { seedSchema, type SeedInput } from './schemas';
import { TimeHeap } from './timeHeap';
import type { Conversation, Customer, EmulatorState, Message } from './types';

/**
 * Sorts `items` in place by `orderBy` (`field:asc|desc`, default `fallback`), comparing the field as text (a
 * missing or null value as ''). Stable, and nearly linear on an almost sorted array (V8's TimSort).
 */
export function sortByOrder<T extends object>(items: T[], orderBy: string | null, fallback = 'id:asc'): T[] {
	const { field, sign } = parseOrderBy(orderBy ?? fallback);
	const key = (item: T) => {
		const v = (item as Record<string, unknown>)[field];
		return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
	};
	return items.sort((a, b) => {
		const x = key(a);
		const y = key(b);
		return x < y ? -sign : x > y ? sign : 0;
	});
}
const parseOrderBy = (orderBy: string) => {
	const [field, dir] = orderBy.split(':');
	return { field, sign: dir === 'desc' ? -1 : 1 };
};

export interface NewConversation {
	status?: Conversation['status'];
	agentId: string | null;
	queueId?: string | null;
	withBot: boolean;
	/** created at (default now) */
	at?: string;
}

export class Store {
	readonly state: EmulatorState = { conversations: new Map(), messages: new Map(), metadata: new Map(), deliveries: [], requests: [], faultsInjected: {} };
	/** conversations per customer (from, to, channel), so an inbound message finds its open one without a scan */
	private readonly byCustomer = new Map<string, Conversation[]>();
	/** activity times for session expiry; stale entries are skipped when popped */
	private readonly activity = new TimeHeap();
	/**
	 * Conversations kept sorted per `orderBy`, re-sorted in place on each listing, so listing 100,000
	 * conversations stays fast while a few change between requests. Rebuilt when conversations are added or removed.
	 */
	private readonly sortIndexes = new Map<string, { generation: number; items: Conversation[] }>();
	private generation = 0;
	private seedSeq = 0;

	constructor(private readonly clock: Clock) {}

	reset() {
		const s = this.state;
		s.conversations.clear();
		s.messages.clear();
		s.metadata.clear();
		s.deliveries.length = 0;
		s.requests.length = 0;
		s.faultsInjected = {};
		this.byCustomer.clear();
		this.activity.clear();
		this.sortIndexes.clear();
		this.generation++;
	}

	countFault(kind: string) {
		this.state.faultsInjected[kind] = (this.state.faultsInjected[kind] ?? 0) + 1;
	}

	logRequest(entry: EmulatorState['requests'][number]) {
		this.state.requests.push(entry);
		if (this.state.requests.length > 5000) this.state.requests.splice(0, 1000);
	}

	/** The conversation, or a 404 naming it. */
	conversation(id: string): Conversation {
		const c = this.state.conversations.get(id);
		if (!c) throw notFound(`Conversation ${id} not found`);
		return c;
	}

	/** The customer's OPEN or WAITING conversation, if there is one. */
	openConversation(customer: Customer): Conversation | undefined {
		return (this.byCustomer.get(customerKey(customer)) ?? []).find((c) => c.status === 'OPEN' || c.status === 'WAITING');
	}

	createConversation(customer: Customer, o: NewConversation): Conversation {
		const at = o.at ?? this.clock.ts();
		const status = o.status ?? 'OPEN';
		const c: Conversation = {
			id: randomUUID(),
			status,
			priority: 'NORMAL',
			queueId: o.queueId ?? null,
			agentId: o.agentId,
			createdAt: at,
			updatedAt: at,
			...(status === 'CLOSED' ? { closedAt: at } : {}),
			withBot: o.withBot,
			customer,
		};
		this.state.conversations.set(c.id, c);
		const key = customerKey(customer);
		const list = (this.byCustomer.get(key) ?? []).filter((x) => x.status !== 'CLOSED' && this.state.conversations.has(x.id));
		list.push(c);
		this.byCustomer.set(key, list);
		this.generation++;
		return c;
	}

	/** Adds a message to its conversation, which it makes newer (`updatedAt`) and keeps alive for the bot session. */
	addMessage(m: Message) {
		const list = this.state.messages.get(m.conversationId) ?? [];
		list.push(m);
		this.state.messages.set(m.conversationId, list);
		const c = this.state.conversations.get(m.conversationId);
		if (c) c.updatedAt = m.createdAt;
		this.activity.push({ t: Date.parse(m.createdAt), id: m.conversationId });
	}

	/** A conversation handed (back) to the bot: its session expires from its last message on. */
	watchSession(c: Conversation) {
		this.activity.push({ t: this.lastActivity(c), id: c.id });
	}

	/** Bot session expiry: a conversation idle with the bot longer than the timeout is closed. */
	expireSessions(timeoutSeconds: number) {
		const cutoff = this.clock.now() - timeoutSeconds * 1000;
		while (this.activity.size && this.activity.peek().t < cutoff) {
			const { t, id } = this.activity.pop();
			const c = this.state.conversations.get(id);
			// skip entries superseded by a newer message, and conversations no longer with the bot
			if (!c || !c.withBot || c.status === 'CLOSED' || this.lastActivity(c) !== t) continue;
			c.status = 'CLOSED';
			c.withBot = false;
			c.closedAt = c.updatedAt = this.clock.ts();
		}
	}

	/** Every conversation, sorted by `orderBy` (default `id:asc`); the array is the store's: do not change it. */
	sortedConversations(orderBy: string | null): readonly Conversation[] {
		const { field, sign } = parseOrderBy(orderBy ?? 'id:asc');
		const key = `${field}:${sign}`;
		let idx = this.sortIndexes.get(key);
		if (!idx || idx.generation !== this.generation || idx.items.length !== this.state.conversations.size) {
			if (!idx && this.sortIndexes.size >= 8) this.sortIndexes.clear();
			idx = { generation: this.generation, items: [...this.state.conversations.values()] };
			this.sortIndexes.set(key, idx);
		}
		return sortByOrder(idx.items, orderBy);
	}

	/** Bulk-creates conversations, each with one message at a chosen time on the emulator's clock. */
	seed(input: SeedInput, botAgentId: string) {
		const o = parseOr400(seedSchema, input, 'Invalid seed request');
		const agentId = o.agentId === undefined ? botAgentId : o.agentId;
		const withBot = (o.withBot ?? (agentId !== null && agentId === botAgentId)) && (o.status === 'OPEN' || o.status === 'WAITING');
		const base = this.clock.now() - o.lastMessageAgoMs;
		const conversationIds: string[] = [];
		for (let i = 0; i < o.count; i++) {
			const at = this.clock.ts(base - (o.count > 1 ? Math.round((o.spreadMs * i) / (o.count - 1)) : 0));
			const customer = { from: `3859${String(++this.seedSeq).padStart(8, '0')}`, to: o.to, channel: o.channel };
			const conv = this.createConversation(customer, { status: o.status, agentId, queueId: o.queueId, withBot, at });
			const inbound = o.direction === 'INBOUND';
			this.addMessage({
				id: randomUUID(),
				conversationId: conv.id,
				from: inbound ? customer.from : customer.to,
				to: inbound ? customer.to : customer.from,
				channel: o.channel,
				direction: o.direction,
				contentType: 'TEXT',
				content: { text: o.text },
				createdAt: at,
				...(inbound ? { authorType: 'CUSTOMER' as const } : { authorType: 'BOT' as const, ...(agentId ? { authorId: agentId, agentId } : {}) }),
			});
			conversationIds.push(conv.id);
		}
		return { created: o.count, conversationIds };
	}

	private lastActivity(c: Conversation) {
		const msgs = this.state.messages.get(c.id) ?? [];
		return Date.parse(msgs.length ? msgs[msgs.length - 1].createdAt : c.createdAt);
	}
}

const customerKey = (c: Customer) => `${c.from}\u0000${c.to}\u0000${c.channel}`;

/**
 * The emulator's store (emulator/store.ts) on its own: the one `orderBy` sorter that conversations and messages
 * share, the sorted conversation index that follows changes, the session-expiry heap, and customer lookup.
 */
import { Clock } from '../../emulator/clock';
import { sortByOrder, Store } from '../../emulator/store';
import { TimeHeap } from '../../emulator/timeHeap';
import type { Conversation } from '../../emulator/types';

const customer = (from: string) => ({ from, to: 'shop', channel: 'WHATSAPP' });

describe('sortByOrder (the one orderBy sorter)', () => {
	const items = [
		{ id: 'b', createdAt: '2025-01-02', n: 10 },
		{ id: 'a', createdAt: '2025-01-03', n: null },
		{ id: 'c', createdAt: '2025-01-01', n: 9 },
	];
	const ids = (x: Array<{ id: string }>) => x.map((i) => i.id);

	it('sorts by field:asc or field:desc, by the given default when orderBy is null', () => {
		expect(ids(sortByOrder([...items], 'createdAt:asc'))).toEqual(['c', 'b', 'a']);
		expect(ids(sortByOrder([...items], 'createdAt:desc'))).toEqual(['a', 'b', 'c']);
		expect(ids(sortByOrder([...items], null))).toEqual(['a', 'b', 'c']);
		expect(ids(sortByOrder([...items], null, 'createdAt:desc'))).toEqual(['a', 'b', 'c']);
		// no direction, or one it does not know: ascending
		expect(ids(sortByOrder([...items], 'id'))).toEqual(['a', 'b', 'c']);
		expect(ids(sortByOrder([...items], 'id:DESC'))).toEqual(['a', 'b', 'c']);
	});

	it('compares as text, a missing or null value as the empty text, and keeps equal items in order', () => {
		expect(ids(sortByOrder([...items], 'n:asc'))).toEqual(['a', 'b', 'c']); // '' < '10' < '9'
		expect(ids(sortByOrder([...items], 'unknownField:asc'))).toEqual(['b', 'a', 'c']);
	});

	it('sorts in place and returns the same array', () => {
		const copy = [...items];
		expect(sortByOrder(copy, 'id:asc')).toBe(copy);
	});
});

describe('TimeHeap', () => {
	it('pops the earliest time first, whatever the order pushed', () => {
		const heap = new TimeHeap();
		const times = [5, 1, 9, 3, 3, 7, 0, 8];
		times.forEach((t, i) => heap.push({ t, id: String(i) }));
		expect(heap.peek().t).toBe(0);
		const out: number[] = [];
		while (heap.size) out.push(heap.pop().t);
		expect(out).toEqual([...times].sort((a, b) => a - b));
	});
});

describe('Store', () => {
	let clock: Clock;
	let store: Store;
	beforeEach(() => {
		clock = new Clock();
		store = new Store(clock);
	});
	const add = (from: string, o: Partial<Parameters<Store['createConversation']>[1]> = {}) => store.createConversation(customer(from), { agentId: 'bot', withBot: true, ...o });
	const say = (c: Conversation, text: string) =>
		store.addMessage({ id: `${c.id}-${text}`, conversationId: c.id, ...c.customer, direction: 'INBOUND', contentType: 'TEXT', content: { text }, createdAt: clock.ts() });

	it('keeps the sorted conversation index in step with new and changed conversations', () => {
		const a = add('a');
		clock.advance(1000);
		const b = add('b');
		expect(store.sortedConversations('createdAt:desc').map((c) => c.id)).toEqual([b.id, a.id]);
		clock.advance(1000);
		say(a, 'newer');
		expect(store.sortedConversations('updatedAt:desc').map((c) => c.id)).toEqual([a.id, b.id]);
		clock.advance(1000);
		const c = add('c');
		expect(store.sortedConversations('updatedAt:desc')).toHaveLength(3);
		expect(store.sortedConversations('updatedAt:desc')[0].id).toBe(c.id);
	});

	it('finds the customer\'s open conversation, not a closed one', () => {
		const a = add('a');
		expect(store.openConversation(customer('a'))).toBe(a);
		expect(store.openConversation(customer('z'))).toBeUndefined();
		a.status = 'CLOSED';
		expect(store.openConversation(customer('a'))).toBeUndefined();
	});

	it('closes a bot conversation idle longer than the timeout, counting from its last message', () => {
		const a = add('a');
		const b = add('b');
		say(a, 'hi');
		say(b, 'hi');
		clock.advance(50_000);
		say(b, 'still here');
		clock.advance(20_000);
		const before = clock.now();
		store.expireSessions(60);
		expect(a.status).toBe('CLOSED');
		expect(a.withBot).toBe(false);
		expect(Date.parse(a.closedAt!)).toBeGreaterThanOrEqual(before);
		expect(b.status).toBe('OPEN');
	});

	it('does not close a conversation the bot no longer has; watches it again once handed back', () => {
		const a = add('a');
		say(a, 'hi');
		a.withBot = false;
		clock.advance(70_000);
		store.expireSessions(60);
		expect(a.status).toBe('OPEN');
		a.withBot = true;
		store.watchSession(a);
		store.expireSessions(60);
		expect(a.status).toBe('CLOSED');
	});

	it('reset() empties the state in place and counts faults afresh', () => {
		const state = store.state;
		add('a');
		store.countFault('drop');
		store.reset();
		expect(store.state).toBe(state);
		expect(state.conversations.size).toBe(0);
		expect(state.faultsInjected).toEqual({});
		expect(store.sortedConversations(null)).toEqual([]);
	});
});

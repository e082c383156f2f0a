/**
 * Contract tests for what the sweep needs from the emulator: `Date` from the emulator clock on every response,
 * bulk seeding (programmatic and POST /_emulator/seed), the customer index, session expiry, listing order.
 */
import { request } from 'undici';

import { startEmulator, type RunningEmulator } from '../../emulator';

async function call(emu: RunningEmulator, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
	const res = await request(`${emu.url}${path}`, {
		method: method as 'GET',
		headers: { authorization: `App ${emu.apiKey}`, 'content-type': 'application/json', ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.body.text();
	return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const HOUR = 3_600_000;
const ts = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

describe('emulator support for the idle sweep', () => {
	let emu: RunningEmulator;
	beforeEach(async () => {
		emu = await startEmulator({ apiKey: 'k', bot: { agentId: 'bot-1', sessionTimeoutSeconds: 86_400 } });
	});
	afterEach(async () => emu.close());

	it('sends Date from the emulator clock on API, control and error responses', async () => {
		emu.advanceClock(3 * HOUR);
		const expected = Math.floor(emu.now() / 1000) * 1000;
		for (const res of [
			await call(emu, 'GET', '/ccaas/1/queues'),
			await call(emu, 'GET', '/ccaas/1/conversations/nope'),
			await call(emu, 'GET', '/ccaas/1/queues', undefined, { authorization: 'App wrong' }),
			await call(emu, 'GET', '/_emulator/requests'),
		]) {
			const date = Date.parse(String(res.headers.date));
			expect(date).toBeGreaterThanOrEqual(expected - 1000);
			expect(date).toBeLessThanOrEqual(expected + 5000);
		}
		// the real clock is ~3 h behind: the header is not the machine's time
		expect(Date.parse(String((await call(emu, 'GET', '/ccaas/1/queues')).headers.date))).toBeGreaterThan(Date.now() + 2 * HOUR);
		const clock = await call(emu, 'POST', '/_emulator/clock', { advanceMs: HOUR });
		expect(Date.parse(String(clock.headers.date))).toBeGreaterThan(Date.now() + 3.9 * HOUR);
	});

	it('POST /_emulator/seed creates conversations with a last inbound message at the chosen time', async () => {
		const res = await call(emu, 'POST', '/_emulator/seed', { count: 3, lastMessageAgoMs: HOUR, spreadMs: 2 * HOUR, queueId: 'queue-support', channel: 'VIBER' });
		expect(res.status).toBe(200);
		expect(res.body.created).toBe(3);
		expect(res.body.conversationIds).toHaveLength(3);
		const now = emu.now();
		const list = await call(emu, 'GET', '/ccaas/1/conversations?agentId=bot-1&status=OPEN&queueIds=queue-support&orderBy=updatedAt:asc&limit=10');
		expect(list.body.pagination.totalItems).toBe(3);
		// spread evenly: 1 h, 2 h and 3 h ago; oldest first
		const ages = list.body.conversations.map((c: { updatedAt: string }) => Math.round((now - Date.parse(c.updatedAt)) / 60_000));
		expect(ages).toEqual([180, 120, 60]);
		expect(list.body.conversations[0]).toMatchObject({ status: 'OPEN', agentId: 'bot-1', queueId: 'queue-support', priority: 'NORMAL' });
		expect(list.body.conversations[0]).not.toHaveProperty('withBot');
		const id = list.body.conversations[2].id;
		const msgs = await call(emu, 'GET', `/ccaas/1/conversations/${id}/messages?orderBy=createdAt:desc&limit=1`);
		expect(msgs.body.messages).toHaveLength(1);
		expect(msgs.body.messages[0]).toMatchObject({ conversationId: id, direction: 'INBOUND', channel: 'VIBER', to: '447860099299', contentType: 'TEXT' });
		expect(msgs.body.messages[0].createdAt).toBe(list.body.conversations[2].updatedAt);
		// the server-side idle pre-filter: updated before now − 90 min → the two older ones
		const before = await call(emu, 'GET', `/ccaas/1/conversations?agentId=bot-1&updatedBefore=${encodeURIComponent(ts(now - 90 * 60_000))}`);
		expect(before.body.pagination.totalItems).toBe(2);
	});

	it('POST /_emulator/seed rejects bad input with 400 and creates nothing', async () => {
		for (const body of [{ count: 0 }, { count: 2, status: 'GONE' }, { count: 1, colour: 'red' }, { count: 'many' }]) {
			const res = await call(emu, 'POST', '/_emulator/seed', body);
			expect(res.status).toBe(400);
			expect(res.body).toMatchObject({ statusCode: 'ERROR', message: 'Invalid seed request' });
		}
		expect(emu.state.conversations.size).toBe(0);
		expect(() => emu.seed({ count: -1 })).toThrow('Invalid seed request');
	});

	it('seeds large batches and answers only the count for them; listing pages stay ordered', async () => {
		const big = await call(emu, 'POST', '/_emulator/seed', { count: 5000, lastMessageAgoMs: HOUR, spreadMs: HOUR });
		expect(big.body).toEqual({ created: 5000 });
		const seen: string[] = [];
		let previous = '';
		for (let page = 0; page < 6; page++) {
			const res = await call(emu, 'GET', `/ccaas/1/conversations?agentId=bot-1&orderBy=updatedAt:asc&limit=999&page=${page}`);
			for (const c of res.body.conversations as Array<{ id: string; updatedAt: string }>) {
				expect(c.updatedAt >= previous).toBe(true);
				previous = c.updatedAt;
				seen.push(c.id);
			}
		}
		expect(new Set(seen).size).toBe(5000);
	});

	it('keeps listings ordered after changes (the sort index is refreshed)', async () => {
		const { conversationIds } = emu.seed({ count: 4, lastMessageAgoMs: HOUR, spreadMs: 3 * 60_000 });
		const order = async () =>
			((await call(emu, 'GET', '/ccaas/1/conversations?orderBy=updatedAt:asc&limit=10')).body.conversations as Array<{ id: string }>).map((c) => c.id);
		expect(await order()).toEqual([...conversationIds].reverse());
		// the oldest conversation gets a message: it becomes the newest
		const oldest = conversationIds[3];
		await call(emu, 'POST', `/ccaas/1/conversations/${oldest}/messages`, { from: 'b', to: 'c', channel: 'WHATSAPP', contentType: 'TEXT', content: { text: 'hi' } }, { 'x-agent-id': 'bot-1' });
		expect(await order()).toEqual([conversationIds[2], conversationIds[1], conversationIds[0], oldest]);
		// a conversation added by an inbound message joins the listing
		const fresh = await emu.inbound({ from: 'new', to: 'b', channel: 'WHATSAPP', text: 'hi' });
		expect(await order()).toEqual([conversationIds[2], conversationIds[1], conversationIds[0], oldest, fresh.conversationId]);
		expect((await call(emu, 'GET', '/ccaas/1/conversations?orderBy=updatedAt:desc&limit=2')).body.conversations.map((c: { id: string }) => c.id)).toEqual([fresh.conversationId, oldest]);
	});

	it('an inbound message from a seeded customer continues that conversation (customer index)', async () => {
		const { conversationIds } = emu.seed({ count: 3, channel: 'SMS' });
		const customer = emu.state.messages.get(conversationIds[1])![0].from;
		const next = await emu.inbound({ from: customer, to: '447860099299', channel: 'SMS', text: 'still there?' });
		expect(next.conversationId).toBe(conversationIds[1]);
		expect(emu.state.messages.get(conversationIds[1])).toHaveLength(2);
		// once closed, the customer's next message starts a new conversation
		await call(emu, 'PATCH', `/ccaas/1/conversations/${conversationIds[1]}`, { status: 'CLOSED' });
		const after = await emu.inbound({ from: customer, to: '447860099299', channel: 'SMS', text: 'hello again' });
		expect(after.conversationId).not.toBe(conversationIds[1]);
		expect(emu.state.conversations.size).toBe(4);
	});

	it('session expiry still closes exactly the bot conversations idle past the timeout', async () => {
		emu.configureBot({ sessionTimeoutSeconds: 600 });
		const idle = emu.seed({ count: 3, lastMessageAgoMs: 300_000 }).conversationIds;
		const notBot = emu.seed({ count: 2, lastMessageAgoMs: 300_000, agentId: 'agent-alice' }).conversationIds;
		const active = idle[0];
		emu.advanceClock(200_000);
		await call(emu, 'POST', `/ccaas/1/conversations/${active}/messages`, { from: 'b', to: 'c', channel: 'WHATSAPP', contentType: 'TEXT', content: { text: 'hi' } }, { 'x-agent-id': 'bot-1' });
		emu.advanceClock(200_000); // 700 s since the seeded messages, 200 s since the bot's message
		const status = async (id: string) => (await call(emu, 'GET', `/ccaas/1/conversations/${id}`)).body.status;
		expect(await status(idle[1])).toBe('CLOSED');
		expect(await status(idle[2])).toBe('CLOSED');
		expect(await status(active)).toBe('OPEN');
		expect(await status(notBot[0])).toBe('OPEN');
		emu.advanceClock(500_000);
		expect(await status(active)).toBe('CLOSED');
		// assigned back to the bot: the session clock runs again
		await call(emu, 'PUT', `/ccaas/1/conversations/${notBot[1]}/assignee`, { agentId: 'bot-1' });
		emu.advanceClock(1000);
		expect(await status(notBot[1])).toBe('CLOSED');
	});
});

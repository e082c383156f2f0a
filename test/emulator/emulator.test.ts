import { request } from 'undici';

import { startEmulator, type RunningEmulator } from '../../emulator';
import { botServer, send, type BotServer } from './support';

describe('emulator: Conversations API contract', () => {
	let emu: RunningEmulator;
	let bot: BotServer;
	beforeEach(async () => {
		bot = await botServer();
		emu = await startEmulator({ apiKey: 'k', bot: { url: bot.url, authHeaderValue: 'Bearer bot-secret', agentId: 'bot-1', sessionTimeoutSeconds: 60 } });
	});
	afterEach(async () => {
		await emu.close();
		await bot.close();
	});

	it('rejects missing or wrong API keys with 401 in Infobip error shape', async () => {
		const res = await send(emu, 'GET', '/ccaas/1/conversations', undefined, 'App wrong');
		expect(res.status).toBe(401);
		expect(res.body).toEqual({ requestError: { serviceException: { messageId: 'UNAUTHORIZED', text: 'Invalid login details' } } });
	});

	it('creates a conversation on inbound, forwards it to the bot with its auth header, and lists it', async () => {
		const { conversationId, forwarded } = await emu.inbound({ from: '3859111', to: '4478600', channel: 'WHATSAPP', text: 'hi' });
		await emu.waitForIdle();
		expect(forwarded).toBe(true);
		expect(bot.received).toHaveLength(1);
		expect(bot.received[0].headers.authorization).toBe('Bearer bot-secret');
		expect(bot.received[0].body).toMatchObject({ conversationId, from: '3859111', to: '4478600', channel: 'WHATSAPP', direction: 'INBOUND', contentType: 'TEXT', content: { text: 'hi' } });
		const list = await send(emu, 'GET', '/ccaas/1/conversations?agentId=bot-1&status=OPEN&limit=5&page=0');
		expect(list.status).toBe(200);
		expect(list.body.conversations.map((c: { id: string }) => c.id)).toEqual([conversationId]);
		expect(list.body.pagination).toEqual({ totalItems: 1, page: 0, limit: 5 });
		// a second inbound message continues the same conversation
		const again = await emu.inbound({ from: '3859111', to: '4478600', channel: 'WHATSAPP', text: 'still there?' });
		expect(again.conversationId).toBe(conversationId);
	});

	it('validates list parameters and answers 400 in the CCaaS shape', async () => {
		const res = await send(emu, 'GET', '/ccaas/1/conversations?limit=5000');
		expect(res.status).toBe(400);
		expect(res.body).toMatchObject({ statusCode: 'ERROR', message: 'limit must be an integer from 1 to 999' });
	});

	it('messages: x-agent-id must match the assignee; content validated; 404 for unknown conversations', async () => {
		const { conversationId } = await emu.inbound({ from: 'c', to: 'b', channel: 'WHATSAPP', text: 'hi' });
		const body = { from: 'b', to: 'c', channel: 'WHATSAPP', contentType: 'TEXT', content: { text: 'hello' } };
		expect((await send(emu, 'POST', `/ccaas/1/conversations/${conversationId}/messages`, body)).status).toBe(400);
		expect((await send(emu, 'POST', `/ccaas/1/conversations/${conversationId}/messages`, { ...body, content: {} }, undefined, { 'x-agent-id': 'bot-1' })).status).toBe(400);
		const ok = await send(emu, 'POST', `/ccaas/1/conversations/${conversationId}/messages`, body, undefined, { 'x-agent-id': 'bot-1' });
		expect(ok.status).toBe(200);
		expect(ok.body).toMatchObject({ direction: 'OUTBOUND', agentId: 'bot-1', content: { text: 'hello' } });
		const msgs = await send(emu, 'GET', `/ccaas/1/conversations/${conversationId}/messages?orderBy=createdAt:desc&limit=1&direction=OUTBOUND`);
		expect(msgs.body.messages).toHaveLength(1);
		expect(msgs.body.messages[0].id).toBe(ok.body.id);
		const missing = await send(emu, 'GET', '/ccaas/1/conversations/nope');
		expect(missing.status).toBe(404);
		expect(missing.body.requestError.serviceException.messageId).toBe('NOT_FOUND');
	});

	it('metadata: PATCH merges, PUT replaces, nested values are rejected without changing state', async () => {
		const { conversationId } = await emu.inbound({ from: 'c', to: 'b', channel: 'SMS', text: 'hi' });
		const path = `/ccaas/1/conversations/${conversationId}/metadata`;
		expect((await send(emu, 'PUT', path, { Manufacturer: 'Mazda' })).body).toEqual({ statusCode: 'SUCCESS', message: 'Metadata added to conversation successfully.' });
		await send(emu, 'PATCH', path, { Model: 'CX-5' });
		expect((await send(emu, 'GET', path)).body).toEqual({ Manufacturer: 'Mazda', Model: 'CX-5' });
		expect((await send(emu, 'PUT', path, { bad: { nested: 1 } })).status).toBe(400);
		expect((await send(emu, 'PUT', path, '{not json')).status).toBe(400);
		await send(emu, 'PUT', path, { EnginePower: 90 });
		expect((await send(emu, 'GET', path)).body).toEqual({ EnginePower: 90 });
	});

	it('route and assignment end forwarding to the bot', async () => {
		const a = await emu.inbound({ from: 'c1', to: 'b', channel: 'WHATSAPP', text: 'hi' });
		const routed = await send(emu, 'POST', `/ccaas/1/conversations/${a.conversationId}/route`);
		expect(routed.body).toMatchObject({ id: a.conversationId, agentId: null, queueId: 'queue-support' });
		expect((await emu.inbound({ from: 'c1', to: 'b', channel: 'WHATSAPP', text: 'agent?' })).forwarded).toBe(false);

		const b = await emu.inbound({ from: 'c2', to: 'b', channel: 'WHATSAPP', text: 'hi' });
		expect((await send(emu, 'PUT', `/ccaas/1/conversations/${b.conversationId}/assignee`, { agentId: 'ghost' })).status).toBe(404);
		expect((await send(emu, 'PUT', `/ccaas/1/conversations/${b.conversationId}/assignee`, { agentId: 'agent-alice' })).body.agentId).toBe('agent-alice');
		expect((await emu.inbound({ from: 'c2', to: 'b', channel: 'WHATSAPP', text: 'hello?' })).forwarded).toBe(false);
		await emu.waitForIdle();
		expect(bot.received.map((r) => r.body.content)).toEqual([{ text: 'hi' }, { text: 'hi' }]);
	});

	it('retries a failed delivery to the bot', async () => {
		bot.setStatus(503);
		await emu.inbound({ from: 'c', to: 'b', channel: 'WHATSAPP', text: 'hi' });
		await emu.waitForIdle();
		expect(emu.state.deliveries.map((d) => d.attempt)).toEqual([1, 2, 3]);
	});

	it('expires the bot session after the timeout on the emulator clock', async () => {
		const a = await emu.inbound({ from: 'c', to: 'b', channel: 'WHATSAPP', text: 'hi' });
		emu.advanceClock(61_000);
		const conv = await send(emu, 'GET', `/ccaas/1/conversations/${a.conversationId}`);
		expect(conv.body.status).toBe('CLOSED');
		const next = await emu.inbound({ from: 'c', to: 'b', channel: 'WHATSAPP', text: 'back' });
		expect(next.conversationId).not.toBe(a.conversationId);
	});

	it('injects 429 with Retry-After, 500s and dropped connections on demand', async () => {
		emu.setFaults({ rateLimitRate: 1, retryAfterSeconds: 3 });
		const limited = await send(emu, 'GET', '/ccaas/1/queues');
		expect(limited.status).toBe(429);
		expect(limited.headers['retry-after']).toBe('3');
		emu.setFaults({ errorRate: 1 });
		expect((await send(emu, 'GET', '/ccaas/1/queues')).status).toBe(500);
		emu.setFaults({ dropRate: 1 });
		await expect(send(emu, 'GET', '/ccaas/1/queues')).rejects.toThrow();
		emu.setFaults({});
		expect((await send(emu, 'GET', '/ccaas/1/queues')).body.queues).toEqual([{ id: 'queue-support', name: 'Support' }]);
		expect(emu.state.faultsInjected).toEqual({ rateLimit: 1, error: 1, drop: 1 });
	});

	it('control API: inbound, state, clock, bad input', async () => {
		const res = await request(`${emu.url}/_emulator/inbound`, { method: 'POST', body: JSON.stringify({ from: 'x', to: 'y', text: 'hey' }) });
		expect(res.statusCode).toBe(200);
		const bad = await request(`${emu.url}/_emulator/inbound`, { method: 'POST', body: JSON.stringify({ to: 'y' }) });
		expect(bad.statusCode).toBe(400);
		await bad.body.dump();
		const state = (await (await request(`${emu.url}/_emulator/state`)).body.json()) as { conversations: unknown[] };
		expect(state.conversations).toHaveLength(1);
	});
});

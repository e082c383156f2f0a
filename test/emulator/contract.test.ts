/**
 * Contract of every emulated Conversations endpoint, table-driven: happy path, auth failure, validation failure,
 * not-found, and each kind of injected fault. A failed request must leave the emulator's state unchanged.
 * The table runs in both profiles: 'documented' answers every endpoint as 'full' does, except PATCH …/metadata (405).
 * Then one conversation across the endpoints, with a bot behind the Bot URL.
 */
import { request } from 'undici';

import { startEmulator, type EmulatorProfile, type RunningEmulator } from '../../emulator';
import { botServer, send as sendJson, type BotServer } from '../support/emulator';

interface Call {
	method: string;
	path: string;
	body?: unknown;
	headers?: Record<string, string>;
}
interface Endpoint {
	name: string;
	/** `status`: the answer of the "happy" call when it is not 200 */
	happy: (id: string) => Call & { status?: number; expect: (body: Record<string, unknown>) => void };
	/** a request the API must refuse with 400 (undefined: the endpoint takes no input to validate) */
	invalid?: (id: string) => Call;
	/** a request for something that does not exist (undefined: collection endpoints) */
	notFound?: () => Call;
}

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const message = { from: 'shop', to: 'cust', channel: 'WHATSAPP', contentType: 'TEXT', content: { text: 'hello' } };
const bot = { displayName: 'Contract bot', destination: '447860099299', channel: 'WHATSAPP' };

const endpoints: Endpoint[] = [
	{
		name: 'GET /conversations',
		happy: () => ({ method: 'GET', path: '/ccaas/1/conversations?status=OPEN&limit=5&page=0', expect: (b) => expect(b.pagination).toEqual({ totalItems: 1, page: 0, limit: 5 }) }),
		invalid: () => ({ method: 'GET', path: '/ccaas/1/conversations?status=SLEEPING' }),
	},
	{
		name: 'GET /conversations/{id}',
		happy: (id) => ({ method: 'GET', path: `/ccaas/1/conversations/${id}`, expect: (b) => expect(b).toMatchObject({ id, status: 'OPEN' }) }),
		notFound: () => ({ method: 'GET', path: `/ccaas/1/conversations/${UNKNOWN}` }),
	},
	{
		name: 'PATCH /conversations/{id}',
		happy: (id) => ({ method: 'PATCH', path: `/ccaas/1/conversations/${id}`, body: { priority: 'HIGH' }, expect: (b) => expect(b).toMatchObject({ id, priority: 'HIGH' }) }),
		invalid: (id) => ({ method: 'PATCH', path: `/ccaas/1/conversations/${id}`, body: { priority: 'EXTREME' } }),
		notFound: () => ({ method: 'PATCH', path: `/ccaas/1/conversations/${UNKNOWN}`, body: { priority: 'HIGH' } }),
	},
	{
		name: 'PUT /conversations/{id}',
		happy: (id) => ({ method: 'PUT', path: `/ccaas/1/conversations/${id}`, body: { topic: 'Billing' }, expect: (b) => expect(b).toMatchObject({ id, topic: 'Billing' }) }),
		invalid: (id) => ({ method: 'PUT', path: `/ccaas/1/conversations/${id}`, body: { colour: 'red' } }),
		notFound: () => ({ method: 'PUT', path: `/ccaas/1/conversations/${UNKNOWN}`, body: { topic: 'x' } }),
	},
	{
		name: 'POST /conversations/{id}/route',
		happy: (id) => ({ method: 'POST', path: `/ccaas/1/conversations/${id}/route`, expect: (b) => expect(b).toMatchObject({ id, agentId: null }) }),
		notFound: () => ({ method: 'POST', path: `/ccaas/1/conversations/${UNKNOWN}/route` }),
	},
	{
		name: 'PUT /conversations/{id}/assignee',
		happy: (id) => ({ method: 'PUT', path: `/ccaas/1/conversations/${id}/assignee`, body: { agentId: 'agent-bob' }, expect: (b) => expect(b).toMatchObject({ id, agentId: 'agent-bob' }) }),
		invalid: (id) => ({ method: 'PUT', path: `/ccaas/1/conversations/${id}/assignee`, body: {} }),
		notFound: () => ({ method: 'PUT', path: `/ccaas/1/conversations/${UNKNOWN}/assignee`, body: { agentId: 'agent-bob' } }),
	},
	{
		name: 'GET /conversations/{id}/metadata',
		happy: (id) => ({ method: 'GET', path: `/ccaas/1/conversations/${id}/metadata`, expect: (b) => expect(b).toEqual({}) }),
		notFound: () => ({ method: 'GET', path: `/ccaas/1/conversations/${UNKNOWN}/metadata` }),
	},
	{
		name: 'PUT /conversations/{id}/metadata',
		happy: (id) => ({ method: 'PUT', path: `/ccaas/1/conversations/${id}/metadata`, body: { Model: 'CX-5' }, expect: (b) => expect(b).toEqual({ statusCode: 'SUCCESS', message: 'Metadata added to conversation successfully.' }) }),
		invalid: (id) => ({ method: 'PUT', path: `/ccaas/1/conversations/${id}/metadata`, body: { Model: { nested: true } } }),
		notFound: () => ({ method: 'PUT', path: `/ccaas/1/conversations/${UNKNOWN}/metadata`, body: { Model: 'CX-5' } }),
	},
	{
		name: 'PATCH /conversations/{id}/metadata',
		happy: (id) => ({ method: 'PATCH', path: `/ccaas/1/conversations/${id}/metadata`, body: { EnginePower: 90 }, expect: (b) => expect(b.statusCode).toBe('SUCCESS') }),
		invalid: (id) => ({ method: 'PATCH', path: `/ccaas/1/conversations/${id}/metadata`, body: {} }),
		notFound: () => ({ method: 'PATCH', path: `/ccaas/1/conversations/${UNKNOWN}/metadata`, body: { EnginePower: 90 } }),
	},
	{
		name: 'GET /conversations/{id}/messages',
		happy: (id) => ({ method: 'GET', path: `/ccaas/1/conversations/${id}/messages?direction=INBOUND`, expect: (b) => expect((b.messages as unknown[]).length).toBe(1) }),
		invalid: (id) => ({ method: 'GET', path: `/ccaas/1/conversations/${id}/messages?page=-1` }),
		notFound: () => ({ method: 'GET', path: `/ccaas/1/conversations/${UNKNOWN}/messages` }),
	},
	{
		name: 'POST /conversations/{id}/messages',
		happy: (id) => ({ method: 'POST', path: `/ccaas/1/conversations/${id}/messages`, body: message, headers: { 'x-agent-id': 'bot-1' }, expect: (b) => expect(b).toMatchObject({ conversationId: id, direction: 'OUTBOUND', authorId: 'bot-1', authorType: expect.stringMatching(/^(AGENT|BOT)$/) }) }),
		invalid: (id) => ({ method: 'POST', path: `/ccaas/1/conversations/${id}/messages`, body: { ...message, contentType: 'HOLOGRAM' }, headers: { 'x-agent-id': 'bot-1' } }),
		notFound: () => ({ method: 'POST', path: `/ccaas/1/conversations/${UNKNOWN}/messages`, body: message, headers: { 'x-agent-id': 'bot-1' } }),
	},
	{
		name: 'GET /agents',
		happy: () => ({ method: 'GET', path: '/ccaas/1/agents?displayName=alice', expect: (b) => expect((b.agents as Array<{ id: string }>).map((a) => a.id)).toEqual(['agent-alice']) }),
		invalid: () => ({ method: 'GET', path: '/ccaas/1/agents?limit=0' }),
	},
	{
		name: 'GET /queues',
		happy: () => ({ method: 'GET', path: '/ccaas/1/queues', expect: (b) => expect(b.queues).toEqual([{ id: 'queue-support', name: 'Support' }]) }),
		invalid: () => ({ method: 'GET', path: '/ccaas/1/queues?limit=abc' }),
	},
	{
		name: 'GET /bots',
		happy: () => ({ method: 'GET', path: '/ccaas/1/bots', expect: (b) => expect((b.bots as Array<{ id: string }>)[0].id).toBe('bot-1') }),
		invalid: () => ({ method: 'GET', path: '/ccaas/1/bots?limit=1000' }),
	},
	{
		name: 'GET /bots/{botId}',
		happy: () => ({ method: 'GET', path: '/ccaas/1/bots/bot-1', expect: (b) => expect(b).toMatchObject({ id: 'bot-1', displayName: expect.any(String), channel: 'WHATSAPP', enabled: true }) }),
		notFound: () => ({ method: 'GET', path: `/ccaas/1/bots/${UNKNOWN}` }),
	},
	{
		// no webhookUrl: the bot stays without a Bot URL, as the other rows expect
		name: 'PUT /bots/{botId}',
		happy: () => ({ method: 'PUT', path: '/ccaas/1/bots/bot-1', body: bot, expect: (b) => expect(b).toEqual({ id: 'bot-1', ...bot, enabled: true, sessionTimeoutInSec: 86400, messagePersistencePolicy: 'PERSIST_ALL' }) }),
		invalid: () => ({ method: 'PUT', path: '/ccaas/1/bots/bot-1', body: { ...bot, channel: undefined } }),
		notFound: () => ({ method: 'PUT', path: `/ccaas/1/bots/${UNKNOWN}`, body: bot }),
	},
];

/** 'documented' profile: PATCH …/metadata is not on Infobip's public pages and is refused, whatever the body or id. */
const documentedPatchMetadata: Endpoint = {
	name: 'PATCH /conversations/{id}/metadata',
	happy: (id) => ({
		method: 'PATCH',
		path: `/ccaas/1/conversations/${id}/metadata`,
		body: { EnginePower: 90 },
		status: 405,
		expect: (b) => expect(b).toEqual({ requestError: { serviceException: { messageId: 'METHOD_NOT_ALLOWED', text: 'Method not allowed' } } }),
	}),
};
const endpointsOf = (profile: EmulatorProfile) => (profile === 'full' ? endpoints : endpoints.map((e) => (e.name === documentedPatchMetadata.name ? documentedPatchMetadata : e)));

const send = (emu: RunningEmulator, c: Call, auth?: string | null) => sendJson(emu, c.method, c.path, c.body, auth, c.headers);

/** Everything a failed request could corrupt. */
function snapshot(emu: RunningEmulator) {
	return JSON.stringify({
		conversations: [...emu.state.conversations.values()],
		messages: [...emu.state.messages.entries()],
		metadata: [...emu.state.metadata.entries()],
	});
}

describe.each(['full', 'documented'] as const)('emulator contract, per endpoint (profile %s)', (profile) => {
	let emu: RunningEmulator;
	let id: string;
	beforeAll(async () => {
		emu = await startEmulator({ apiKey: 'contract-key', bot: { agentId: 'bot-1' }, profile });
	});
	afterAll(async () => await emu.close());
	beforeEach(async () => {
		emu.reset();
		emu.setFaults({});
		({ conversationId: id } = await emu.inbound({ from: 'cust', to: 'shop', channel: 'WHATSAPP', text: 'hi' }));
	});

	describe.each(endpointsOf(profile).map((e) => [e.name, e] as const))('%s', (_name, endpoint) => {
		it('answers the happy path', async () => {
			const c = endpoint.happy(id);
			const before = c.status ? snapshot(emu) : undefined;
			const res = await send(emu, c);
			expect(res.status).toBe(c.status ?? 200);
			// a refused call changes nothing
			if (before) expect(snapshot(emu)).toBe(before);
			expect(res.headers['content-type']).toBe('application/json');
			c.expect(res.body);
		});

		it('refuses a missing or wrong API key with 401 in Infobip error shape, changing nothing', async () => {
			const before = snapshot(emu);
			for (const auth of [null, 'App wrong-key', 'Bearer contract-key', `App ${emu.apiKey}x`, emu.apiKey]) {
				const res = await send(emu, endpoint.happy(id), auth);
				expect(res.status).toBe(401);
				expect(res.body).toEqual({ requestError: { serviceException: { messageId: 'UNAUTHORIZED', text: 'Invalid login details' } } });
			}
			expect(snapshot(emu)).toBe(before);
		});

		if (endpoint.invalid) {
			const invalid = endpoint.invalid;
			it('refuses invalid input with 400 in the CCaaS shape, changing nothing', async () => {
				const before = snapshot(emu);
				const res = await send(emu, invalid(id));
				expect(res.status).toBe(400);
				expect(res.body).toMatchObject({ statusCode: 'ERROR', message: expect.any(String) });
				expect(snapshot(emu)).toBe(before);
			});
		}

		if (endpoint.notFound) {
			const notFound = endpoint.notFound;
			it('answers 404 NOT_FOUND for an unknown conversation, changing nothing', async () => {
				const before = snapshot(emu);
				const res = await send(emu, notFound());
				expect(res.status).toBe(404);
				expect((res.body.requestError as { serviceException: { messageId: string } }).serviceException.messageId).toBe('NOT_FOUND');
				expect(snapshot(emu)).toBe(before);
			});
		}

		it('injects each kind of fault on demand without touching state', async () => {
			const c = endpoint.happy(id);
			const before = snapshot(emu);

			emu.setFaults({ rateLimitRate: 1, retryAfterSeconds: 7 });
			const limited = await send(emu, c);
			expect(limited.status).toBe(429);
			expect(limited.headers['retry-after']).toBe('7');
			expect(limited.body).toEqual({ requestError: { serviceException: { messageId: 'TOO_MANY_REQUESTS', text: 'Too many requests' } } });

			emu.setFaults({ errorRate: 1 });
			const failed = await send(emu, c);
			expect(failed.status).toBe(500);
			expect((failed.body.requestError as { serviceException: { messageId: string } }).serviceException.messageId).toBe('GENERAL_ERROR');

			emu.setFaults({ dropRate: 1 });
			await expect(send(emu, c)).rejects.toMatchObject({ code: expect.stringMatching(/^UND_ERR_SOCKET|ECONNRESET$/) });

			expect(snapshot(emu)).toBe(before);

			emu.setFaults({ latencyMs: 120 });
			const started = process.hrtime.bigint();
			const slow = await send(emu, c);
			const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
			expect(slow.status).toBe(c.status ?? 200);
			expect(elapsedMs).toBeGreaterThanOrEqual(110);
		});
	});

	it('answers unknown paths and methods with an error body, never a crash', async () => {
		expect((await send(emu, { method: 'GET', path: '/ccaas/1/nothing' })).status).toBe(404);
		expect((await send(emu, { method: 'GET', path: '/ccaas/2/conversations' })).status).toBe(404);
		expect((await send(emu, { method: 'DELETE', path: '/ccaas/1/conversations' })).status).toBe(405);
		expect((await send(emu, { method: 'POST', path: `/ccaas/1/conversations/${id}/nothing` })).status).toBe(404);
		expect((await send(emu, { method: 'GET', path: `/ccaas/1/conversations/%E0%A4%A` })).status).toBeGreaterThanOrEqual(400);
		// the server is still up
		expect((await send(emu, endpoints[0].happy(id))).status).toBe(200);
	});

	it('answers 413 to an oversized body and 400 to malformed JSON, changing nothing', async () => {
		const before = snapshot(emu);
		const big = await request(`${emu.url}/ccaas/1/conversations/${id}/metadata`, {
			method: 'PUT',
			headers: { authorization: `App ${emu.apiKey}`, 'content-type': 'application/json' },
			body: JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024) }),
		});
		expect(big.statusCode).toBe(413);
		await big.body.dump();
		const bad = await request(`${emu.url}/ccaas/1/conversations/${id}/metadata`, {
			method: 'PUT',
			headers: { authorization: `App ${emu.apiKey}`, 'content-type': 'application/json' },
			body: '{"Model": ',
		});
		expect(bad.statusCode).toBe(400);
		expect(await bad.body.json()).toMatchObject({ statusCode: 'ERROR', message: 'Request body is not valid JSON' });
		expect(snapshot(emu)).toBe(before);
	});
});

/** One conversation across the endpoints: inbound and the bot, listing, messages, metadata, hand-over, the clock, faults, the control API. */
describe('emulator contract, across endpoints', () => {
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
		const res = await sendJson(emu, 'GET', '/ccaas/1/conversations', undefined, 'App wrong');
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
		const list = await sendJson(emu, 'GET', '/ccaas/1/conversations?agentId=bot-1&status=OPEN&limit=5&page=0');
		expect(list.status).toBe(200);
		expect(list.body.conversations.map((c: { id: string }) => c.id)).toEqual([conversationId]);
		expect(list.body.pagination).toEqual({ totalItems: 1, page: 0, limit: 5 });
		// a second inbound message continues the same conversation
		const again = await emu.inbound({ from: '3859111', to: '4478600', channel: 'WHATSAPP', text: 'still there?' });
		expect(again.conversationId).toBe(conversationId);
	});

	it('validates list parameters and answers 400 in the CCaaS shape', async () => {
		const res = await sendJson(emu, 'GET', '/ccaas/1/conversations?limit=5000');
		expect(res.status).toBe(400);
		expect(res.body).toMatchObject({ statusCode: 'ERROR', message: 'limit must be an integer from 1 to 999' });
	});

	it('messages: x-agent-id must match the assignee; content validated; 404 for unknown conversations', async () => {
		const { conversationId } = await emu.inbound({ from: 'c', to: 'b', channel: 'WHATSAPP', text: 'hi' });
		const body = { from: 'b', to: 'c', channel: 'WHATSAPP', contentType: 'TEXT', content: { text: 'hello' } };
		expect((await sendJson(emu, 'POST', `/ccaas/1/conversations/${conversationId}/messages`, body)).status).toBe(400);
		expect((await sendJson(emu, 'POST', `/ccaas/1/conversations/${conversationId}/messages`, { ...body, content: {} }, undefined, { 'x-agent-id': 'bot-1' })).status).toBe(400);
		const ok = await sendJson(emu, 'POST', `/ccaas/1/conversations/${conversationId}/messages`, body, undefined, { 'x-agent-id': 'bot-1' });
		expect(ok.status).toBe(200);
		expect(ok.body).toMatchObject({ direction: 'OUTBOUND', agentId: 'bot-1', content: { text: 'hello' } });
		const msgs = await sendJson(emu, 'GET', `/ccaas/1/conversations/${conversationId}/messages?orderBy=createdAt:desc&limit=1&direction=OUTBOUND`);
		expect(msgs.body.messages).toHaveLength(1);
		expect(msgs.body.messages[0].id).toBe(ok.body.id);
		const missing = await sendJson(emu, 'GET', '/ccaas/1/conversations/nope');
		expect(missing.status).toBe(404);
		expect(missing.body.requestError.serviceException.messageId).toBe('NOT_FOUND');
	});

	it('metadata: PATCH merges, PUT replaces, nested values are rejected without changing state', async () => {
		const { conversationId } = await emu.inbound({ from: 'c', to: 'b', channel: 'SMS', text: 'hi' });
		const path = `/ccaas/1/conversations/${conversationId}/metadata`;
		expect((await sendJson(emu, 'PUT', path, { Manufacturer: 'Mazda' })).body).toEqual({ statusCode: 'SUCCESS', message: 'Metadata added to conversation successfully.' });
		await sendJson(emu, 'PATCH', path, { Model: 'CX-5' });
		expect((await sendJson(emu, 'GET', path)).body).toEqual({ Manufacturer: 'Mazda', Model: 'CX-5' });
		expect((await sendJson(emu, 'PUT', path, { bad: { nested: 1 } })).status).toBe(400);
		expect((await sendJson(emu, 'PUT', path, '{not json')).status).toBe(400);
		await sendJson(emu, 'PUT', path, { EnginePower: 90 });
		expect((await sendJson(emu, 'GET', path)).body).toEqual({ EnginePower: 90 });
	});

	it('route and assignment end forwarding to the bot', async () => {
		const a = await emu.inbound({ from: 'c1', to: 'b', channel: 'WHATSAPP', text: 'hi' });
		const routed = await sendJson(emu, 'POST', `/ccaas/1/conversations/${a.conversationId}/route`);
		expect(routed.body).toMatchObject({ id: a.conversationId, agentId: null, queueId: 'queue-support' });
		expect((await emu.inbound({ from: 'c1', to: 'b', channel: 'WHATSAPP', text: 'agent?' })).forwarded).toBe(false);

		const b = await emu.inbound({ from: 'c2', to: 'b', channel: 'WHATSAPP', text: 'hi' });
		expect((await sendJson(emu, 'PUT', `/ccaas/1/conversations/${b.conversationId}/assignee`, { agentId: 'ghost' })).status).toBe(404);
		expect((await sendJson(emu, 'PUT', `/ccaas/1/conversations/${b.conversationId}/assignee`, { agentId: 'agent-alice' })).body.agentId).toBe('agent-alice');
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
		const conv = await sendJson(emu, 'GET', `/ccaas/1/conversations/${a.conversationId}`);
		expect(conv.body.status).toBe('CLOSED');
		const next = await emu.inbound({ from: 'c', to: 'b', channel: 'WHATSAPP', text: 'back' });
		expect(next.conversationId).not.toBe(a.conversationId);
	});

	it('injects 429 with Retry-After, 500s and dropped connections on demand', async () => {
		emu.setFaults({ rateLimitRate: 1, retryAfterSeconds: 3 });
		const limited = await sendJson(emu, 'GET', '/ccaas/1/queues');
		expect(limited.status).toBe(429);
		expect(limited.headers['retry-after']).toBe('3');
		emu.setFaults({ errorRate: 1 });
		expect((await sendJson(emu, 'GET', '/ccaas/1/queues')).status).toBe(500);
		emu.setFaults({ dropRate: 1 });
		await expect(sendJson(emu, 'GET', '/ccaas/1/queues')).rejects.toThrow();
		emu.setFaults({});
		expect((await sendJson(emu, 'GET', '/ccaas/1/queues')).body.queues).toEqual([{ id: 'queue-support', name: 'Support' }]);
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

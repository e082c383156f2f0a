/**
 * Contract of every emulated Conversations endpoint, table-driven: happy path, auth failure, validation failure,
 * not-found, and each kind of injected fault. A failed request must leave the emulator's state unchanged.
 * The table runs in both profiles: 'documented' answers every endpoint as 'full' does, except PATCH …/metadata (405).
 */
import { request } from 'undici';

import { startEmulator, type EmulatorProfile, type RunningEmulator } from '../../emulator';
import { send as sendJson } from './support';

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

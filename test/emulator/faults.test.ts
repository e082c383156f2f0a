/**
 * Contract of the emulator's faults (emulator/faults.ts) beyond the per-endpoint ones of contract.test.ts: the rate
 * limit (faults.rateLimitPerSecond: at most N API requests per API key are accepted in any sliding 1-second window,
 * the rest are refused at once with 429 + Retry-After in Infobip's error shape, counted, and change nothing),
 * latency jitter, and the "answer lost after processing" fault (faults.dropResponseRate).
 */
import { request } from 'undici';

import { startEmulator, type RunningEmulator } from '../../emulator';
import { send as sendJson } from '../support/emulator';

let emu: RunningEmulator;
let conversationId: string;

const api = (method: string, path: string, body?: unknown, auth?: string | null) => sendJson(emu, method, path, body, auth, { 'x-agent-id': 'bot-1' });

const send = (text: string) =>
	api('POST', `/ccaas/1/conversations/${conversationId}/messages`, { from: 'shop', to: 'cust', channel: 'WHATSAPP', contentType: 'TEXT', content: { text } });
const outbound = () => (emu.state.messages.get(conversationId) ?? []).filter((m) => m.direction === 'OUTBOUND').map((m) => m.content.text);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * The clock of `state.requests[].at` (the emulator runs in this process): Date.now() may drift from it by several ms
 * per second on some machines (seen: 0.5 %), so a test comparing the two fails there.
 */
const arrivalClock = () => performance.timeOrigin + performance.now();

beforeAll(async () => {
	emu = await startEmulator({ apiKey: 'rate-key', bot: { agentId: 'bot-1' } });
});
afterAll(async () => await emu.close());
beforeEach(async () => {
	emu.reset();
	emu.setFaults({});
	({ conversationId } = await emu.inbound({ from: 'cust', to: 'shop', channel: 'WHATSAPP', text: 'hi' }));
});

describe('emulator rate limit (faults.rateLimitPerSecond)', () => {
	it('accepts N requests per second and refuses the rest at once with 429, Retry-After and the Infobip error shape', async () => {
		emu.setFaults({ rateLimitPerSecond: 5 });
		const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => send(`m${i}`)));
		const ok = answers.filter((a) => a.status === 200);
		const refused = answers.filter((a) => a.status === 429);
		expect(ok).toHaveLength(5);
		expect(refused).toHaveLength(3);
		for (const r of refused) {
			expect(r.headers['retry-after']).toBe('1');
			expect(r.body).toEqual({ requestError: { serviceException: { messageId: 'TOO_MANY_REQUESTS', text: 'Too many requests' } } });
		}
		expect(emu.state.faultsInjected.rateLimited).toBe(3);
		// refused requests changed nothing: exactly the 5 accepted messages exist
		expect(outbound()).toHaveLength(5);
		expect(emu.state.requests.filter((r) => r.status === 429)).toHaveLength(3);
	});

	it('counts every API endpoint of the key together, refused requests do not use up the window, and the window slides', async () => {
		emu.setFaults({ rateLimitPerSecond: 3 });
		expect((await api('GET', '/ccaas/1/queues')).status).toBe(200);
		expect((await api('GET', `/ccaas/1/conversations/${conversationId}`)).status).toBe(200);
		expect((await send('a')).status).toBe(200);
		// the 4th and later requests within the second are refused, however many there are
		for (let i = 0; i < 5; i++) expect((await api('GET', '/ccaas/1/queues')).status).toBe(429);
		expect(emu.state.faultsInjected.rateLimited).toBe(5);
		// a second after the first accepted request there is room again, for exactly 3 (the refusals took none)
		const first = emu.state.requests.find((r) => r.status === 200)!.at;
		await sleep(Math.max(0, first + 1000 - arrivalClock()) + 50);
		const next = await Promise.all([send('b'), send('c'), send('d'), send('e')]);
		expect(next.map((a) => a.status).sort()).toEqual([200, 200, 200, 429]);
		expect(outbound()).toHaveLength(4);
		expect(outbound()).toContain('a');
	});

	it('checks the API key first (401 is not rate limited) and never limits the control API', async () => {
		emu.setFaults({ rateLimitPerSecond: 1 });
		expect((await api('GET', '/ccaas/1/queues', undefined, 'App wrong')).status).toBe(401);
		expect((await api('GET', '/ccaas/1/queues')).status).toBe(200);
		expect((await api('GET', '/ccaas/1/queues')).status).toBe(429);
		expect((await api('GET', '/ccaas/1/queues', undefined, 'App wrong')).status).toBe(401);
		for (let i = 0; i < 3; i++) expect((await api('GET', '/_emulator/requests', undefined, null)).status).toBe(200);
		expect(emu.state.faultsInjected.rateLimited).toBe(1);
	});

	it('records the arrival time of every API request', async () => {
		const before = arrivalClock();
		await api('GET', '/ccaas/1/queues');
		const after = arrivalClock();
		const [entry] = emu.state.requests;
		expect(entry).toMatchObject({ method: 'GET', path: '/ccaas/1/queues', status: 200 });
		expect(entry.at).toBeGreaterThanOrEqual(before - 1);
		expect(entry.at).toBeLessThanOrEqual(after + 1);
	});

	it('0 or no limit accepts everything', async () => {
		emu.setFaults({ rateLimitPerSecond: 0 });
		const answers = await Promise.all(Array.from({ length: 30 }, () => api('GET', '/ccaas/1/queues')));
		expect(answers.every((a) => a.status === 200)).toBe(true);
		expect(emu.state.faultsInjected.rateLimited).toBeUndefined();
	});
});

describe('emulator latency jitter (faults.latencyJitterMs)', () => {
	it('adds latencyMs plus a random share of the jitter to every API request', async () => {
		emu.setFaults({ latencyMs: 40, latencyJitterMs: 30 });
		for (let i = 0; i < 3; i++) {
			const started = process.hrtime.bigint();
			expect((await api('GET', '/ccaas/1/queues')).status).toBe(200);
			expect(Number(process.hrtime.bigint() - started) / 1e6).toBeGreaterThanOrEqual(39);
		}
	});
});

describe('emulator: answer lost after processing (faults.dropResponseRate)', () => {
	it('creates the message, then drops the connection without an answer', async () => {
		const emu = await startEmulator({ apiKey: 'k', bot: { agentId: 'bot-1' } });
		try {
			const { conversationId } = await emu.inbound({ from: 'c', to: 'b', channel: 'WHATSAPP', text: 'hi' });
			emu.setFaults({ dropResponseRate: 1 });
			const send = request(`${emu.url}/ccaas/1/conversations/${conversationId}/messages`, {
				method: 'POST',
				headers: { authorization: 'App k', 'content-type': 'application/json' },
				body: JSON.stringify({ from: 'b', to: 'c', channel: 'WHATSAPP', contentType: 'TEXT', content: { text: 'reply' } }),
			});
			await expect(send).rejects.toMatchObject({ code: expect.stringMatching(/^UND_ERR_SOCKET|ECONNRESET$/) });
			const outbound = (emu.state.messages.get(conversationId) ?? []).filter((m) => m.direction === 'OUTBOUND');
			expect(outbound.map((m) => m.content)).toEqual([{ text: 'reply' }]);
			expect(emu.state.faultsInjected).toEqual({ dropResponse: 1 });

			// a refused request (401) is not processed, so it is not "dropped after processing" either
			const refused = await request(`${emu.url}/ccaas/1/queues`, { headers: { authorization: 'App wrong' } });
			expect(refused.statusCode).toBe(401);
			await refused.body.dump();
			expect(emu.state.faultsInjected).toEqual({ dropResponse: 1 });
		} finally {
			await emu.close();
		}
	});
});

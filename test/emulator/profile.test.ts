/**
 * Contract of the emulator's profiles: 'full' (default) and 'documented' (only what Infobip's public API reference
 * pages promise: no PATCH …/metadata, a minimal message to the Bot URL). Chosen at start, through the control API
 * (PUT /_emulator/config {profile}) or setProfile(); shown in GET /_emulator/state.
 */
import { DOCUMENTED_BOT_FIELDS, startEmulator, type EmulatorProfile, type RunningEmulator } from '../../emulator';
import { botServer, send, type BotServer } from '../support/emulator';

const snapshot = (emu: RunningEmulator) =>
	JSON.stringify({ conversations: [...emu.state.conversations.values()], messages: [...emu.state.messages], metadata: [...emu.state.metadata] });
const METHOD_NOT_ALLOWED = { requestError: { serviceException: { messageId: 'METHOD_NOT_ALLOWED', text: 'Method not allowed' } } };

describe('emulator profiles', () => {
	let emu: RunningEmulator | undefined;
	let bot: BotServer;
	beforeEach(async () => {
		bot = await botServer();
	});
	afterEach(async () => {
		await emu?.close();
		emu = undefined;
		await bot.close();
	});
	const start = async (profile?: EmulatorProfile, extra: Parameters<typeof startEmulator>[0] = {}) =>
		(emu = await startEmulator({ ...extra, apiKey: 'k', ...(profile ? { profile } : {}), bot: { url: bot.url, authHeaderValue: 'Bearer s', agentId: 'bot-1', ...extra.bot } }));

	it('is "full" by default, shown on the emulator object and in GET /_emulator/state', async () => {
		const e = await start();
		expect(e.profile).toBe('full');
		expect((await send(e, 'GET', '/_emulator/state', undefined, null)).body.profile).toBe('full');
		const d = await startEmulator({ profile: 'documented' });
		try {
			expect(d.profile).toBe('documented');
			expect((await send(d, 'GET', '/_emulator/state', undefined, null)).body.profile).toBe('documented');
		} finally {
			await d.close();
		}
	});

	it('refuses an unknown profile at start, in setProfile and in PUT /_emulator/config (changing nothing)', async () => {
		await expect(startEmulator({ profile: 'strict' as EmulatorProfile })).rejects.toThrow('Unknown profile "strict"; use "full" or "documented"');
		const e = await start();
		expect(() => e.setProfile('nope' as EmulatorProfile)).toThrow(/Unknown profile "nope"/);
		const res = await send(e, 'PUT', '/_emulator/config', { profile: 'nope', faults: { latencyMs: 5000 } }, null);
		expect(res.status).toBe(400);
		expect(res.body).toMatchObject({ statusCode: 'ERROR', message: 'Unknown profile "nope"; use "full" or "documented"' });
		expect(e.profile).toBe('full');
		// the faults of the refused request were not applied either
		const started = Date.now();
		expect((await send(e, 'GET', '/ccaas/1/queues')).status).toBe(200);
		expect(Date.now() - started).toBeLessThan(2500);
	});

	it('switches with PUT /_emulator/config {profile} and with setProfile(), and keeps the profile across reset()', async () => {
		const e = await start();
		const res = await send(e, 'PUT', '/_emulator/config', { profile: 'documented' }, null);
		expect(res.status).toBe(200);
		expect(res.body.profile).toBe('documented');
		expect(e.profile).toBe('documented');
		e.reset();
		expect(e.profile).toBe('documented');
		// a config change without a profile leaves it as it is
		expect((await send(e, 'PUT', '/_emulator/config', { faults: {} }, null)).body.profile).toBe('documented');
		e.setProfile('full');
		expect((await send(e, 'GET', '/_emulator/state', undefined, null)).body.profile).toBe('full');
	});

	describe('PATCH …/metadata', () => {
		it('full: merges the keys', async () => {
			const e = await start('full');
			const { conversationId: id } = await e.inbound({ from: 'c', to: 'b', channel: 'WHATSAPP', text: 'hi' });
			expect((await send(e, 'PUT', `/ccaas/1/conversations/${id}/metadata`, { Model: 'CX-5' })).status).toBe(200);
			expect((await send(e, 'PATCH', `/ccaas/1/conversations/${id}/metadata`, { EnginePower: 90 })).status).toBe(200);
			expect(e.state.metadata.get(id)).toEqual({ Model: 'CX-5', EnginePower: 90 });
		});

		it('documented: 405 METHOD_NOT_ALLOWED in Infobip\'s error shape with Allow, state unchanged; GET and PUT work as in full', async () => {
			const e = await start('documented');
			const { conversationId: id } = await e.inbound({ from: 'c', to: 'b', channel: 'WHATSAPP', text: 'hi' });
			expect((await send(e, 'PUT', `/ccaas/1/conversations/${id}/metadata`, { Model: 'CX-5' })).status).toBe(200);
			const before = snapshot(e);
			for (const body of [{ EnginePower: 90 }, {}]) {
				const res = await send(e, 'PATCH', `/ccaas/1/conversations/${id}/metadata`, body);
				expect(res.status).toBe(405);
				expect(res.body).toEqual(METHOD_NOT_ALLOWED);
				expect(res.headers.allow).toBe('GET, PUT');
			}
			// whatever the conversation: the method is refused before the conversation is looked up
			expect((await send(e, 'PATCH', '/ccaas/1/conversations/00000000-0000-4000-8000-000000000000/metadata', { A: 1 })).status).toBe(405);
			expect(snapshot(e)).toBe(before);
			expect(e.state.requests.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([405, 405, 405]);
			// authentication still comes first
			expect((await send(e, 'PATCH', `/ccaas/1/conversations/${id}/metadata`, { A: 1 }, 'App wrong')).status).toBe(401);
			// the documented calls
			expect((await send(e, 'GET', `/ccaas/1/conversations/${id}/metadata`)).body).toEqual({ Model: 'CX-5' });
			expect((await send(e, 'PUT', `/ccaas/1/conversations/${id}/metadata`, { Model: 'CX-5', EnginePower: 90 })).status).toBe(200);
			expect(e.state.metadata.get(id)).toEqual({ Model: 'CX-5', EnginePower: 90 });
			// other PATCH endpoints (conversation update) are unaffected
			const patched = await send(e, 'PATCH', `/ccaas/1/conversations/${id}`, { priority: 'HIGH' });
			expect(patched.status).toBe(200);
			expect(patched.body).toMatchObject({ id, priority: 'HIGH' });
		});
	});

	describe('the message forwarded to the Bot URL', () => {
		it('full: the whole message object', async () => {
			const e = await start('full');
			const { conversationId, messageId } = await e.inbound({ from: 'c', to: 'b', channel: 'WHATSAPP', text: 'hi' });
			await e.waitForIdle();
			expect(JSON.parse(bot.received[0].raw)).toEqual({
				authorType: 'CUSTOMER',
				id: messageId,
				conversationId,
				from: 'c',
				to: 'b',
				channel: 'WHATSAPP',
				direction: 'INBOUND',
				contentType: 'TEXT',
				content: { text: 'hi' },
				createdAt: expect.any(String),
			});
		});

		it('documented: only conversationId, from, to, channel, contentType, content; the emulator keeps the full message', async () => {
			const e = await start('documented');
			const { conversationId, messageId } = await e.inbound({ from: 'c', to: 'b', channel: 'VIBER', text: 'hi' });
			await e.inbound({ from: 'c', to: 'b', channel: 'VIBER', contentType: 'IMAGE', content: { url: 'https://example.com/a.png' } });
			await e.waitForIdle();
			expect([...DOCUMENTED_BOT_FIELDS]).toEqual(['conversationId', 'from', 'to', 'channel', 'contentType', 'content']);
			expect(bot.received.map((r) => JSON.parse(r.raw))).toEqual([
				{ conversationId, from: 'c', to: 'b', channel: 'VIBER', contentType: 'TEXT', content: { text: 'hi' } },
				{ conversationId, from: 'c', to: 'b', channel: 'VIBER', contentType: 'IMAGE', content: { url: 'https://example.com/a.png' } },
			]);
			expect(bot.received[0].headers.authorization).toBe('Bearer s');
			// the emulator's own state (and the API) keep the whole message
			expect(e.state.messages.get(conversationId)![0]).toMatchObject({ id: messageId, direction: 'INBOUND', createdAt: expect.any(String) });
			const listed = await send(e, 'GET', `/ccaas/1/conversations/${conversationId}/messages`);
			expect((listed.body.messages as Array<Record<string, unknown>>)[0]).toMatchObject({ id: messageId, direction: 'INBOUND' });
			expect(e.state.deliveries.map((d) => d.messageId)).toContain(messageId);
		});

		it('documented: a redelivery resends exactly the first body, even after the profile changed', async () => {
			const e = await start('documented', { bot: { redeliveryRate: 1, redeliveryDelayMs: 150 } });
			await e.inbound({ from: 'c', to: 'b', channel: 'WHATSAPP', text: 'once' });
			// switched while the redelivery is pending: the repeat is still the body that was sent
			e.setProfile('full');
			await e.waitForIdle();
			expect(bot.received).toHaveLength(2);
			expect(bot.received[1].raw).toBe(bot.received[0].raw);
			expect(Object.keys(JSON.parse(bot.received[0].raw)).sort()).toEqual([...DOCUMENTED_BOT_FIELDS].sort());
			expect(e.state.deliveries.map((d) => d.redelivery ?? false)).toEqual([false, true]);
		});
	});
});

/**
 * The emulator's bot as the API's bot resource (GET/PUT /ccaas/1/bots/{botId}, GET /ccaas/1/bots) and as the
 * BotConfig of startEmulator/configureBot/PUT /_emulator/config: one bot, so a change made any of the three ways
 * is what GET shows and what the next delivery to the Bot URL uses. The control API never shows a header value.
 */
import { startEmulator, type EmulatorProfile, type RunningEmulator } from '../../emulator';
import { botServer, send, type BotServer } from '../support/emulator';

const required = { displayName: 'Support bot', destination: '447860099299', channel: 'WHATSAPP' };

describe.each(['full', 'documented'] as const)('emulator bot resource (profile %s)', (profile: EmulatorProfile) => {
	let emu: RunningEmulator;
	let first: BotServer;
	let second: BotServer;
	const path = () => `/ccaas/1/bots/${emu.botAgentId}`;
	const getBot = async () => (await send(emu, 'GET', path())).body;
	/** one customer message, delivered; what the bot endpoints got since the last call */
	const deliverOne = async (text = 'hi') => {
		const out = await emu.inbound({ from: `c-${text}`, to: 'b', channel: 'WHATSAPP', text });
		await emu.waitForIdle();
		return out;
	};
	beforeEach(async () => {
		first = await botServer();
		second = await botServer();
		emu = await startEmulator({ apiKey: 'k', profile, bot: { url: first.url, authHeaderValue: 'Bearer one', agentId: 'bot-1', sessionTimeoutSeconds: 300 } });
	});
	afterEach(async () => {
		await emu.close();
		await first.close();
		await second.close();
	});

	it('GET shows the bot the emulator was started with, as GET /ccaas/1/bots lists it', async () => {
		const res = await send(emu, 'GET', '/ccaas/1/bots/bot-1');
		expect(res.status).toBe(200);
		expect(res.body).toEqual({
			id: 'bot-1',
			displayName: 'Emulator bot',
			webhookUrl: first.url,
			webhookHeaders: { Authorization: 'Bearer one' },
			destination: '447860099299',
			channel: 'WHATSAPP',
			enabled: true,
			sessionTimeoutInSec: 300,
			messagePersistencePolicy: 'PERSIST_ALL',
		});
		expect((await send(emu, 'GET', '/ccaas/1/bots')).body).toEqual({ bots: [res.body], pagination: { totalItems: 1, page: 0, limit: 10 } });
	});

	it('PUT replaces the bot: the answer, GET and the next delivery use the new webhookUrl and webhookHeaders', async () => {
		await deliverOne('before');
		const body = { ...required, webhookUrl: second.url, webhookHeaders: { Authorization: 'Bearer two', 'X-Tenant': 't1' }, sessionTimeoutInSec: 120, enabled: true };
		const res = await send(emu, 'PUT', path(), body);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ id: 'bot-1', ...body, messagePersistencePolicy: 'PERSIST_ALL' });
		expect(await getBot()).toEqual(res.body);
		await deliverOne('after');
		expect(first.received.map((r) => r.body.content)).toEqual([{ text: 'before' }]);
		expect(second.received).toHaveLength(1);
		expect(second.received[0].headers).toMatchObject({ authorization: 'Bearer two', 'x-tenant': 't1' });
		// the emulator's own view follows
		expect((await send(emu, 'GET', '/_emulator/state', undefined, null)).body.bot).toEqual({ url: second.url, agentId: 'bot-1' });
	});

	it('PUT leaves out what it does not name: the defaults of the OpenAPI description, and no webhook (nothing delivered)', async () => {
		const res = await send(emu, 'PUT', path(), { ...required, id: 'ignored-read-only' });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ id: 'bot-1', ...required, enabled: true, sessionTimeoutInSec: 86400, messagePersistencePolicy: 'PERSIST_ALL' });
		const { forwarded } = await deliverOne();
		expect(forwarded).toBe(false);
		expect(first.received).toHaveLength(0);
	});

	it('configureBot() and PUT /_emulator/config {bot} change the same bot: GET shows it, the next delivery uses it', async () => {
		emu.configureBot({ url: second.url, authHeaderName: 'X-Bot-Key', authHeaderValue: 'k2' });
		expect(await getBot()).toMatchObject({ webhookUrl: second.url, webhookHeaders: { 'X-Bot-Key': 'k2' } });
		await deliverOne('one');
		expect(second.received[0].headers['x-bot-key']).toBe('k2');
		expect(second.received[0].headers.authorization).toBeUndefined();

		const config = await send(emu, 'PUT', '/_emulator/config', { bot: { url: first.url, authHeaderName: 'Authorization', authHeaderValue: 'Bearer three', displayName: 'Renamed' } }, null);
		expect(config.status).toBe(200);
		expect(await getBot()).toMatchObject({ displayName: 'Renamed', webhookUrl: first.url, webhookHeaders: { Authorization: 'Bearer three' } });
		await deliverOne('two');
		expect(first.received.map((r) => r.headers.authorization)).toEqual(['Bearer three']);

		// and after a PUT of one header, authHeaderValue names that header
		await send(emu, 'PUT', path(), { ...required, webhookUrl: first.url, webhookHeaders: { 'X-Api-Key': 'old' } });
		emu.configureBot({ authHeaderValue: 'new' });
		expect((await getBot()).webhookHeaders).toEqual({ 'X-Api-Key': 'new' });
	});

	it('a disabled bot gets no messages and takes no new conversations', async () => {
		expect((await send(emu, 'PUT', path(), { ...required, webhookUrl: first.url, enabled: false })).status).toBe(200);
		const { conversationId, forwarded } = await deliverOne();
		expect(forwarded).toBe(false);
		expect(first.received).toHaveLength(0);
		expect(emu.state.conversations.get(conversationId)).toMatchObject({ agentId: null, withBot: false });
		emu.configureBot({ enabled: true });
		expect((await deliverOne('again')).forwarded).toBe(true);
	});

	it('the control API never shows a header value; the API shows webhookHeaders as Infobip does', async () => {
		await send(emu, 'PUT', path(), { ...required, webhookUrl: first.url, webhookHeaders: { Authorization: 'Bearer secret-a', 'X-Other': 'secret-b' } });
		const config = await send(emu, 'PUT', '/_emulator/config', { faults: {} }, null);
		expect(config.body.bot).toMatchObject({ authHeaderName: 'Authorization', authHeaderValue: '***', webhookHeaders: { Authorization: '***', 'X-Other': '***' } });
		const state = await send(emu, 'GET', '/_emulator/state', undefined, null);
		for (const answer of [config, state]) expect(JSON.stringify(answer.body)).not.toMatch(/secret-[ab]/);
		expect((await getBot()).webhookHeaders).toEqual({ Authorization: 'Bearer secret-a', 'X-Other': 'secret-b' });
	});

	it.each([
		['channel', { displayName: 'x', destination: 'y' }],
		['channel', { ...required, channel: 'PIGEON' }],
		['displayName', { destination: 'y', channel: 'SMS' }],
		['destination', { ...required, destination: 42 }],
		['sessionTimeoutInSec', { ...required, sessionTimeoutInSec: 10 }],
		['enabled', { ...required, enabled: 'yes' }],
		['webhookUrl', { ...required, webhookUrl: `https://example.com/${'x'.repeat(2000)}` }],
		['webhookHeaders.X-Bad', { ...required, webhookHeaders: { 'X-Bad': 'line\r\nbreak' } }],
		['body', { ...required, webhookURL: 'https://example.com/typo' }, 'webhookURL'],
		['body', undefined, 'Invalid bot'],
	] as Array<[string, unknown, string?]>)('PUT refuses an invalid body with 400 naming %s, changing nothing', async (field, body, mentioned = field) => {
		const before = await getBot();
		const res = await send(emu, 'PUT', path(), body);
		expect(res.status).toBe(400);
		expect(res.body).toMatchObject({ statusCode: 'ERROR', message: expect.stringContaining(mentioned), validationErrors: { [field]: expect.any(Array) } });
		expect(await getBot()).toEqual(before);
	});

	it('answers 404 for another bot id and 401 without the API key, changing nothing', async () => {
		const before = await getBot();
		for (const method of ['GET', 'PUT']) {
			const res = await send(emu, method, '/ccaas/1/bots/other-bot', method === 'PUT' ? required : undefined);
			expect(res.status).toBe(404);
			expect(res.body).toEqual({ requestError: { serviceException: { messageId: 'NOT_FOUND', text: 'Bot other-bot not found' } } });
			for (const auth of [null, 'App wrong']) {
				expect((await send(emu, method, path(), method === 'PUT' ? { ...required, webhookUrl: second.url } : undefined, auth)).status).toBe(401);
			}
		}
		expect(await getBot()).toEqual(before);
	});
});

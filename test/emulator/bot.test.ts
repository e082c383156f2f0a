/**
 * Contract of the emulator's bot delivery (emulator/bot.ts): at-least-once redelivery (bot.redeliveryRate /
 * redeliveryDelayMs), which the reliability harness relies on, and delivery retries.
 */
import { startEmulator, type RunningEmulator } from '../../emulator';
import { botServer, type BotServer } from '../support/emulator';

describe('emulator: at-least-once delivery to the bot (bot.redeliveryRate)', () => {
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

	it('sends every message a second time, same body and auth header, after the delay; waitForIdle waits for it', async () => {
		emu = await startEmulator({ bot: { url: bot.url, authHeaderValue: 'Bearer s3', agentId: 'bot-1', redeliveryRate: 1, redeliveryDelayMs: 200 } });
		const a = await emu.inbound({ from: 'c1', to: 'b', channel: 'WHATSAPP', text: 'one' });
		const b = await emu.inbound({ from: 'c2', to: 'b', channel: 'SMS', text: 'two' });
		await emu.waitForIdle();

		expect(bot.received).toHaveLength(4);
		for (const id of [a.messageId, b.messageId]) {
			const copies = bot.received.filter((r) => JSON.parse(r.raw).id === id);
			expect(copies).toHaveLength(2);
			expect(copies[1].raw).toBe(copies[0].raw);
			expect(copies.map((c) => c.headers.authorization)).toEqual(['Bearer s3', 'Bearer s3']);
			// the repeat comes no earlier than the delay after the first delivery was answered
			expect(copies[1].at - copies[0].at).toBeGreaterThanOrEqual(190);
		}
		expect(emu.state.deliveries.filter((d) => d.redelivery).map((d) => d.messageId).sort()).toEqual([a.messageId, b.messageId].sort());
		expect(emu.state.deliveries.filter((d) => !d.redelivery)).toHaveLength(2);
		// the conversation itself has each customer message once
		expect(emu.state.messages.get(a.conversationId)).toHaveLength(1);
	});

	it('redelivers a message at most once, and never by default', async () => {
		emu = await startEmulator({ bot: { url: bot.url, agentId: 'bot-1', redeliveryDelayMs: 0 } });
		for (let i = 0; i < 20; i++) await emu.inbound({ from: `c${i}`, to: 'b', channel: 'WHATSAPP', text: 'x' });
		await emu.waitForIdle();
		expect(bot.received).toHaveLength(20);
		expect(emu.state.deliveries.some((d) => d.redelivery)).toBe(false);

		emu.configureBot({ redeliveryRate: 1 });
		await emu.inbound({ from: 'again', to: 'b', channel: 'WHATSAPP', text: 'x' });
		await emu.waitForIdle();
		expect(bot.received).toHaveLength(22);
	});

	it('with a rate between 0 and 1 redelivers some messages, reproducibly for a seed', async () => {
		const run = async () => {
			bot.received.length = 0;
			const e = await startEmulator({ seed: 42, bot: { url: bot.url, agentId: 'bot-1', redeliveryRate: 0.3, redeliveryDelayMs: 0 } });
			const ids: string[] = [];
			for (let i = 0; i < 100; i++) ids.push((await e.inbound({ from: `c${i}`, to: 'b', channel: 'WHATSAPP', text: 'x' })).messageId);
			await e.waitForIdle();
			const repeated = e.state.deliveries.filter((d) => d.redelivery).map((d) => ids.indexOf(d.messageId)).sort((x, y) => x - y);
			await e.close();
			return repeated;
		};
		const first = await run();
		expect(first.length).toBeGreaterThan(10);
		expect(first.length).toBeLessThan(60);
		expect(await run()).toEqual(first);
	});

	it('does not redeliver what the bot refused with a 4xx; a redelivery after 5xx retries comes only after success', async () => {
		emu = await startEmulator({ bot: { url: bot.url, agentId: 'bot-1', redeliveryRate: 1, redeliveryDelayMs: 0 } });
		bot.setStatus(401);
		await emu.inbound({ from: 'c', to: 'b', channel: 'WHATSAPP', text: 'x' });
		await emu.waitForIdle();
		expect(emu.state.deliveries.map((d) => [d.status, d.attempt, d.redelivery ?? false])).toEqual([[401, 1, false]]);
		expect(emu.state.deliveries[0].detail).toBeUndefined(); // the bot's 401 had an empty body

		emu.state.deliveries.length = 0;
		bot.setStatus(503);
		const pending = emu.inbound({ from: 'd', to: 'b', channel: 'WHATSAPP', text: 'y' });
		// let the first attempt fail, then answer 200
		await pending;
		while (bot.received.length < 2) await new Promise((r) => setTimeout(r, 5));
		bot.setStatus(200);
		await emu.waitForIdle();
		const statuses = emu.state.deliveries.map((d) => [d.status, d.redelivery ?? false]);
		expect(statuses[0]).toEqual([503, false]);
		expect(statuses.slice(-2)).toEqual([
			[200, false],
			[200, true],
		]);
	});
});

describe('emulator: delivery retries (bot.deliveryAttempts, deliveryRetryDelayMs)', () => {
	it('retries a 5xx as often as configured and keeps why the bot refused', async () => {
		const bot = await botServer();
		bot.setStatus(503);
		const emu = await startEmulator({ bot: { url: bot.url, agentId: 'bot-1', deliveryAttempts: 5, deliveryRetryDelayMs: 10 } });
		try {
			await emu.inbound({ from: 'c', to: 'b', channel: 'WHATSAPP', text: 'x' });
			await emu.waitForIdle();
			expect(emu.state.deliveries.map((d) => [d.attempt, d.status])).toEqual([1, 2, 3, 4, 5].map((a) => [a, 503]));
			expect(bot.received).toHaveLength(5);
		} finally {
			await emu.close();
			await bot.close();
		}
	});

	it('records a connection error with its message', async () => {
		const emu = await startEmulator({ bot: { url: 'http://127.0.0.1:1/bot', agentId: 'bot-1', deliveryAttempts: 2, deliveryRetryDelayMs: 1 } });
		try {
			await emu.inbound({ from: 'c', to: 'b', channel: 'WHATSAPP', text: 'x' });
			await emu.waitForIdle();
			expect(emu.state.deliveries).toEqual([1, 2].map((attempt) => expect.objectContaining({ attempt, status: 'error', detail: expect.stringMatching(/ECONNREFUSED|connect/) })));
		} finally {
			await emu.close();
		}
	});
});

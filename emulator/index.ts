/**
 * A local emulator of the Infobip Conversations (CCaaS) HTTP API and of Infobip's external-bot forwarding,
 * so flows, tests and demos run on one machine with no Infobip account. See docs/emulator.md, which also
 * says which file does what.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

import { Bot } from './bot';
import { BotSettings } from './botResource';
import { Clock, prng } from './clock';
import { Faults } from './faults';
import { checkProfile } from './profile';
import { createEmulatorServer } from './server';
import { Store } from './store';
import type { Core, EmulatorOptions, RunningEmulator } from './types';

export { DOCUMENTED_BOT_FIELDS, PROFILES, type EmulatorProfile } from './profile';
export { AGENTS, QUEUES } from './routes';
export type { InboundInput, SeedInput } from './schemas';
export type { BotConfig, Conversation, EmulatorOptions, EmulatorState, FaultConfig, Message, RunningEmulator } from './types';

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
	const core = compose(opts);
	const { store, bot, clock, faults } = core;
	const server = createEmulatorServer(core, opts.maxBodyBytes ?? 1024 * 1024);
	await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
	const address = server.address() as AddressInfo;
	const host = address.address.includes(':') ? `[${address.address}]` : address.address;
	return {
		url: `http://${host}:${address.port}`,
		apiKey: core.apiKey,
		botAgentId: bot.settings.id,
		get profile() {
			return core.profile;
		},
		state: store.state,
		close: async () => {
			await bot.settle();
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			server.closeAllConnections();
			await closed;
		},
		setProfile: (p) => void (core.profile = checkProfile(p)),
		setFaults: (f) => void (faults.config = { ...f }),
		configureBot: (b) => bot.settings.configure(b),
		advanceClock: (ms) => clock.advance(ms),
		now: clock.now,
		inbound: (msg) => bot.inbound(msg),
		seed: (input) => store.seed(input, bot.settings.id),
		waitForIdle: () => bot.idle(),
		reset: core.reset,
	};
}

/** The emulator's parts, wired together; the profile, faults and bot settings survive reset(). */
function compose(opts: EmulatorOptions): Core {
	const profile = checkProfile(opts.profile ?? 'full');
	const clock = new Clock();
	// one seeded sequence for faults and redeliveries, so a run repeats
	const random = prng(opts.seed ?? 1);
	const store = new Store(clock);
	const faults = new Faults(opts.faults ?? {}, store, random);
	const core: Core = {
		apiKey: opts.apiKey ?? randomBytes(16).toString('hex'),
		profile,
		clock,
		store,
		faults,
		bot: new Bot(new BotSettings(opts.bot), store, clock, random, () => core.profile),
		reset: () => {
			store.reset();
			faults.reset();
			clock.reset();
		},
	};
	return core;
}

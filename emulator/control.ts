/** The emulator's own control API under /_emulator/ (no auth): state, inbound messages, seeding, clock, config. */
import { HttpError, notFound } from './errors';
import { checkProfile } from './profile';
import { findRoute, route, type Request, type Route } from './router';
import type { InboundInput, SeedInput } from './schemas';
import type { BotConfig, Core, FaultConfig } from './types';

export const CONTROL_ROUTES: readonly Route[] = [
	route('POST', '/_emulator/reset', (c) => (c.reset(), { ok: true })),
	route('GET', '/_emulator/state', state),
	route('GET', '/_emulator/requests', (c) => ({ requests: c.store.state.requests })),
	route('POST', '/_emulator/inbound', (c, r) => c.bot.inbound(r.body as InboundInput)),
	route('POST', '/_emulator/seed', (c, r) => {
		const { created, conversationIds } = c.store.seed(r.body as SeedInput, c.bot.settings.id);
		// ids only for small seeds: 100,000 ids would make a 4 MB answer
		return created <= 1000 ? { created, conversationIds } : { created };
	}),
	route('POST', '/_emulator/clock', (c, r) => {
		const ms = Number((r.body as { advanceMs?: unknown })?.advanceMs);
		if (!Number.isFinite(ms)) throw new HttpError(400, 'advanceMs must be a number');
		c.clock.advance(ms);
		return { now: c.clock.ts() };
	}),
	route('PUT', '/_emulator/config', config),
];

export function handleControl(core: Core, r: Omit<Request, 'params'>): unknown {
	const found = findRoute(CONTROL_ROUTES, r.method, r.path);
	if (!found) throw notFound('Unknown control endpoint');
	return found.handler(core, { ...r, params: found.params });
}

function state(c: Core) {
	const s = c.store.state;
	return {
		conversations: [...s.conversations.values()],
		messages: Object.fromEntries(s.messages),
		metadata: Object.fromEntries(s.metadata),
		deliveries: s.deliveries,
		faultsInjected: s.faultsInjected,
		bot: { url: c.bot.settings.url ?? null, agentId: c.bot.settings.id },
		profile: c.profile,
	};
}

/** PUT /_emulator/config {bot, faults, profile}: a bad profile is refused first and changes nothing. */
function config(c: Core, r: Request) {
	const b = (r.body ?? {}) as { bot?: BotConfig; faults?: FaultConfig; profile?: unknown };
	const next = b.profile === undefined ? c.profile : checkProfile(b.profile);
	if (b.bot) c.bot.settings.configure(b.bot);
	if (b.faults) c.faults.config = { ...b.faults };
	c.profile = next;
	return { bot: c.bot.settings.configView(), faults: c.faults.config, profile: c.profile };
}

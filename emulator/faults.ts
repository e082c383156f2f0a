/**
 * Faults injected around an API handler, as a gateway in front of Infobip would cause them: a per-key rate limit
 * (on arrival), latency, 429 and 500 shares, and dropped connections before or after the handler ran. Decided by
 * the seeded PRNG, so runs repeat; every injected fault is counted in state.faultsInjected.
 */
import { generalError, tooManyRequests } from './errors';
import type { Store } from './store';
import type { FaultConfig } from './types';

/** The connection is to be dropped without an answer. */
export const DROPPED = Symbol('dropped');

export class Faults {
	config: FaultConfig;
	/** accepted request times per API key in the last second (rateLimitPerSecond), oldest first */
	private readonly windows = new Map<string, number[]>();

	constructor(
		initial: FaultConfig,
		private readonly store: Store,
		private readonly random: () => number,
	) {
		this.config = { ...initial };
	}

	reset() {
		this.windows.clear();
	}

	/**
	 * Runs `handler` for a request of API key `key` that arrived at `arrivedAt` (epoch ms), with the faults
	 * configured now: its answer, DROPPED, or a thrown 429/500.
	 */
	async around<T>(key: string, arrivedAt: number, handler: () => T | Promise<T>): Promise<T | typeof DROPPED> {
		// the rate limit is checked on arrival, like an API gateway: a refused request is answered at once
		const limit = this.config.rateLimitPerSecond;
		if (limit && limit > 0) {
			const retryAfter = this.rateLimited(key, limit, arrivedAt);
			if (retryAfter !== undefined) {
				this.store.countFault('rateLimited');
				throw tooManyRequests(retryAfter);
			}
		}
		const latency = (this.config.latencyMs ?? 0) + (this.config.latencyJitterMs ? this.random() * this.config.latencyJitterMs : 0);
		if (latency > 0) await new Promise((r) => setTimeout(r, latency));
		if (this.strikes('dropRate', 'drop')) return DROPPED;
		if (this.strikes('rateLimitRate', 'rateLimit')) throw tooManyRequests(this.config.retryAfterSeconds ?? 1);
		if (this.strikes('errorRate', 'error')) throw generalError();
		const answer = await handler();
		if (this.strikes('dropResponseRate', 'dropResponse')) return DROPPED;
		return answer;
	}

	/** Whether the fault with this share strikes now (counted as `kind`). */
	private strikes(share: 'dropRate' | 'rateLimitRate' | 'errorRate' | 'dropResponseRate', kind: string): boolean {
		const rate = this.config[share];
		if (!rate || !(this.random() < rate)) return false;
		this.store.countFault(kind);
		return true;
	}

	/** Sliding 1-second window: undefined when the request may pass (and is counted), else the Retry-After in seconds. */
	private rateLimited(key: string, limit: number, at: number): number | undefined {
		let times = this.windows.get(key);
		if (!times) this.windows.set(key, (times = []));
		let expired = 0;
		while (expired < times.length && times[expired] <= at - 1000) expired++;
		if (expired) times.splice(0, expired);
		if (times.length >= limit) return Math.max(1, Math.ceil((times[0] + 1000 - at) / 1000));
		times.push(at);
		return undefined;
	}
}

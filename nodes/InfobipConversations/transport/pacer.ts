/**
 * "Max Requests per Second": paces every Conversations API call of ONE node execution.
 *
 * A token bucket holding one token (GCRA): each call takes the next free start slot, slots are evenly spaced,
 * and calls get them in the order they ask, whatever the concurrency; a late wake-up moves the later slots. Retries and reconcile lookups take slots
 * too. Slots are spaced 5 % wider than 1/limit: a server counting requests in a sliding or fixed 1-second
 * window sees them a little earlier or later than they were sent (network and event-loop jitter), and exact
 * spacing would now and then put limit + 1 requests into one of its windows.
 *
 * The pacer of an execution is kept against the execution's context object (a WeakMap entry that goes away with
 * the context): nothing is shared between executions, workers or nodes, so several executions running at the
 * same time each keep to the limit on their own (set it per workflow accordingly).
 */
import { sleep } from './sleep';

/** Slots are this much wider than 1000 / limit ms. */
export const PACING_MARGIN = 1.05;
/** The highest value the option accepts. */
export const MAX_REQUESTS_PER_SECOND = 10_000;

/** Time between two request starts at `perSecond` (with the margin). */
export function pacingIntervalMs(perSecond: number): number {
	return (1000 / perSecond) * PACING_MARGIN;
}

export interface PacerClock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

const realClock: PacerClock = { now: () => performance.now(), sleep: async (ms) => await sleep(ms) };

export class RequestPacer {
	readonly intervalMs: number;
	private lastSlot = Number.NEGATIVE_INFINITY;
	private queue: Promise<void> = Promise.resolve();

	constructor(
		readonly perSecond: number,
		private readonly clock: PacerClock = realClock,
	) {
		this.intervalMs = pacingIntervalMs(perSecond);
	}

	/**
	 * Resolves at this call's start slot (at once when the previous slot is far enough in the past). Calls take their
	 * slots one after another, and a slot is never earlier than the moment its call actually woke up: when a timer
	 * fires late (a busy event loop), the following slots move with it instead of bunching up behind it.
	 */
	async take(): Promise<void> {
		const turn = this.queue.then(async () => {
			const wait = this.lastSlot + this.intervalMs - this.clock.now();
			if (wait > 0) await this.clock.sleep(wait);
			this.lastSlot = Math.max(this.clock.now(), this.lastSlot + this.intervalMs);
		});
		this.queue = turn.catch(() => undefined);
		await turn;
	}
}

const pacers = new WeakMap<object, RequestPacer>();

/** Starts pacing the calls made with this execution context; 0 (or less) means no limit. */
export function startPacing(ctx: object, perSecond: number, clock?: PacerClock): RequestPacer | undefined {
	if (!(perSecond > 0)) {
		pacers.delete(ctx);
		return undefined;
	}
	const pacer = new RequestPacer(perSecond, clock);
	pacers.set(ctx, pacer);
	return pacer;
}

/** The pacer of this execution context, if its node has a limit. */
export function pacerOf(ctx: object): RequestPacer | undefined {
	return pacers.get(ctx);
}

/**
 * Pure pieces of Conversation → Sweep Idle Sessions: the server clock, idleness, the claim format,
 * the paging walk that stays correct while the sweep removes conversations from the listed set,
 * and a bounded-concurrency map. No I/O here, so each piece is unit-tested on its own.
 */
import { parseInfobipTime } from '../../shared/infobip';

export { formatInfobipTime, parseInfobipTime } from '../../shared/infobip';

/**
 * "Now" as the API server sees it, from the `Date` headers of its responses (the sweep must not trust the
 * clock of the n8n worker). `Date` has whole seconds and is truncated, so the estimate keeps the largest
 * offset seen: it is at most ~1 s behind the server, which can only make the sweep act later, never early.
 * Without any `Date` header (some proxies strip it) it falls back to the local clock.
 */
export class ServerClock {
	private offset: number | undefined;

	constructor(private readonly local: () => number = Date.now) {}

	observe(dateHeader: unknown, receivedAt = this.local()): void {
		const value = Array.isArray(dateHeader) ? dateHeader[0] : dateHeader;
		if (typeof value !== 'string') return;
		const server = Date.parse(value);
		if (!Number.isFinite(server)) return;
		const offset = server - receivedAt;
		if (this.offset === undefined || offset > this.offset) this.offset = offset;
	}

	now(): number {
		return this.local() + (this.offset ?? 0);
	}

	get source(): 'server' | 'local' {
		return this.offset === undefined ? 'local' : 'server';
	}
}

export interface LastActivity {
	/** ms since epoch of the last message (or of the conversation's creation when it has none) */
	at: number;
	idleMs: number;
}

/** Idle time from the last message (any direction), else from the conversation's creation. */
export function lastActivity(
	lastMessage: { createdAt?: unknown } | undefined,
	conversation: { createdAt?: unknown; updatedAt?: unknown },
	nowMs: number,
): LastActivity | undefined {
	const at = parseInfobipTime(lastMessage?.createdAt) ?? parseInfobipTime(conversation.createdAt);
	if (at === undefined) return undefined;
	return { at, idleMs: nowMs - at };
}

// ---- claims (timing-based mutual exclusion on conversation metadata) ----

const CLAIM = /^([A-Za-z0-9_.:-]{1,80})@(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z)$/;

/** Our claim value: `<runId>@<ISO server time>`. */
export function formatClaim(runId: string, atMs: number): string {
	return `${runId}@${new Date(atMs).toISOString()}`;
}

const RECORD = / by n8n idle sweep at (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z) .*\(run ([A-Za-z0-9_.:-]{1,80})\)$/;

/**
 * Who holds the conversation and since when: our claim value, or the record a sweep writes after acting
 * (a fresh record blocks other runs like a claim does). Undefined for anything else.
 */
export function parseClaim(value: unknown): { runId: string; at: number } | undefined {
	if (typeof value !== 'string') return undefined;
	const claim = CLAIM.exec(value);
	const record = claim ? undefined : RECORD.exec(value);
	const runId = claim ? claim[1] : record?.[2];
	const at = Date.parse((claim ? claim[2] : record?.[1]) ?? '');
	return runId && Number.isFinite(at) ? { runId, at } : undefined;
}

/** A claim (or record) of another run blocks while younger than ttlMs (a claim left by a crashed run expires). */
export function isForeignFreshClaim(value: unknown, runId: string, nowMs: number, ttlMs: number): boolean {
	const claim = parseClaim(value);
	return claim !== undefined && claim.runId !== runId && nowMs - claim.at < ttlMs;
}

export type SweepAction = 'close' | 'route' | 'assign' | 'report';

const DONE: Record<Exclude<SweepAction, 'report'>, string> = {
	close: 'Closed',
	route: 'Routed to agents',
	assign: 'Assigned to agent',
};

/** What agents see in the metadata after the sweep acted, e.g. "Closed by n8n idle sweep at … after 42 min idle (run …)". */
export function describeOutcome(
	action: Exclude<SweepAction, 'report'>,
	atMs: number,
	idleMinutes: number,
	runId: string,
	assignee?: string,
): string {
	const what = action === 'assign' && assignee ? `${DONE.assign} ${assignee}` : DONE[action];
	return `${what} by n8n idle sweep at ${new Date(atMs).toISOString()} after ${idleMinutes} min idle (run ${runId})`;
}

// ---- paging while mutating ----

export interface WalkOptions<T extends { id: string }> {
	/** One page of the list, and the list's current total when the server tells it. */
	fetchPage(page: number): Promise<{ items: T[]; totalItems?: number }>;
	pageSize: number;
	/**
	 * True when processing removes conversations from the listed set (close/route/assign). Then a page is
	 * read again after processing, because removals shift later conversations onto it.
	 */
	mutating: boolean;
	/** Processes new items; answers the ids that are still in the listed set afterwards (skipped, failed …). */
	process(items: T[]): Promise<Iterable<string>>;
	/** Stop early (e.g. the per-run maximum is reached). */
	shouldStop(): boolean;
}

export interface WalkResult {
	pageReads: number;
	/** The loop guard stopped the walk (a bug or a server that reorders pages on every read). */
	guardTripped: boolean;
}

/**
 * Walks a filtered, ordered list page by page.
 *
 * Read-only: plain page++.
 * Mutating: removing conversations shifts the later ones to lower offsets, so plain page++ would skip them.
 * Instead the same page is read again after processing; items already handled in this run that stay in the
 * set (`kept`) are ignored, and the page advances only when it holds nothing new. Invariant: every
 * conversation before the current page was handled in this run. Memory: one page plus `kept` (only
 * conversations that stay in the set: skipped, failed, not idle) plus the ids of the last batch.
 * An id processed in the last batch that should have left but is read again is moved to `kept`, so nothing
 * is processed twice; every read either processes something new or advances the page, and a guard bounds
 * the reads anyway.
 */
export async function walkPages<T extends { id: string }>(opts: WalkOptions<T>): Promise<WalkResult> {
	const kept = new Set<string>();
	let lastBatch = new Set<string>();
	let page = 0;
	let pageReads = 0;
	let processed = 0;
	for (;;) {
		if (opts.shouldStop()) return { pageReads, guardTripped: false };
		// every read processes ≥ 1 new item or advances the page: reads ≤ processed + pages + 1
		if (pageReads > 2 * processed + 2 * page + 10) return { pageReads, guardTripped: true };
		const { items, totalItems } = await opts.fetchPage(page);
		pageReads++;
		let fresh = items;
		if (opts.mutating) {
			fresh = [];
			for (const item of items) {
				if (kept.has(item.id)) continue;
				if (lastBatch.has(item.id)) kept.add(item.id);
				else fresh.push(item);
			}
		}
		if (fresh.length) {
			const stay = new Set(await opts.process(fresh));
			processed += fresh.length;
			if (opts.mutating) {
				lastBatch = new Set();
				for (const item of fresh) {
					if (stay.has(item.id)) kept.add(item.id);
					else lastBatch.add(item.id);
				}
				continue;
			}
		}
		const last = items.length < opts.pageSize || (totalItems !== undefined && (page + 1) * opts.pageSize >= totalItems);
		if (last) return { pageReads, guardTripped: false };
		page++;
	}
}

/** Maps with at most `concurrency` calls at once; results in input order. */
export async function mapBounded<T, R>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await fn(items[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
	return results;
}

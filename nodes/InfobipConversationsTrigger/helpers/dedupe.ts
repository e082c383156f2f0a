import { createHash } from 'node:crypto';

/**
 * Remembers which message ids the trigger has already accepted, in n8n's workflow static data (node scope),
 * so a redelivered message starts no second execution — across restarts and across n8n processes, because
 * n8n loads the static data from its database for every webhook call and saves it before answering.
 *
 * The store is written to the database on every accepted message, so it is kept small and bounded:
 * - one string per message: a 12-character key (the first 72 bits of SHA-256 of the message id, base64url)
 *   followed by the time it was accepted (Unix seconds, base 36) — about 20 bytes in JSON;
 * - entries older than the window (TTL) are dropped and at most `maxEntries` are kept (oldest dropped first),
 *   pruned whenever a message is recorded.
 * A 72-bit key makes a false "duplicate" between two different ids practically impossible (≈ n²/2⁷³).
 */
export const STORE_KEY = 'dedupe';
export const STORE_VERSION = 1;
export const KEY_LENGTH = 12;

export interface DedupeOptions {
	/** How long an accepted id is remembered, in ms. 0 turns deduplication off. */
	ttlMs: number;
	/** The most ids remembered; the oldest are forgotten first. */
	maxEntries: number;
}

export interface DedupeStore {
	v: typeof STORE_VERSION;
	entries: string[];
}

export type DedupeDecision =
	| { duplicate: true; firstSeenAt: number }
	| { duplicate: false; store: DedupeStore | undefined };

export function messageKey(messageId: string): string {
	return createHash('sha256').update(messageId, 'utf8').digest('base64url').slice(0, KEY_LENGTH);
}

/** The entries of a stored value; anything that is not this module's store (old or corrupt data) reads as empty. */
export function readEntries(stored: unknown): string[] {
	if (!stored || typeof stored !== 'object') return [];
	const { v, entries } = stored as Partial<DedupeStore>;
	if (v !== STORE_VERSION || !Array.isArray(entries)) return [];
	return entries.filter((e): e is string => typeof e === 'string' && e.length > KEY_LENGTH);
}

const entryTime = (entry: string) => parseInt(entry.slice(KEY_LENGTH), 36);

/**
 * Decides whether `messageId` was already accepted within the window and, if not, returns the store to save
 * (pruned, with this id appended). A duplicate changes nothing, so it costs no database write.
 *
 * `alsoAccepted` are entries known to be accepted but possibly missing from `stored` (see acceptedInProcess):
 * they count for the decision and are merged into the store, oldest first.
 */
export function checkAndRecord(
	stored: unknown,
	messageId: string,
	nowMs: number,
	options: DedupeOptions,
	alsoAccepted: readonly string[] = [],
): DedupeDecision {
	if (options.ttlMs <= 0) return { duplicate: false, store: undefined };
	const key = messageKey(messageId);
	const now = Math.floor(nowMs / 1000);
	const cutoff = now - Math.ceil(options.ttlMs / 1000);
	const kept: string[] = [];
	const seen = new Set<string>();
	let unordered = false;
	for (const list of [readEntries(stored), alsoAccepted]) {
		for (const entry of list) {
			const at = entryTime(entry);
			if (!Number.isFinite(at) || at <= cutoff) continue;
			if (entry.startsWith(key)) return { duplicate: true, firstSeenAt: at * 1000 };
			const k = entry.slice(0, KEY_LENGTH);
			if (seen.has(k)) continue;
			seen.add(k);
			if (kept.length && entryTime(kept[kept.length - 1]) > at) unordered = true;
			kept.push(entry);
		}
	}
	// stable: entries of the same second keep their order
	if (unordered) kept.sort((a, b) => entryTime(a) - entryTime(b));
	kept.push(key + now.toString(36));
	const max = Math.max(1, Math.floor(options.maxEntries));
	return { duplicate: false, store: { v: STORE_VERSION, entries: kept.length > max ? kept.slice(kept.length - max) : kept } };
}

/**
 * Ids this n8n process accepted recently, per workflow and trigger node.
 *
 * Why: n8n loads a workflow's static data when a webhook call starts and saves all of it when the node has
 * answered. Two calls that overlap each save their own copy, and the later save drops the id the earlier one
 * recorded (n8n 1.123 and 2.40 alike; measured in real n8n: of 600 ids accepted while 100 customers wrote at once,
 * 18 were left in the database, so almost every redelivery ran a second time). Keeping the ids this process
 * accepted and merging them into every store it saves, and into every duplicate check, closes that gap for all
 * calls handled by one n8n process — a regular n8n, or the main process of queue mode, which serves all webhooks.
 *
 * This is a merge buffer of records that are also in the database (or on their way there), not a second source of
 * truth: restarts and other processes rely on the database as before. Bounded like the store (window and
 * Max Remembered Message IDs per trigger node, at most MAX_SCOPES trigger nodes).
 */
const MAX_SCOPES = 200;
const acceptedByScope = new Map<string, string[]>();

/** Entries this process accepted for the trigger node `scope` (workflow id + node id), oldest first. */
export function acceptedInProcess(scope: string): readonly string[] {
	return acceptedByScope.get(scope) ?? [];
}

/** Remembers an accepted store entry (the last one of the store checkAndRecord returned) for `scope`. */
export function rememberAccepted(scope: string, entry: string, nowMs: number, options: DedupeOptions): void {
	if (options.ttlMs <= 0) return;
	const cutoff = Math.floor(nowMs / 1000) - Math.ceil(options.ttlMs / 1000);
	const max = Math.max(1, Math.floor(options.maxEntries));
	const list = (acceptedByScope.get(scope) ?? []).filter((e) => entryTime(e) > cutoff);
	list.push(entry);
	if (list.length > max) list.splice(0, list.length - max);
	acceptedByScope.delete(scope); // re-insert: the Map keeps the most recently used scopes last
	acceptedByScope.set(scope, list);
	if (acceptedByScope.size > MAX_SCOPES) acceptedByScope.delete(acceptedByScope.keys().next().value as string);
}

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
 */
export function checkAndRecord(stored: unknown, messageId: string, nowMs: number, options: DedupeOptions): DedupeDecision {
	if (options.ttlMs <= 0) return { duplicate: false, store: undefined };
	const key = messageKey(messageId);
	const now = Math.floor(nowMs / 1000);
	const cutoff = now - Math.ceil(options.ttlMs / 1000);
	const kept: string[] = [];
	for (const entry of readEntries(stored)) {
		const at = entryTime(entry);
		if (!Number.isFinite(at) || at <= cutoff) continue;
		if (entry.startsWith(key)) return { duplicate: true, firstSeenAt: at * 1000 };
		kept.push(entry);
	}
	kept.push(key + now.toString(36));
	const max = Math.max(1, Math.floor(options.maxEntries));
	return { duplicate: false, store: { v: STORE_VERSION, entries: kept.length > max ? kept.slice(kept.length - max) : kept } };
}

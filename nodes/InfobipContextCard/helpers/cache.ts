/**
 * A small response cache kept in n8n's workflow static data ('node' scope), so it survives between executions
 * and is shared by all workers (n8n persists static data after production executions, i.e. those started by a
 * trigger or webhook; a manual run in the editor starts from the saved data and does not save it back).
 * Pure: the store is a plain object and `now` is passed in.
 */
import { createHash } from 'node:crypto';

export interface CacheEntry {
	/** epoch ms */
	storedAt: number;
	expiresAt: number;
	status: number;
	response: unknown;
	/** size of the serialized entry, in characters */
	size: number;
}

export type CacheStore = Record<string, CacheEntry>;

export interface CacheLimits {
	maxEntries: number;
	/** entries larger than this (serialized characters) are not stored */
	maxEntryChars: number;
}

export const DEFAULT_CACHE_LIMITS: CacheLimits = { maxEntries: 50, maxEntryChars: 64 * 1024 };

export interface CacheKeyParts {
	method: string;
	url: string;
	/** the node's own headers (never credential headers, which are added by n8n) */
	headers: Record<string, string>;
	body?: string;
	credentialType?: string;
	credentialId?: string;
	responseFormat: string;
}

/** A hash of the rendered request, so header values and URLs are not stored in clear in the workflow. */
export function cacheKey(parts: CacheKeyParts): string {
	const headers = Object.entries(parts.headers)
		.map(([k, v]) => [k.toLowerCase(), v])
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	const canonical = JSON.stringify([
		parts.method.toUpperCase(),
		parts.url,
		headers,
		parts.body ?? null,
		parts.credentialType ?? null,
		parts.credentialId ?? null,
		parts.responseFormat,
	]);
	return createHash('sha256').update(canonical).digest('hex');
}

function isEntry(value: unknown): value is CacheEntry {
	const v = value as CacheEntry;
	return !!v && typeof v === 'object' && typeof v.expiresAt === 'number' && typeof v.storedAt === 'number';
}

/** Removes expired (and malformed) entries. */
export function pruneExpired(store: CacheStore, now: number): void {
	for (const [key, entry] of Object.entries(store)) {
		if (!isEntry(entry) || entry.expiresAt <= now) delete store[key];
	}
}

export function cacheGet(store: CacheStore, key: string, now: number): CacheEntry | undefined {
	const entry = store[key];
	if (!entry) return undefined;
	if (!isEntry(entry) || entry.expiresAt <= now) {
		delete store[key];
		return undefined;
	}
	return entry;
}

/**
 * Stores a response for `ttlMs`. Evicts expired entries first, then the oldest, to stay within `maxEntries`.
 * Returns false (and stores nothing) when the entry is larger than `maxEntryChars`.
 */
export function cachePut(
	store: CacheStore,
	key: string,
	value: { status: number; response: unknown },
	ttlMs: number,
	now: number,
	limits: CacheLimits = DEFAULT_CACHE_LIMITS,
): boolean {
	if (ttlMs <= 0 || limits.maxEntries <= 0) return false;
	const size = JSON.stringify(value.response ?? null).length;
	if (size > limits.maxEntryChars) return false;
	pruneExpired(store, now);
	delete store[key];
	const keys = Object.keys(store).sort((a, b) => store[a].storedAt - store[b].storedAt);
	while (keys.length >= limits.maxEntries) delete store[keys.shift() as string];
	store[key] = { storedAt: now, expiresAt: now + ttlMs, status: value.status, response: value.response, size };
	return true;
}

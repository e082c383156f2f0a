import { createHash, timingSafeEqual } from 'node:crypto';
import type { HeaderMap } from './http';

import { DEFAULT_HEADER_NAME, headerValue } from './headerAuth';

/**
 * The expected header of a webhook credential, remembered for a short while so a webhook call does not have to
 * load the credential every time.
 *
 * Why: in a webhook, every `getCredentials()` goes through n8n's credentials helper, which reads the credential
 * from the database, decrypts it, builds a throw-away workflow and takes a fresh expression isolate — per message,
 * the most expensive step of the trigger. What is remembered is only a SHA-256 digest of the expected value (never
 * the secret), the header name and when it was loaded, per credential id, for at most `ttlMs` (default 60 s).
 *
 * A request whose header matches a fresh entry is accepted without loading. Anything else — no entry, an entry
 * past its time, or a header that does not match — loads the credential (concurrent loads of one credential are
 * shared) and decides on what was loaded, so a rotated secret works at once; only a removed or changed old value
 * can still be accepted, for at most `ttlMs`. Each n8n process keeps its own entries (a cache of what the
 * database holds, not a second source of truth).
 */

export const CREDENTIAL_CACHE_TTL_MS = 60_000;
/** At most this many credentials are remembered per process (the oldest are forgotten first). */
const MAX_ENTRIES = 500;

interface Entry {
	headerName: string;
	digest: Buffer;
	loadedAt: number;
}

export interface LoadedHeader {
	headerName: string;
	/** The expected value; empty means "not configured" (never cached, never matches). */
	expected: string;
}

export type HeaderCheck =
	| { result: 'accepted'; source: 'cache' | 'credential'; headerName: string }
	| { result: 'refused'; headerName: string }
	| { result: 'notConfigured' };

const entries = new Map<string, Entry>();
const loading = new Map<string, Promise<LoadedHeader>>();

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

function matches(headers: HeaderMap, headerName: string, digest: Buffer): boolean {
	const actual = headerValue(headers, headerName || DEFAULT_HEADER_NAME);
	return actual !== undefined && timingSafeEqual(sha256(actual), digest);
}

/** Loads the credential once for all concurrent callers of the same key. */
async function loadShared(key: string, load: () => Promise<LoadedHeader>): Promise<LoadedHeader> {
	const running = loading.get(key);
	if (running) return await running;
	const promise = load().finally(() => loading.delete(key));
	loading.set(key, promise);
	return await promise;
}

/**
 * Checks the request's header against the credential `key` (e.g. credential type + id). `load` reads the
 * credential; its errors propagate (the caller decides, e.g. 503). `ttlMs` 0 loads every time.
 */
export async function checkHeaderCached(
	key: string | undefined,
	headers: HeaderMap,
	load: () => Promise<LoadedHeader>,
	ttlMs = CREDENTIAL_CACHE_TTL_MS,
	now: () => number = Date.now,
): Promise<HeaderCheck> {
	const cached = key && ttlMs > 0 ? entries.get(key) : undefined;
	if (cached && now() - cached.loadedAt < ttlMs && matches(headers, cached.headerName, cached.digest)) {
		return { result: 'accepted', source: 'cache', headerName: cached.headerName };
	}
	const loaded = key && ttlMs > 0 ? await loadShared(key, load) : await load();
	const headerName = String(loaded.headerName || DEFAULT_HEADER_NAME).trim();
	if (!loaded.expected) {
		if (key) entries.delete(key);
		return { result: 'notConfigured' };
	}
	const digest = sha256(loaded.expected);
	if (key && ttlMs > 0) {
		entries.delete(key); // re-insert: the Map keeps the most recently loaded last
		entries.set(key, { headerName, digest, loadedAt: now() });
		if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
	}
	return matches(headers, headerName, digest) ? { result: 'accepted', source: 'credential', headerName } : { result: 'refused', headerName };
}

/** Forgets every entry (tests). */
export function clearCredentialCache(): void {
	entries.clear();
	loading.clear();
}

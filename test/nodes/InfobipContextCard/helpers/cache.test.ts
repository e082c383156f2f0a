import { cacheGet, cacheKey, cachePut, pruneExpired, type CacheStore } from '../../../../nodes/InfobipContextCard/helpers/cache';

describe('response cache (static data)', () => {
	const limits = { maxEntries: 3, maxEntryChars: 100 };

	it('keys on method, URL, headers (case-insensitive order), body, credential and format', () => {
		const base = { method: 'GET', url: 'https://a/x', headers: { A: '1', b: '2' }, responseFormat: 'auto' };
		const k = cacheKey(base);
		expect(k).toMatch(/^[0-9a-f]{64}$/);
		expect(cacheKey({ ...base, headers: { b: '2', a: '1' } })).toBe(k);
		for (const change of [
			{ method: 'POST' },
			{ url: 'https://a/y' },
			{ headers: { A: '1', b: '3' } },
			{ body: '{}' },
			{ credentialType: 'httpHeaderAuth' },
			{ credentialType: 'httpHeaderAuth', credentialId: '2' },
			{ responseFormat: 'text' },
		]) {
			expect(cacheKey({ ...base, ...change })).not.toBe(k);
		}
	});

	it('hit before expiry, miss after; expired entries are removed', () => {
		const store: CacheStore = {};
		expect(cachePut(store, 'k', { status: 200, response: { a: 1 } }, 1000, 10_000, limits)).toBe(true);
		expect(cacheGet(store, 'k', 10_999)).toMatchObject({ status: 200, response: { a: 1 }, storedAt: 10_000, expiresAt: 11_000 });
		expect(cacheGet(store, 'k', 11_000)).toBeUndefined();
		expect(store).toEqual({});
	});

	it('evicts expired entries first, then the oldest, and skips large responses', () => {
		const store: CacheStore = {};
		cachePut(store, 'old', { status: 200, response: 1 }, 100, 0, limits);
		cachePut(store, 'a', { status: 200, response: 2 }, 10_000, 10, limits);
		cachePut(store, 'b', { status: 200, response: 3 }, 10_000, 20, limits);
		cachePut(store, 'c', { status: 200, response: 4 }, 10_000, 200, limits); // 'old' expired at 100
		expect(Object.keys(store).sort()).toEqual(['a', 'b', 'c']);
		cachePut(store, 'd', { status: 200, response: 5 }, 10_000, 300, limits); // full: evicts oldest 'a'
		expect(Object.keys(store).sort()).toEqual(['b', 'c', 'd']);
		expect(cachePut(store, 'e', { status: 200, response: 'x'.repeat(200) }, 10_000, 400, limits)).toBe(false);
		expect(store.e).toBeUndefined();
		expect(cachePut(store, 'f', { status: 200, response: 1 }, 0, 400, limits)).toBe(false);
		store.junk = 'not an entry' as never;
		pruneExpired(store, 500);
		expect(store.junk).toBeUndefined();
	});
});

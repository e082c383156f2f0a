import { KEY_LENGTH, STORE_VERSION, checkAndRecord, messageKey, readEntries } from '../../../../nodes/InfobipConversationsTrigger/helpers/dedupe';
import { DEFAULTS } from '../../../../nodes/InfobipConversationsTrigger/helpers/item';

describe('checkAndRecord (dedupe store)', () => {
	const opts = { ttlMs: 24 * 3600 * 1000, maxEntries: 5 };
	const t0 = Date.UTC(2024, 4, 1, 10, 0, 0);

	it('records a new id compactly and reports it as duplicate afterwards', () => {
		const first = checkAndRecord(undefined, 'msg-1', t0, opts);
		expect(first.duplicate).toBe(false);
		const store = !first.duplicate ? first.store! : undefined;
		expect(store).toEqual({ v: STORE_VERSION, entries: [messageKey('msg-1') + Math.floor(t0 / 1000).toString(36)] });
		expect(store!.entries[0]).toHaveLength(KEY_LENGTH + 6);
		expect(JSON.stringify(store)).not.toContain('msg-1');
		const again = checkAndRecord(JSON.parse(JSON.stringify(store)), 'msg-1', t0 + 60_000, opts);
		expect(again).toEqual({ duplicate: true, firstSeenAt: Math.floor(t0 / 1000) * 1000 });
	});

	it('forgets ids after the window (TTL)', () => {
		const { store } = checkAndRecord(undefined, 'msg-1', t0, opts) as { store: unknown };
		expect(checkAndRecord(store, 'msg-1', t0 + opts.ttlMs - 1000, opts).duplicate).toBe(true);
		const later = checkAndRecord(store, 'msg-1', t0 + opts.ttlMs, opts);
		expect(later.duplicate).toBe(false);
		// expired entries are pruned when writing
		expect(!later.duplicate && later.store!.entries).toHaveLength(1);
	});

	it('keeps at most maxEntries, dropping the oldest first', () => {
		let store: unknown;
		for (let i = 1; i <= 7; i++) {
			const d = checkAndRecord(store, `msg-${i}`, t0 + i * 1000, opts);
			store = !d.duplicate && d.store;
		}
		expect(readEntries(store)).toHaveLength(5);
		expect(checkAndRecord(store, 'msg-1', t0 + 10_000, opts).duplicate).toBe(false); // dropped
		expect(checkAndRecord(store, 'msg-2', t0 + 10_000, opts).duplicate).toBe(false); // dropped
		expect(checkAndRecord(store, 'msg-3', t0 + 10_000, opts).duplicate).toBe(true);
		expect(checkAndRecord(store, 'msg-7', t0 + 10_000, opts).duplicate).toBe(true);
	});

	it('treats corrupt or foreign stored data as empty instead of failing', () => {
		for (const stored of [null, 'x', 42, { v: 99, entries: ['abc'] }, { v: 1, entries: 'nope' }, { v: 1, entries: [1, null, 'short'] }]) {
			expect(checkAndRecord(stored, 'msg-1', t0, opts)).toEqual({ duplicate: false, store: { v: 1, entries: [expect.any(String)] } });
		}
	});

	it('is off with a window of 0: nothing is recorded', () => {
		expect(checkAndRecord(undefined, 'm', t0, { ttlMs: 0, maxEntries: 5 })).toEqual({ duplicate: false, store: undefined });
	});

	it('stays small at the default cap: 5000 ids are about 100 KB of JSON', () => {
		const options = { ttlMs: DEFAULTS.dedupeWindowHours * 3600_000, maxEntries: DEFAULTS.dedupeMaxEntries };
		const at = Math.floor(t0 / 1000).toString(36);
		const full = { v: 1, entries: Array.from({ length: 5000 }, (_, i) => messageKey(`0f8fad5b-d9cb-469f-a165-7086772${i}`) + at) };
		const d = checkAndRecord(JSON.parse(JSON.stringify(full)), 'one-more', t0 + 1000, options);
		const store = !d.duplicate && d.store;
		expect(readEntries(store)).toHaveLength(5000);
		expect(readEntries(store)[0]).toBe(full.entries[1]); // the oldest was dropped
		expect(JSON.stringify(store).length).toBeLessThan(5000 * 22);
	});
});

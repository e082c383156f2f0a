import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';

import { headerValue, verifyHeader } from '../../nodes/shared/webhook/headerAuth';
import { parseJson, readBody } from '../../nodes/shared/webhook/body';
import type { InboundRequest as BodySource } from '../../nodes/shared/webhook/http';
import { KEY_LENGTH, STORE_VERSION, checkAndRecord, messageKey, readEntries } from '../../nodes/InfobipConversationsTrigger/helpers/dedupe';
import { DEFAULTS, buildItem, ignoreReason, normalizeDestination, resolveSettings, splitList } from '../../nodes/InfobipConversationsTrigger/helpers/item';
import { normalizeMessage, type NormalizedMessage } from '../../nodes/InfobipConversationsTrigger/helpers/inbound';
import { parseStrictMessage } from '../../nodes/InfobipConversationsTrigger/helpers/payload';
import { InfobipConversationsTrigger } from '../../nodes/InfobipConversationsTrigger/InfobipConversationsTrigger.node';
import { inbound } from './fixtures';

/** A stream that looks like an IncomingMessage to readBody. */
function fakeRequest(headers: Record<string, string> = {}) {
	const stream = new PassThrough() as unknown as PassThrough & BodySource;
	Object.assign(stream, { headers, complete: false });
	stream.on('end', () => Object.assign(stream, { complete: true })); // as IncomingMessage does
	return stream;
}

describe('verifyHeader (constant-time header check)', () => {
	it('accepts exactly the expected value, header names case-insensitively', () => {
		expect(verifyHeader({ authorization: 'Bearer s3cret' }, 'Authorization', 'Bearer s3cret')).toBe(true);
		expect(verifyHeader({ 'x-bot-token': 'abc' }, 'X-Bot-Token', 'abc')).toBe(true);
	});
	it('rejects missing, wrong, wrong-length, prefix and differently-cased values', () => {
		expect(verifyHeader({}, 'Authorization', 'Bearer s3cret')).toBe(false);
		expect(verifyHeader({ authorization: 'Bearer s3creT' }, 'Authorization', 'Bearer s3cret')).toBe(false);
		expect(verifyHeader({ authorization: 'Bearer s3cret-and-more' }, 'Authorization', 'Bearer s3cret')).toBe(false);
		expect(verifyHeader({ authorization: 'Bearer' }, 'Authorization', 'Bearer s3cret')).toBe(false);
		expect(verifyHeader({ authorization: '' }, 'Authorization', 'Bearer s3cret')).toBe(false);
		expect(verifyHeader({ 'x-other': 'Bearer s3cret' }, 'Authorization', 'Bearer s3cret')).toBe(false);
	});
	it('never accepts when the expected value is empty', () => {
		expect(verifyHeader({ authorization: '' }, 'Authorization', '')).toBe(false);
	});
	it('falls back to Authorization when the credential has no header name', () => {
		expect(verifyHeader({ authorization: 'x' }, '', 'x')).toBe(true);
	});
	it('joins repeated header values like Node does', () => {
		expect(headerValue({ 'x-a': ['1', '2'] } as never, 'X-A')).toBe('1, 2');
	});
});

describe('readBody (size limit before and while reading)', () => {
	it('rejects on Content-Length before reading a byte', async () => {
		const req = fakeRequest({ 'content-length': '5000' });
		const result = await readBody(req, 1000);
		expect(result).toEqual({ kind: 'tooLarge', limit: 1000 });
		expect(req.readableFlowing).toBeNull(); // never started reading
	});

	it('stops reading a chunked body as soon as the limit is passed', async () => {
		const req = fakeRequest({ 'transfer-encoding': 'chunked' });
		const pending = readBody(req, 1000);
		req.write(Buffer.alloc(600));
		req.write(Buffer.alloc(600)); // 1200 > 1000
		const result = await pending;
		expect(result).toEqual({ kind: 'tooLarge', limit: 1000 });
		expect(req.listenerCount('data')).toBe(0);
		expect(req.readableFlowing).toBe(false); // paused: nothing more is pulled in
		req.write(Buffer.alloc(10_000));
		expect(req.readableLength).toBeGreaterThanOrEqual(10_000); // left unread, not buffered by readBody
	});

	it('returns the bytes of a body within the limit (exactly at the limit too)', async () => {
		const req = fakeRequest();
		const pending = readBody(req, 10);
		req.end(Buffer.from('0123456789'));
		expect(await pending).toEqual({ kind: 'raw', bytes: Buffer.from('0123456789') });
	});

	it('uses rawBody if n8n already buffered it, and still applies the limit', async () => {
		const req = fakeRequest();
		req.rawBody = Buffer.from('{"a":1}');
		expect(await readBody(req, 100)).toEqual({ kind: 'raw', bytes: Buffer.from('{"a":1}') });
		req.rawBody = Buffer.alloc(101);
		expect(await readBody(req, 100)).toEqual({ kind: 'tooLarge', limit: 100 });
	});

	it('uses an already parsed body when the stream was consumed', async () => {
		const req = fakeRequest();
		req.body = { a: 1 };
		req._body = true;
		expect(await readBody(req, 100)).toEqual({ kind: 'parsed', value: { a: 1 } });
		req.body = { pad: 'x'.repeat(200) };
		expect(await readBody(req, 100)).toEqual({ kind: 'tooLarge', limit: 100 });
	});

	it('decompresses gzip and limits the decompressed size (no zip bombs)', async () => {
		const small = fakeRequest({ 'content-encoding': 'gzip' });
		const p1 = readBody(small, 1000);
		small.end(gzipSync(Buffer.from('{"ok":true}')));
		const r1 = await p1;
		expect(r1.kind === 'raw' && r1.bytes.toString()).toBe('{"ok":true}');

		const bomb = fakeRequest({ 'content-encoding': 'gzip' });
		const p2 = readBody(bomb, 1000);
		bomb.end(gzipSync(Buffer.alloc(1_000_000))); // ~1 KB compressed, 1 MB inflated
		expect(await p2).toEqual({ kind: 'tooLarge', limit: 1000 });
	});

	it('answers 415 to an unknown Content-Encoding and 400 to a broken gzip stream', async () => {
		expect(await readBody(fakeRequest({ 'content-encoding': 'compress' }), 100)).toMatchObject({ kind: 'unreadable', status: 415 });
		const broken = fakeRequest({ 'content-encoding': 'gzip' });
		const pending = readBody(broken, 1000);
		broken.end(Buffer.from('not gzip at all'));
		expect(await pending).toMatchObject({ kind: 'unreadable', status: 400 });
	});
});

describe('parseJson', () => {
	it('parses UTF-8 JSON, ignoring a byte order mark', () => {
		expect(parseJson(Buffer.from('\ufeff{"a":"ü"}'))).toEqual({ ok: true, value: { a: 'ü' } });
	});
	it('reports malformed and empty bodies without quoting the body', () => {
		const bad = parseJson(Buffer.from('{"secretish": tru'));
		expect(bad.ok).toBe(false);
		expect(!bad.ok && bad.reason).toMatch(/^The request body is not valid JSON/);
		expect(!bad.ok && bad.reason).not.toContain('secretish');
		expect(parseJson(Buffer.from('  '))).toEqual({ ok: false, reason: expect.stringMatching(/empty/) });
	});
});

describe('parseStrictMessage (Strict Validation, zod)', () => {
	it('accepts an inbound message and keeps unknown extra fields', () => {
		const body = inbound({ singleSendMessage: { foo: 1 }, customerDisplayName: 'Ana' });
		const result = parseStrictMessage(body);
		expect(result.ok).toBe(true);
		expect(result.ok && result.value).toEqual({ message: expect.objectContaining({ id: 'msg-1' }), derived: [], deduplication: 'messageId', raw: body });
	});
	it.each([
		[inbound({ conversationId: undefined }), 'conversationId', 'conversationId is required'],
		[inbound({ id: '' }), 'id', 'id must not be empty'],
		[inbound({ from: 385911111111 }), 'from', 'from must be a string (got number)'],
		[inbound({ direction: 'OUTBOUND' }), 'direction', 'direction must be "INBOUND"; this trigger only accepts inbound customer messages'],
		[inbound({ content: 'hello' }), 'content', 'content must be an object (got string)'],
		[inbound({ content: ['hello'] }), 'content', 'content must be an object (got array)'],
		[inbound({ content: {} }), 'content.text', 'content.text must be a string for a TEXT message'],
		[inbound({ createdAt: undefined }), 'createdAt', 'createdAt is required'],
	])('rejects %#, naming the field', (body, field, reason) => {
		expect(parseStrictMessage(body)).toEqual({ ok: false, field, reason });
	});
	it('rejects bodies that are not one JSON object', () => {
		for (const body of [[inbound()], 'text', 42, null]) {
			expect(parseStrictMessage(body)).toEqual({ ok: false, field: '(body)', reason: expect.stringMatching(/must be a JSON object/) });
		}
	});
	it('accepts non-text content without content.text', () => {
		expect(parseStrictMessage(inbound({ contentType: 'IMAGE', content: { url: 'https://x/y.jpg' } })).ok).toBe(true);
	});
});

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

describe('settings, filters and the item', () => {
	const read = (body: unknown) => (normalizeMessage(body, Date.UTC(2024, 4, 1, 10, 0, 5)) as { value: NormalizedMessage }).value;
	const message = read(inbound({ extra: true }));

	it('applies defaults to an empty options collection', () => {
		expect(resolveSettings({})).toEqual({
			channels: [],
			destinations: [],
			includeNonText: true,
			maxBodyBytes: 256 * 1024,
			dedupeTtlMs: 24 * 3600 * 1000,
			dedupeMaxEntries: 5000,
			credentialCacheMs: 60_000,
			strictValidation: false,
		});
	});

	it('keeps the node description defaults in line with the helper defaults', () => {
		const collection = new InfobipConversationsTrigger().description.properties.find((p) => p.name === 'triggerOptions')!;
		const def = (name: string) => collection.options!.find((o) => 'name' in o && o.name === name) as { default: unknown };
		expect(def('maxBodySizeKb').default).toBe(DEFAULTS.maxBodySizeKb);
		expect(def('dedupeWindowHours').default).toBe(DEFAULTS.dedupeWindowHours);
		expect(def('dedupeMaxEntries').default).toBe(DEFAULTS.dedupeMaxEntries);
		expect(def('strictValidation').default).toBe(false);
	});

	it('splits lists and normalises destinations as people type them', () => {
		expect(splitList(' a, b ,\nc,,')).toEqual(['a', 'b', 'c']);
		expect(normalizeDestination('+44 7860-099 299')).toBe(normalizeDestination('447860099299'));
	});

	it('filters by channel, destination and content type', () => {
		expect(ignoreReason(message.message, resolveSettings({}))).toBeUndefined();
		expect(ignoreReason(message.message, resolveSettings({ channels: ['SMS', 'VIBER'] }))).toBe(
			"channel WHATSAPP is not one of the trigger's Channels (SMS, VIBER)",
		);
		expect(ignoreReason(message.message, resolveSettings({ channels: ['WHATSAPP'] }))).toBeUndefined();
		expect(ignoreReason(message.message, resolveSettings({ destinations: '+44 7860 099299, other-page' }))).toBeUndefined();
		expect(ignoreReason(message.message, resolveSettings({ destinations: '441111' }))).toBe(
			"destination 447860099299 is not one of the trigger's Destinations",
		);
		const image = read(inbound({ contentType: 'IMAGE', content: { url: 'https://x/y.jpg' } }));
		expect(ignoreReason(image.message, resolveSettings({ includeNonText: false }))).toMatch(/content type IMAGE is not text/);
		expect(ignoreReason(message.message, resolveSettings({ includeNonText: false }))).toBeUndefined();
	});

	it('ignores a message without channel or destination when those filters are set (it cannot match them)', () => {
		const bare = read({ conversationId: 'c-1', content: { text: 'hi' } });
		expect(ignoreReason(bare.message, resolveSettings({}))).toBeUndefined();
		expect(ignoreReason(bare.message, resolveSettings({ channels: ['WHATSAPP'] }))).toMatch(/names no channel/);
		expect(ignoreReason(bare.message, resolveSettings({ destinations: '447860099299' }))).toMatch(/names no destination/);
	});

	it('builds the item with the names the Send operation defaults read', () => {
		const raw = inbound({ extra: true });
		expect(buildItem(read(raw), Date.UTC(2024, 4, 1, 10, 0, 5))).toEqual({
			conversationId: 'conv-1',
			messageId: 'msg-1',
			channel: 'WHATSAPP',
			from: '385911111111',
			to: '447860099299',
			direction: 'INBOUND',
			contentType: 'TEXT',
			text: 'hello',
			content: { text: 'hello' },
			createdAt: '2024-05-01T10:00:00.000+00:00',
			received: { at: '2024-05-01T10:00:05.000Z', derived: [], deduplication: 'messageId' },
			payload: raw,
		});
		const image = read(inbound({ contentType: 'IMAGE', content: { url: 'https://x/y.jpg', text: 'not a text message' } }));
		expect(buildItem(image, 0).text).toBeNull();
	});
});

import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';

import { parseJson, readBody } from '../../../../nodes/shared/webhook/body';
import type { InboundRequest as BodySource } from '../../../../nodes/shared/webhook/http';

/** A stream that looks like an IncomingMessage to readBody. */
function fakeRequest(headers: Record<string, string> = {}) {
	const stream = new PassThrough() as unknown as PassThrough & BodySource;
	Object.assign(stream, { headers, complete: false });
	stream.on('end', () => Object.assign(stream, { complete: true })); // as IncomingMessage does
	return stream;
}

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

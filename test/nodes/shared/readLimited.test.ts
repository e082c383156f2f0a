/**
 * The size-limited stream reader both webhooks' bodies and Fetch Context Card's answers go through
 * (nodes/shared/readLimited.ts), on plain Node streams. How each caller answers is tested with it:
 * test/nodes/shared/webhook/body.test.ts, test/nodes/InfobipContextCardTrigger/…, test/nodes/InfobipContextCard/….
 */
import { PassThrough } from 'node:stream';

import { readLimited } from '../../../nodes/shared/readLimited';

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('readLimited', () => {
	it('reads a stream to its end, strings and buffers alike', async () => {
		const stream = new PassThrough();
		const read = readLimited(stream, 10);
		stream.write('abc');
		stream.end(Buffer.from('def'));
		expect(await read).toEqual({ ok: true, bytes: Buffer.from('abcdef') });
	});

	it('exactly the limit is fine; one byte more stops the read and closes the stream', async () => {
		const exact = new PassThrough();
		const fine = readLimited(exact, 4);
		exact.end('abcd');
		expect(await fine).toMatchObject({ ok: true });

		const stream = new PassThrough();
		const read = readLimited(stream, 4);
		stream.write('abcde');
		expect(await read).toEqual({ ok: false, stop: 'limit' });
		expect(stream.destroyed).toBe(true);
	});

	it("onStop 'pause' leaves the stream open and paused, for a caller that still answers on it", async () => {
		const stream = new PassThrough();
		const read = readLimited(stream, 2, { onStop: 'pause' });
		stream.write('abc');
		expect(await read).toEqual({ ok: false, stop: 'limit' });
		expect(stream.destroyed).toBe(false);
		expect(stream.isPaused()).toBe(true);
		expect(stream.listenerCount('data')).toBe(0);
	});

	it('an abort signal stops it, also one that fired before', async () => {
		const controller = new AbortController();
		const stream = new PassThrough();
		const read = readLimited(stream, 100, { signal: controller.signal });
		stream.write('a');
		controller.abort();
		expect(await read).toEqual({ ok: false, stop: 'signal' });
		expect(stream.destroyed).toBe(true);
		expect(await readLimited(new PassThrough(), 100, { signal: controller.signal })).toEqual({ ok: false, stop: 'signal' });
	});

	it('a stream error and a close before the end are their own stops', async () => {
		const failing = new PassThrough();
		const failed = readLimited(failing, 100);
		failing.destroy(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
		expect(await failed).toMatchObject({ ok: false, stop: 'error', error: { code: 'ECONNRESET' } });

		const closing = new PassThrough();
		const closed = readLimited(closing, 100);
		closing.destroy();
		expect(await closed).toEqual({ ok: false, stop: 'closed' });
	});

	it('what counts as closed early is the caller\'s: a close it calls complete is waited past; "aborted" only when asked', async () => {
		const stream = new PassThrough();
		let settled = false;
		const read = readLimited(stream, 100, { closedEarly: () => false }).then((r) => ((settled = true), r));
		stream.emit('close');
		stream.emit('aborted');
		await flush();
		expect(settled).toBe(false);
		stream.end('done');
		expect(await read).toEqual({ ok: true, bytes: Buffer.from('done') });

		const request = new PassThrough();
		const aborted = readLimited(request, 100, { abortedEvent: true, onStop: 'pause' });
		request.emit('aborted');
		expect(await aborted).toEqual({ ok: false, stop: 'closed' });
	});
});

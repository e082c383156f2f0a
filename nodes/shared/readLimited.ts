/**
 * Reads a byte stream with a hard size limit: reading stops as soon as the limit is passed (the bytes read so far
 * are dropped). Used for the request bodies the webhook triggers receive (shared/webhook/body.ts) and the answers
 * Fetch Context Card reads (InfobipContextCard/transport). It never rejects: how a read stopped is its result, and
 * each caller turns that into its own answer or error.
 */

/** A readable byte stream as Node's HTTP messages and n8n's response streams are (described: nodes may not import node:stream). */
export interface ByteStream {
	on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
	on(event: 'error', listener: (error: Error) => void): unknown;
	on(event: 'end' | 'close' | 'aborted', listener: () => void): unknown;
	off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
	off(event: 'error', listener: (error: Error) => void): unknown;
	off(event: 'end' | 'close' | 'aborted', listener: () => void): unknown;
	pause(): unknown;
	resume(): unknown;
	destroy(error?: Error): unknown;
}

export type LimitedRead =
	| { ok: true; bytes: Buffer }
	/** more than the limit */
	| { ok: false; stop: 'limit' }
	/** the abort signal fired */
	| { ok: false; stop: 'signal' }
	/** the stream failed */
	| { ok: false; stop: 'error'; error: Error }
	/** the stream closed (or was aborted) before its end */
	| { ok: false; stop: 'closed' };

export type ReadStop = Exclude<LimitedRead, { ok: true }>;

export interface ReadLimitedOptions {
	/** stops the read when it fires (e.g. a deadline) */
	signal?: AbortSignal;
	/** whether a 'close' before 'end' means the body is incomplete (default: always; an incoming request: unless complete) */
	closedEarly?: () => boolean;
	/** whether Node's 'aborted' event (of an incoming request) also counts as closed early */
	abortedEvent?: boolean;
	/**
	 * What happens to the stream when the read stops before its end: 'destroy' closes the connection (default);
	 * 'pause' leaves it open, for a caller that still answers on it and drains the rest.
	 */
	onStop?: 'destroy' | 'pause';
}

export function isByteStream(value: unknown): value is ByteStream {
	const v = value as ByteStream | undefined;
	return !!v && typeof v.on === 'function' && typeof v.destroy === 'function';
}

export function readLimited(stream: ByteStream, maxBytes: number, options: ReadLimitedOptions = {}): Promise<LimitedRead> {
	const { signal, closedEarly = () => true, abortedEvent = false, onStop = 'destroy' } = options;
	return new Promise<LimitedRead>((resolve) => {
		const chunks: Buffer[] = [];
		let total = 0;
		let done = false;
		const finish = (result: LimitedRead) => {
			if (done) return;
			done = true;
			stream.off('data', onData);
			stream.off('end', onEnd);
			stream.off('error', onError);
			stream.off('close', onClose);
			stream.off('aborted', onAborted);
			signal?.removeEventListener('abort', onSignal);
			chunks.length = 0;
			if (!result.ok) {
				if (onStop === 'destroy') stream.destroy();
				else stream.pause();
			}
			resolve(result);
		};
		const onData = (chunk: Buffer | string) => {
			const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
			total += buf.length;
			if (total > maxBytes) return finish({ ok: false, stop: 'limit' });
			chunks.push(buf);
		};
		const onEnd = () => finish({ ok: true, bytes: Buffer.concat(chunks, total) });
		const onError = (error: Error) => finish({ ok: false, stop: 'error', error });
		const onClose = () => {
			if (closedEarly()) finish({ ok: false, stop: 'closed' });
		};
		const onAborted = () => finish({ ok: false, stop: 'closed' });
		const onSignal = () => finish({ ok: false, stop: 'signal' });
		if (signal?.aborted) return finish({ ok: false, stop: 'signal' });
		stream.on('data', onData);
		stream.on('end', onEnd);
		stream.on('error', onError);
		stream.on('close', onClose);
		if (abortedEvent) stream.on('aborted', onAborted);
		signal?.addEventListener('abort', onSignal, { once: true });
		stream.resume();
	});
}

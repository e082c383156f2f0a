import type { InboundRequest } from './http';

export type BodyReadResult =
	/** The raw bytes, read by us or buffered earlier by n8n. */
	| { kind: 'raw'; bytes: Buffer }
	/** n8n already parsed the body and consumed the stream; this is its value. */
	| { kind: 'parsed'; value: unknown }
	| { kind: 'tooLarge'; limit: number }
	| { kind: 'unreadable'; status: 400 | 415; message: string };

/** Content-Encoding → the format of the runtime's DecompressionStream (brotli only where the runtime has it). */
const FORMATS: Record<string, string> = { gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate', br: 'brotli' };

function decoderFor(encoding: string): DecompressionStream | undefined {
	const format = FORMATS[encoding];
	if (!format) return undefined;
	try {
		return new DecompressionStream(format as ConstructorParameters<typeof DecompressionStream>[0]);
	} catch {
		return undefined; // e.g. brotli on Node.js 20
	}
}

/**
 * Reads the request body with a hard size limit, in the order the webhooks answer: the declared Content-Length is
 * checked before a single byte is read, and reading stops as soon as the limit is passed (the bytes already
 * buffered are dropped). Compressed bodies (gzip, deflate; br where the runtime can decode it) are limited on their
 * compressed and on their decompressed size, so a small zip bomb is refused as soon as it unpacks past the limit.
 *
 * If n8n already read the body (`rawBody`) or parsed it (`body`, stream consumed), that is used instead; the limit
 * still applies to what n8n buffered.
 */
export async function readBody(req: InboundRequest, limit: number): Promise<BodyReadResult> {
	if (Buffer.isBuffer(req.rawBody)) {
		return req.rawBody.length > limit ? { kind: 'tooLarge', limit } : { kind: 'raw', bytes: req.rawBody };
	}
	if (streamConsumed(req)) {
		if (req.body === undefined) return { kind: 'raw', bytes: Buffer.alloc(0) };
		if (Buffer.isBuffer(req.body)) return req.body.length > limit ? { kind: 'tooLarge', limit } : { kind: 'raw', bytes: req.body };
		if (typeof req.body === 'string') {
			const bytes = Buffer.from(req.body, 'utf8');
			return bytes.length > limit ? { kind: 'tooLarge', limit } : { kind: 'raw', bytes };
		}
		const size = Buffer.byteLength(JSON.stringify(req.body) ?? '', 'utf8');
		return size > limit ? { kind: 'tooLarge', limit } : { kind: 'parsed', value: req.body };
	}

	const declared = req.headers['content-length'];
	if (declared !== undefined && Number(declared) > limit) return { kind: 'tooLarge', limit };

	const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
	const identity = encoding === 'identity' || encoding === '';
	const decoder = identity ? undefined : decoderFor(encoding);
	if (!identity && !decoder) {
		return { kind: 'unreadable', status: 415, message: `Content-Encoding "${encoding}" is not supported; send identity, gzip or deflate` };
	}
	const read = await collect(req, limit);
	if (read.kind !== 'raw' || !decoder) return read;
	return await decompress(read.bytes, decoder, limit);
}

function streamConsumed(req: InboundRequest): boolean {
	return req._body === true || req.readableEnded || (!req.readable && req.body !== undefined);
}

/** Decodes a compressed body, stopping as soon as the decoded bytes pass the limit. */
async function decompress(bytes: Buffer, decoder: DecompressionStream, limit: number): Promise<BodyReadResult> {
	const reader = new Blob([bytes]).stream().pipeThrough(decoder).getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			size += value.byteLength;
			if (size > limit) {
				await reader.cancel().catch(() => undefined);
				return { kind: 'tooLarge', limit };
			}
			chunks.push(value);
		}
	} catch (error) {
		return { kind: 'unreadable', status: 400, message: `The compressed request body could not be decoded (${(error as Error).message})` };
	}
	return { kind: 'raw', bytes: Buffer.concat(chunks, size) };
}

/** Reads the raw bytes of the request with the limit. */
function collect(req: InboundRequest, limit: number): Promise<BodyReadResult> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let settled = false;
		const finish = (result: BodyReadResult) => {
			if (settled) return;
			settled = true;
			req.off('data', onData);
			req.off('end', onEnd);
			req.off('error', onError);
			req.off('aborted', onAborted);
			req.off('close', onClose);
			chunks.length = 0;
			resolve(result);
		};
		const onData = (chunk: Buffer | string) => {
			const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
			size += buf.length;
			if (size > limit) {
				req.pause();
				finish({ kind: 'tooLarge', limit });
				return;
			}
			chunks.push(buf);
		};
		const onEnd = () => finish({ kind: 'raw', bytes: Buffer.concat(chunks, size) });
		const onError = () => finish({ kind: 'unreadable', status: 400, message: 'The request body could not be read' });
		const onAborted = () => finish({ kind: 'unreadable', status: 400, message: 'The request was aborted while its body was being read' });
		const onClose = () => {
			if (!req.complete) onAborted();
		};
		req.on('data', onData);
		req.on('end', onEnd);
		req.on('error', onError);
		req.on('aborted', onAborted);
		req.on('close', onClose);
	});
}

/**
 * After an early answer (401, 413, …) the rest of the request body is still on the wire. It is read and thrown away
 * so a well-behaved client receives the answer and can reuse the connection; a client that keeps sending more than
 * `maxBytes` is disconnected. Nothing is buffered.
 */
export function discardBody(req: InboundRequest, maxBytes: number): void {
	if (req.readableEnded || req.destroyed) return;
	let discarded = 0;
	const onData = (chunk: Buffer | string) => {
		discarded += chunk.length;
		if (discarded > maxBytes) {
			req.off('data', onData);
			req.destroy();
		}
	};
	req.on('data', onData);
	req.on('error', () => undefined);
	req.resume();
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; reason: string };

/** Parses a JSON body (UTF-8, an optional byte order mark is ignored). */
export function parseJson(bytes: Buffer): JsonResult {
	let text = bytes.toString('utf8');
	if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
	if (text.trim() === '') return { ok: false, reason: 'The request body is empty; expected a JSON message object' };
	let value: unknown;
	let failure: Error | undefined;
	try {
		value = JSON.parse(text);
	} catch (error) {
		failure = error as Error;
	}
	if (!failure) return { ok: true, value };
	// V8's message may quote part of the body; only the position is repeated in the answer.
	const position = /position (\d+)/.exec(failure.message)?.[1];
	return { ok: false, reason: `The request body is not valid JSON${position ? ` (error at position ${position})` : ''}` };
}

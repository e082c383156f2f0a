import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** What the trigger may find on the request object n8n hands it (n8n's raw-body reader adds rawBody/_body). */
export type BodySource = IncomingMessage & { rawBody?: Buffer; body?: unknown; _body?: boolean };

export type BodyReadResult =
	/** The raw bytes, read by us or buffered earlier by n8n. */
	| { kind: 'raw'; bytes: Buffer }
	/** n8n already parsed the body and consumed the stream; this is its value. */
	| { kind: 'parsed'; value: unknown }
	| { kind: 'tooLarge'; limit: number }
	| { kind: 'unreadable'; status: 400 | 415; message: string };

const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = {
	gzip: createGunzip,
	'x-gzip': createGunzip,
	deflate: createInflate,
	br: createBrotliDecompress,
};

/**
 * Reads the request body with a hard size limit, in the order the trigger answers: the declared
 * Content-Length is checked before a single byte is read, and reading stops as soon as the limit is passed
 * (the bytes already buffered are dropped). Compressed bodies (gzip, deflate, br) are limited on their
 * decompressed size as well.
 *
 * If n8n already read the body (`rawBody`) or parsed it (`body`, stream consumed), that is used instead; the
 * limit still applies to what n8n buffered.
 */
export async function readBody(req: BodySource, limit: number): Promise<BodyReadResult> {
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
	let source: Readable = req;
	if (encoding !== 'identity' && encoding !== '') {
		const decoder = DECODERS[encoding];
		if (!decoder) return { kind: 'unreadable', status: 415, message: `Content-Encoding "${encoding}" is not supported; send identity, gzip, deflate or br` };
		source = req.pipe(decoder()) as unknown as Readable;
	}
	return await collect(req, source, limit);
}

function streamConsumed(req: BodySource): boolean {
	return req._body === true || req.readableEnded || (!req.readable && req.body !== undefined);
}

function collect(req: BodySource, source: Readable, limit: number): Promise<BodyReadResult> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let settled = false;
		const finish = (result: BodyReadResult) => {
			if (settled) return;
			settled = true;
			source.off('data', onData);
			source.off('end', onEnd);
			source.off('error', onError);
			req.off('aborted', onAborted);
			req.off('close', onClose);
			if (source !== req) {
				req.unpipe(source as unknown as NodeJS.WritableStream);
				source.destroy();
			}
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
		const onEnd = () => {
			const bytes = Buffer.concat(chunks, size);
			finish({ kind: 'raw', bytes });
		};
		const onError = (error: Error) =>
			finish({
				kind: 'unreadable',
				status: 400,
				message: source !== req ? `The compressed request body could not be decoded (${error.message})` : 'The request body could not be read',
			});
		const onAborted = () => finish({ kind: 'unreadable', status: 400, message: 'The request was aborted while its body was being read' });
		const onClose = () => {
			if (!req.complete) onAborted();
		};
		source.on('data', onData);
		source.on('end', onEnd);
		source.on('error', onError);
		req.on('aborted', onAborted);
		req.on('close', onClose);
	});
}

/**
 * After an early answer (401, 413, …) the rest of the request body is still on the wire. It is read and
 * thrown away so a well-behaved client receives the answer and can reuse the connection; a client that keeps
 * sending more than `maxBytes` is disconnected. Nothing is buffered.
 */
export function discardBody(req: BodySource, maxBytes: number): void {
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
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch (error) {
		// V8's message may quote part of the body; only the position is repeated in the answer.
		const position = /position (\d+)/.exec((error as Error).message)?.[1];
		return { ok: false, reason: `The request body is not valid JSON${position ? ` (error at position ${position})` : ''}` };
	}
}

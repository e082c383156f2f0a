/**
 * One plain HTTP request to a served webhook, as a caller (Infobip, or an attacker) sends it. The answer's status,
 * text and (if it parses) JSON.
 */
import { request as httpRequest, type ClientRequest } from 'node:http';

import type { IDataObject } from 'n8n-workflow';

export interface Reply {
	status: number;
	text: string;
	json: IDataObject;
}

function send(url: string, method: string, headers: Record<string, string>, write: (req: ClientRequest) => void): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const req = httpRequest(url, { method, headers }, (res) => {
			const parts: Buffer[] = [];
			res.on('data', (c: Buffer) => parts.push(c));
			res.on('end', () => {
				const text = Buffer.concat(parts).toString('utf8');
				let json: IDataObject = {};
				try {
					json = JSON.parse(text);
				} catch {}
				resolve({ status: res.statusCode ?? 0, text, json });
			});
		});
		req.on('error', reject);
		write(req);
	});
}

/** Any method, the headers as given, a Content-Length for a body. */
export function call(url: string, method: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Reply> {
	const length: Record<string, string> = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
	return send(url, method, { ...length, ...headers }, (req) => req.end(body));
}

/** POSTs like Infobip (or an attacker) would, JSON by default; `chunks` sends a chunked body piece by piece. */
export function post(url: string, body: string | Buffer | { chunks: Buffer[] }, headers: Record<string, string> = {}): Promise<Reply> {
	return send(url, 'POST', { 'content-type': 'application/json', ...headers }, (req) => {
		if (typeof body !== 'object' || Buffer.isBuffer(body)) {
			req.end(body);
			return;
		}
		const { chunks } = body;
		let i = 0;
		let answered = false;
		req.on('response', () => (answered = true));
		req.on('error', () => undefined);
		const next = (): void => {
			if (answered || i >= chunks.length) {
				req.end();
				return;
			}
			if (req.write(chunks[i++])) setImmediate(next);
			else req.once('drain', next);
		};
		next();
	});
}

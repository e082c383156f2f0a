import { request as httpRequest } from 'node:http';

import type { IDataObject } from 'n8n-workflow';

export interface Reply {
	status: number;
	text: string;
	json: IDataObject;
}

/** POSTs like Infobip (or an attacker) would; `chunks` sends a chunked body piece by piece. */
export function post(url: string, body: string | Buffer | { chunks: Buffer[] }, headers: Record<string, string> = {}): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const chunked = typeof body === 'object' && !Buffer.isBuffer(body);
		const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
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
		if (!chunked) {
			req.end(body);
			return;
		}
		const { chunks } = body as { chunks: Buffer[] };
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

/**
 * One plain HTTP request to a served webhook, as a caller (Infobip, or an attacker) sends it: any method, the
 * headers as given, a Content-Length for a body. The answer's status, text and (if it parses) JSON.
 */
import { request as httpRequest } from 'node:http';

import type { IDataObject } from 'n8n-workflow';

export interface Reply {
	status: number;
	text: string;
	json: IDataObject;
}

export function call(url: string, method: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
		const req = httpRequest(url, { method, headers: { ...length, ...headers } }, (res) => {
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
		req.end(body);
	});
}


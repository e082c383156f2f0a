import type { OutboundResponse } from './http';

/** Answers with a JSON body using plain Node calls, so it works on n8n's express response and on a bare server. */
export function sendJson(res: OutboundResponse, status: number, body: Record<string, unknown>): void {
	if (res.headersSent || res.writableEnded) return;
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': Buffer.byteLength(text),
		'Cache-Control': 'no-store',
	});
	res.end(text);
}

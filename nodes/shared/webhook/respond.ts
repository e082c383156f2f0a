import type { IDataObject, IWebhookResponseData } from 'n8n-workflow';

import { discardBody } from './body';
import type { InboundRequest, OutboundResponse } from './http';

/** After an early answer, at most this much of an unread body is drained before the connection is dropped. */
export const DISCARD_LIMIT_BYTES = 1024 * 1024;

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

/**
 * A webhook's own answer: what is left of the request body is drained (up to DISCARD_LIMIT_BYTES), the JSON is sent,
 * and n8n is told it sends nothing more.
 */
export function answerJson(req: InboundRequest, res: OutboundResponse, status: number, body: IDataObject): IWebhookResponseData {
	discardBody(req, DISCARD_LIMIT_BYTES);
	sendJson(res, status, body);
	return { noWebhookResponse: true };
}

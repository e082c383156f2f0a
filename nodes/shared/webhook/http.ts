/**
 * The parts of Node's HTTP request and response objects the webhook nodes use, as structural types: n8n hands the
 * webhook its express request/response, and community nodes may not import `node:http` (n8n's community-node
 * rules), so the nodes describe what they rely on instead.
 */

/** Request headers as Node exposes them: lower-case names; a repeated header arrives joined, or as an array. */
export type HeaderMap = Record<string, string | string[] | undefined>;

type Listener = (...args: never[]) => void;

/** The request object n8n gives a webhook: a readable stream of the body plus what n8n's body parsers may add. */
export interface InboundRequest {
	headers: HeaderMap;
	method?: string;
	url?: string;
	originalUrl?: string;
	readable: boolean;
	readableEnded: boolean;
	destroyed: boolean;
	complete: boolean;
	on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
	on(event: 'end' | 'aborted' | 'close', listener: () => void): unknown;
	on(event: 'error', listener: (error: Error) => void): unknown;
	off(event: string, listener: Listener): unknown;
	pause(): unknown;
	resume(): unknown;
	destroy(error?: Error): unknown;
	/** n8n's raw-body reader keeps the bytes here */
	rawBody?: Buffer;
	/** a body n8n's parsers already parsed (the stream is then consumed) */
	body?: unknown;
	/** body-parser's "already read" flag */
	_body?: boolean;
}

/** The response object: enough to answer with status, headers and a body. */
export interface OutboundResponse {
	headersSent: boolean;
	writableEnded: boolean;
	writeHead(status: number, headers: Record<string, string | number>): unknown;
	end(body?: string | Buffer): unknown;
}

/**
 * The HTTP side: reads the body (size-limited JSON), sends the API's requests through authentication and the
 * faults to the route table and the rest to the control API, answers JSON with the emulator clock's `Date`,
 * and logs every API request in state.requests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { handleControl } from './control';
import { errorBody, generalError, HttpError } from './errors';
import { DROPPED } from './faults';
import { handleApi } from './routes';
import type { Core } from './types';

export function createEmulatorServer(core: Core, maxBodyBytes: number): Server {
	return createServer((req, res) => {
		void readBody(req, maxBodyBytes).then((raw) => answer(core, req, res, raw));
	});
}

/** The body as text; undefined when it was larger than `max` bytes (read to its end all the same). */
function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size <= max) chunks.push(c);
		});
		req.on('end', () => resolve(size > max ? undefined : Buffer.concat(chunks).toString('utf8')));
	});
}

function parseJson(raw: string | undefined): unknown {
	if (raw === undefined) throw new HttpError(413, 'Request body too large', 'PAYLOAD_TOO_LARGE');
	if (!raw) return undefined;
	try {
		return JSON.parse(raw);
	} catch {
		throw new HttpError(400, 'Request body is not valid JSON');
	}
}

async function answer(core: Core, req: IncomingMessage, res: ServerResponse, raw: string | undefined) {
	const url = new URL(req.url ?? '/', 'http://emulator');
	const method = req.method ?? 'GET';
	const isApi = url.pathname.startsWith('/ccaas/');
	const arrivedAt = performance.timeOrigin + performance.now();
	let status = 500;
	try {
		const r = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body: parseJson(raw) };
		const body = isApi ? await api(core, r, arrivedAt) : await handleControl(core, r);
		if (body === DROPPED) {
			status = 0;
			req.socket.destroy();
			return;
		}
		send(core, res, (status = 200), body);
	} catch (error) {
		const e = error instanceof HttpError ? error : generalError();
		status = e.status;
		send(core, res, e.status, errorBody(e), e.headers);
	} finally {
		if (isApi) core.store.logRequest({ method, path: url.pathname, status, agentId: req.headers['x-agent-id'] as string | undefined, at: arrivedAt });
	}
}

/** An API request: authenticated first (a 401 is neither rate limited nor faulted), then run under the faults. */
function api(core: Core, r: Parameters<typeof handleApi>[1], arrivedAt: number) {
	if (r.headers.authorization !== `App ${core.apiKey}`) throw new HttpError(401, 'Invalid login details', 'UNAUTHORIZED');
	return core.faults.around(core.apiKey, arrivedAt, () => handleApi(core, r));
}

function send(core: Core, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
	const text = JSON.stringify(body);
	// `Date` from the emulator's clock, so clients that take "now" from the server follow advanceClock
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), date: new Date(core.clock.now()).toUTCString(), ...headers });
	res.end(text);
}

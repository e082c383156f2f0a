/** Shared set-up of the emulator's tests: a stand-in bot endpoint and a JSON request helper. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

import type { RunningEmulator } from '../../emulator';

export interface Received {
	/** when it arrived (Date.now()) */
	at: number;
	headers: IncomingMessage['headers'];
	raw: string;
	body: Record<string, unknown>;
}

/** A tiny bot endpoint that records what Infobip (the emulator) forwards and answers `status` (default 200). */
export async function botServer(status = 200) {
	const received: Received[] = [];
	let answer = status;
	const server: Server = createServer((req, res) => {
		let raw = '';
		req.on('data', (c) => (raw += c));
		req.on('end', () => {
			received.push({ at: Date.now(), headers: req.headers, raw, body: raw ? JSON.parse(raw) : undefined });
			res.statusCode = answer;
			res.end();
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bot`,
		received,
		setStatus: (s: number) => (answer = s),
		close: () => new Promise<void>((r) => server.close(() => r())),
	};
}
export type BotServer = Awaited<ReturnType<typeof botServer>>;

/**
 * A JSON request to the emulator; `auth` the Authorization header (default the emulator's API key, null: none).
 * A string body is sent as it is.
 */
export async function send(emu: RunningEmulator, method: string, path: string, body?: unknown, auth: string | null = `App ${emu.apiKey}`, headers: Record<string, string> = {}) {
	const res = await request(`${emu.url}${path}`, {
		method: method as 'GET',
		headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}), ...headers },
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await res.body.text();
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	return { status: res.statusCode, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as any };
}

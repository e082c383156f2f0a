// @ts-check
/**
 * Part 1 — hostile and broken requests to the trigger's production URL. Each kind has the status the trigger
 * (or n8n in front of it) must answer; the harness sends at least `total` requests, round-robin over the kinds, a
 * few at a time on fresh connections, and afterwards counts the workflow's executions in n8n's database: zero.
 */
const http = require('node:http');
const net = require('node:net');
const zlib = require('node:zlib');
const { randomUUID } = require('node:crypto');

/**
 * A chunked request (no Content-Length) on a raw socket: it writes until the server answers or closes, and reads the
 * answer whatever happens to the writes. Node's HTTP client cannot be used here: when a server answers early and
 * then closes the connection, a write that was still under way fails with EPIPE and the client drops the answer it
 * had already received, depending on which of the two it handles first.
 */
function sendChunked(url, { method = 'POST', headers = {}, chunks }) {
	return new Promise((resolve) => {
		const { hostname, port, pathname, search } = new URL(url);
		const socket = net.connect(Number(port), hostname);
		let received = '';
		let closed = false;
		const head = [`${method} ${pathname}${search} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close'];
		for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() !== 'transfer-encoding') head.push(`${name}: ${value}`);
		head.push('Transfer-Encoding: chunked', '', '');
		socket.setEncoding('utf8');
		socket.on('data', (c) => (received += c));
		socket.on('error', () => undefined);
		socket.setTimeout(30_000, () => socket.destroy());
		socket.on('close', () => {
			closed = true;
			const status = /^HTTP\/1\.[01] (\d{3})/.exec(received);
			const headEnd = received.indexOf('\r\n\r\n');
			let body = received.slice(headEnd + 4);
			if (/\r\ntransfer-encoding: *chunked/i.test(received.slice(0, headEnd))) body = unchunk(body);
			resolve(status ? { status: Number(status[1]), text: body } : { status: undefined, text: '', error: received ? 'unreadable answer' : 'closed without an answer' });
		});
		let i = 0;
		const pump = () => {
			while (i < chunks.length && !received && !closed) {
				const chunk = chunks[i++];
				const framed = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
				if (!socket.write(framed)) return void socket.once('drain', pump);
			}
			if (!closed && !received) socket.write('0\r\n\r\n');
		};
		socket.on('connect', () => {
			socket.write(head.join('\r\n'));
			pump();
		});
	});
}

/** The payload of a chunked HTTP body (as far as it arrived). */
function unchunk(text) {
	let out = '';
	for (let rest = text; ; ) {
		const line = rest.indexOf('\r\n');
		const size = line < 0 ? 0 : parseInt(rest.slice(0, line), 16);
		if (!size) return out;
		out += rest.slice(line + 2, line + 2 + size);
		rest = rest.slice(line + 4 + size);
	}
}

/** One request on a fresh connection. `chunks`: chunked transfer (no Content-Length), stops once answered. */
function send(url, { method = 'POST', headers = {}, body, chunks }) {
	if (chunks) return sendChunked(url, { method, headers, chunks });
	return new Promise((resolve) => {
		const req = http.request(url, { method, agent: false, headers });
		let status;
		let text = '';
		let answered = false;
		const finish = (/** @type {string | undefined} */ error) => {
			if (answered) return;
			answered = true;
			resolve({ status, text, error });
		};
		req.on('response', (res) => {
			status = res.statusCode;
			res.setEncoding('utf8');
			res.on('data', (c) => (text += c));
			res.on('end', () => finish());
			res.on('error', () => finish());
		});
		// a server that answers early may close the connection while we still write: the answer counts
		req.on('error', (e) => (status !== undefined ? finish() : setTimeout(() => finish(e.message), 50)));
		req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
		req.end(body);
	});
}

/**
 * The kinds of bad request and what each must get. `secret` is the trigger's expected header value.
 * Every kind except the 401s carries the right secret, so each check is reached on its own.
 */
function kinds(secret, maxBodyBytes) {
	const good = () => ({
		conversationId: randomUUID(),
		id: randomUUID(),
		from: '385911234567',
		to: '447860099299',
		channel: 'WHATSAPP',
		direction: 'INBOUND',
		contentType: 'TEXT',
		content: { text: 'hello' },
		createdAt: new Date().toISOString(),
	});
	const json = { 'content-type': 'application/json' };
	const auth = { ...json, authorization: secret };
	const without = (field) => {
		const m = good();
		delete m[field];
		return JSON.stringify(m);
	};
	const big = (n) => JSON.stringify({ ...good(), content: { text: 'x'.repeat(n) } });
	/** @type {Array<{ kind: string, group: string, expect: number, field?: string, make: () => any }>} */
	const list = [
		// unauthorised (checked before anything else, whatever the body)
		{ kind: 'no authorization header', group: 'unauthorised', expect: 401, make: () => ({ headers: json, body: JSON.stringify(good()) }) },
		{ kind: 'wrong authorization value', group: 'unauthorised', expect: 401, make: () => ({ headers: { ...json, authorization: 'Bearer not-the-secret' }, body: JSON.stringify(good()) }) },
		{ kind: 'secret without its last character', group: 'unauthorised', expect: 401, make: () => ({ headers: { ...json, authorization: secret.slice(0, -1) }, body: JSON.stringify(good()) }) },
		{ kind: 'secret with an extra character', group: 'unauthorised', expect: 401, make: () => ({ headers: { ...json, authorization: `${secret}x` }, body: JSON.stringify(good()) }) },
		{ kind: 'secret in other letter case', group: 'unauthorised', expect: 401, make: () => ({ headers: { ...json, authorization: secret.toUpperCase() }, body: JSON.stringify(good()) }) },
		{ kind: 'secret under another header name', group: 'unauthorised', expect: 401, make: () => ({ headers: { ...json, 'x-api-key': secret }, body: JSON.stringify(good()) }) },
		{ kind: 'secret as a query parameter', group: 'unauthorised', expect: 401, make: () => ({ query: `?authorization=${encodeURIComponent(secret)}`, headers: json, body: JSON.stringify(good()) }) },
		{ kind: 'no header, malformed JSON', group: 'unauthorised', expect: 401, make: () => ({ headers: json, body: '{"conversationId": ' }) },
		{ kind: 'no header, oversized body', group: 'unauthorised', expect: 401, make: () => ({ headers: json, body: big(maxBodyBytes + 1024) }) },
		// malformed
		{ kind: 'malformed JSON (truncated)', group: 'malformed', expect: 400, make: () => ({ headers: auth, body: JSON.stringify(good()).slice(0, 40) }) },
		{ kind: 'malformed JSON (trailing garbage)', group: 'malformed', expect: 400, make: () => ({ headers: auth, body: `${JSON.stringify(good())}}}` }) },
		{ kind: 'empty body', group: 'malformed', expect: 400, make: () => ({ headers: auth, body: '' }) },
		{ kind: 'binary garbage', group: 'malformed', expect: 400, make: () => ({ headers: auth, body: Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x7b, 0x22]) }) },
		{ kind: 'broken gzip stream', group: 'malformed', expect: 400, make: () => ({ headers: { ...auth, 'content-encoding': 'gzip' }, body: Buffer.from('not gzip at all') }) },
		// wrong content types (the body is what such a client sends)
		{ kind: 'form-urlencoded body', group: 'wrong content type', expect: 400, make: () => ({ headers: { authorization: secret, 'content-type': 'application/x-www-form-urlencoded' }, body: 'conversationId=c1&id=m1&direction=INBOUND' }) },
		{ kind: 'multipart/form-data body', group: 'wrong content type', expect: 400, make: () => ({ headers: { authorization: secret, 'content-type': 'multipart/form-data; boundary=XyZ' }, body: '--XyZ\r\nContent-Disposition: form-data; name="id"\r\n\r\nm1\r\n--XyZ--\r\n' }) },
		{ kind: 'XML body', group: 'wrong content type', expect: 400, make: () => ({ headers: { authorization: secret, 'content-type': 'application/xml' }, body: '<message><id>m1</id></message>' }) },
		{ kind: 'text/plain sentence', group: 'wrong content type', expect: 400, make: () => ({ headers: { authorization: secret, 'content-type': 'text/plain' }, body: 'hello bot' }) },
		{ kind: 'unsupported Content-Encoding', group: 'wrong content type', expect: 415, make: () => ({ headers: { ...auth, 'content-encoding': 'compress' }, body: JSON.stringify(good()) }) },
		// wrong shapes: only what can never be a message (the trigger reads every plausible message: see plausibleKinds)
		{ kind: 'JSON array of non-messages', group: 'wrong shape', expect: 400, field: '[0].(body)', make: () => ({ headers: auth, body: JSON.stringify([1, 2]) }) },
		{ kind: 'JSON string', group: 'wrong shape', expect: 400, field: '(body)', make: () => ({ headers: auth, body: '"INBOUND"' }) },
		{ kind: 'JSON null', group: 'wrong shape', expect: 400, field: '(body)', make: () => ({ headers: auth, body: 'null' }) },
		{ kind: 'empty object', group: 'wrong shape', expect: 400, field: 'conversationId', make: () => ({ headers: auth, body: '{}' }) },
		{ kind: 'missing conversationId', group: 'wrong shape', expect: 400, field: 'conversationId', make: () => ({ headers: auth, body: without('conversationId') }) },
		{ kind: 'empty conversationId', group: 'wrong shape', expect: 400, field: 'conversationId', make: () => ({ headers: auth, body: JSON.stringify({ ...good(), conversationId: '' }) }) },
		{ kind: 'conversationId is an object', group: 'wrong shape', expect: 400, field: 'conversationId', make: () => ({ headers: auth, body: JSON.stringify({ ...good(), conversationId: { value: 'c1' } }) }) },
		{ kind: 'no customer message (no content, no text)', group: 'wrong shape', expect: 400, field: 'content', make: () => ({ headers: auth, body: without('content') }) },
		{ kind: 'content is a list', group: 'wrong shape', expect: 400, field: 'content', make: () => ({ headers: auth, body: JSON.stringify({ ...good(), content: ['hello'] }) }) },
		{ kind: 'envelope whose messages have no conversation id', group: 'wrong shape', expect: 400, field: 'results[0].conversationId', make: () => ({ headers: auth, body: JSON.stringify({ results: [{ text: 'a' }, { text: 'b' }] }) }) },
		// not for the bot: answered 200 so Infobip does not redeliver, nothing started
		{ kind: 'OUTBOUND direction (the bot\'s own message)', group: 'not a customer message', expect: 200, make: () => ({ headers: auth, body: JSON.stringify({ ...good(), direction: 'OUTBOUND' }) }) },
		{ kind: 'empty envelope', group: 'not a customer message', expect: 200, make: () => ({ headers: auth, body: JSON.stringify({ results: [] }) }) },
		// oversized
		{ kind: 'oversized, by Content-Length', group: 'oversized', expect: 413, make: () => ({ headers: auth, body: big(maxBodyBytes + 1024) }) },
		{ kind: 'oversized, chunked (no Content-Length)', group: 'oversized', expect: 413, make: () => ({ headers: { ...auth, 'transfer-encoding': 'chunked' }, chunks: Array.from({ length: Math.ceil((maxBodyBytes * 2) / 16384) }, () => Buffer.alloc(16384, 0x20)) }) },
		{ kind: 'oversized after gunzip (zip bomb)', group: 'oversized', expect: 413, make: () => ({ headers: { ...auth, 'content-encoding': 'gzip' }, body: zlib.gzipSync(Buffer.alloc(maxBodyBytes * 8, 0x20)) }) },
		// not the webhook's method: n8n answers before the trigger
		{ kind: 'GET instead of POST', group: 'wrong method', expect: 404, make: () => ({ method: 'GET', headers: { authorization: secret } }) },
		{ kind: 'PUT instead of POST', group: 'wrong method', expect: 404, make: () => ({ method: 'PUT', headers: auth, body: JSON.stringify(good()) }) },
	];
	return list;
}

/**
 * Sends at least `total` bad requests (every kind at least once, round-robin), `concurrency` at a time.
 * Returns per-kind counts of the statuses received and the bodies (for the secret scan).
 */
async function runAbuse({ url, secret, total = 1200, concurrency = 8, maxBodyBytes = 256 * 1024, onAnswer = (_text) => {} }) {
	const list = kinds(secret, maxBodyBytes);
	const jobs = Array.from({ length: Math.max(total, list.length) }, (_, i) => list[i % list.length]);
	/** @type {Map<string, { kind: string, group: string, expect: number, sent: number, ok: number, statuses: Record<string, number>, fieldNamed: number, field?: string, sample?: string }>} */
	const results = new Map(list.map((k) => [k.kind, { kind: k.kind, group: k.group, expect: k.expect, field: k.field, sent: 0, ok: 0, statuses: {}, fieldNamed: 0 }]));
	let next = 0;
	const started = Date.now();
	const worker = async () => {
		while (next < jobs.length) {
			const k = jobs[next++];
			const spec = k.make();
			const answer = await send(url + (spec.query ?? ''), spec);
			const r = /** @type {NonNullable<ReturnType<typeof results.get>>} */ (results.get(k.kind));
			r.sent++;
			const key = answer.status === undefined ? `error: ${answer.error}` : String(answer.status);
			r.statuses[key] = (r.statuses[key] ?? 0) + 1;
			if (answer.status === k.expect) r.ok++;
			else r.sample ??= `${key} ${answer.text.slice(0, 200)}`;
			if (k.field && answer.text.includes(`"field":${JSON.stringify(k.field)}`)) r.fieldNamed++;
			onAnswer(answer.text);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return { sent: jobs.length, durationMs: Date.now() - started, kinds: [...results.values()] };
}

/**
 * Plausible but minimal or unusual messages: each must start exactly one execution and get exactly one reply
 * (0 lost, 0 duplicated). `c` is a conversation of the emulator (id and the customer's addresses), so the bot's
 * reply can be counted; `redeliver` kinds are sent twice with the same body (their stable key makes the second a
 * duplicate).
 */
function plausibleKinds() {
	const stamp = () => new Date().toISOString().replace('Z', '+0000');
	const base = (c) => ({ conversationId: c.id, from: c.from, to: c.to, channel: c.channel });
	/** @type {Array<{ kind: string, redeliver?: boolean, make: (c: { id: string, from: string, to: string, channel: string }) => unknown }>} */
	return [
		{ kind: 'minimal: no id, direction, createdAt', make: (c) => ({ ...base(c), contentType: 'TEXT', content: { text: 'hi' } }) },
		{ kind: 'no id (createdAt present: derived key)', make: (c) => ({ ...base(c), direction: 'INBOUND', contentType: 'TEXT', content: { text: 'hi' }, createdAt: stamp() }) },
		{ kind: 'no direction', make: (c) => ({ ...base(c), id: randomUUID(), contentType: 'TEXT', content: { text: 'hi' }, createdAt: stamp() }) },
		{ kind: 'no createdAt', make: (c) => ({ ...base(c), id: randomUUID(), direction: 'INBOUND', contentType: 'TEXT', content: { text: 'hi' } }) },
		{ kind: 'no contentType', make: (c) => ({ ...base(c), id: randomUUID(), direction: 'INBOUND', content: { text: 'hi' }, createdAt: stamp() }) },
		{ kind: 'empty id', make: (c) => ({ ...base(c), id: '', direction: 'INBOUND', contentType: 'TEXT', content: { text: 'hi' } }) },
		{ kind: 'lower-case direction and content type', make: (c) => ({ ...base(c), id: randomUUID(), direction: 'inbound', contentType: 'text', content: { text: 'hi' }, createdAt: stamp() }) },
		{ kind: 'content as a plain string', make: (c) => ({ ...base(c), id: randomUUID(), content: 'hi' }) },
		{ kind: 'top-level text, no content', make: (c) => ({ ...base(c), id: randomUUID(), text: 'hi' }) },
		{ kind: 'TEXT without content.text', make: (c) => ({ ...base(c), id: randomUUID(), contentType: 'TEXT', content: { caption: 'x' } }) },
		{ kind: 'unknown extra fields and a nested singleSendMessage', make: (c) => ({ ...base(c), id: randomUUID(), direction: 'INBOUND', contentType: 'TEXT', content: { text: 'hi', showUrlPreview: null }, createdAt: '2021-05-18T15:15:25.737+00:00', updatedAt: '2021-05-18T15:15:25.737+00:00', singleSendMessage: { from: { phoneNumber: c.from, type: 'PHONE_NUMBER' }, to: { phoneNumber: c.to, type: 'PHONE_NUMBER' }, content: { text: 'hi', type: 'TEXT' }, channel: c.channel, direction: 'INBOUND' }, tags: ['x'] }) },
		{ kind: 'addresses only in singleSendMessage', make: (c) => ({ conversationId: c.id, id: randomUUID(), content: { text: 'hi' }, singleSendMessage: { from: { phoneNumber: c.from }, to: { phoneNumber: c.to }, channel: c.channel } }) },
		{ kind: 'envelope {"results":[message]}', make: (c) => ({ results: [{ ...base(c), contentType: 'TEXT', content: { text: 'hi' }, createdAt: stamp() }] }) },
		{ kind: 'JSON array of one message', make: (c) => [{ ...base(c), id: randomUUID(), contentType: 'TEXT', content: { text: 'hi' } }] },
		{ kind: 'minimal with createdAt, delivered twice (stable key)', redeliver: true, make: (c) => ({ ...base(c), contentType: 'TEXT', content: { text: 'hi' }, createdAt: stamp() }) },
		{ kind: 'no id but messageId, delivered twice', redeliver: true, make: (c) => ({ ...base(c), messageId: randomUUID(), content: { text: 'hi' } }) },
	];
}

/**
 * Sends `perKind` messages of each plausible kind, each in its own emulator conversation (seeded with the bot as
 * assignee), `concurrency` at a time. Returns per kind: sent, answers (status counts) and the conversations.
 */
async function runPlausible({ url, secret, emu, perKind = 5, concurrency = 8, onAnswer = (_text) => {} }) {
	const list = plausibleKinds();
	const jobs = [];
	for (const k of list) {
		const { conversationIds } = emu.seed({ count: perKind, lastMessageAgoMs: 60_000, withBot: true });
		for (const id of conversationIds) {
			const c = emu.state.conversations.get(id);
			jobs.push({ k, c: { id, from: c.customer.from, to: c.customer.to, channel: c.customer.channel } });
		}
	}
	/** @type {Map<string, { kind: string, redeliver: boolean, sent: number, statuses: Record<string, number>, conversations: string[], sample?: string }>} */
	const results = new Map(list.map((k) => [k.kind, { kind: k.kind, redeliver: Boolean(k.redeliver), sent: 0, statuses: {}, conversations: [] }]));
	let next = 0;
	const started = Date.now();
	const headers = { 'content-type': 'application/json', authorization: secret };
	const worker = async () => {
		while (next < jobs.length) {
			const { k, c } = jobs[next++];
			const body = JSON.stringify(k.make(c));
			const r = /** @type {NonNullable<ReturnType<typeof results.get>>} */ (results.get(k.kind));
			r.conversations.push(c.id);
			for (let n = 0; n < (k.redeliver ? 2 : 1); n++) {
				const answer = await send(url, { headers, body });
				r.sent++;
				const key = answer.status === undefined ? `error: ${answer.error}` : `${answer.status} ${/"status":"(\w+)"/.exec(answer.text)?.[1] ?? ''}`.trim();
				r.statuses[key] = (r.statuses[key] ?? 0) + 1;
				if (answer.status !== 200) r.sample ??= `${key} ${answer.text.slice(0, 200)}`;
				onAnswer(answer.text);
			}
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return { durationMs: Date.now() - started, kinds: [...results.values()] };
}

module.exports = { runAbuse, kinds, send, plausibleKinds, runPlausible };

/**
 * The reliability harness's load balancer (scripts/reliability/balancer.js): round-robin over its backends, a
 * repeated message id always to a different backend than the one that got it last, answers passed through.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface Balancer {
	url: string;
	deliveries: Map<string, number[]>;
	stats: () => { requests: number[]; answers: Record<string, number>[]; errors: number; retried: number; onSeveralBackends: number };
	close: () => Promise<void>;
}
// plain JavaScript (the harnesses run without a build step)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startBalancer } = require('../../../scripts/reliability/balancer.js') as { startBalancer: (o: { backends: string[] }) => Promise<Balancer> };

async function backend(name: string, seen: string[]) {
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			seen.push(`${name} ${req.method} ${req.url} ${req.headers.authorization ?? '-'} ${body}`);
			res.writeHead(name === 'b' && body.includes('"fail"') ? 503 : 200, { 'content-type': 'application/json', 'x-backend': name });
			res.end(JSON.stringify({ from: name }));
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('startBalancer', () => {
	const seen: string[] = [];
	let a: Awaited<ReturnType<typeof backend>>;
	let b: Awaited<ReturnType<typeof backend>>;
	let lb: Balancer;
	beforeAll(async () => {
		a = await backend('a', seen);
		b = await backend('b', seen);
		lb = await startBalancer({ backends: [a.url, b.url] });
	});
	afterAll(async () => {
		await lb.close();
		a.server.close();
		b.server.close();
	});
	beforeEach(() => (seen.length = 0));

	const post = async (body: unknown) => {
		const res = await fetch(`${lb.url}/webhook/x/webhook?q=1`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer s' }, body: JSON.stringify(body) });
		return { status: res.status, backend: res.headers.get('x-backend'), body: await res.json() };
	};

	it('sends requests round-robin, with method, path, headers and body unchanged', async () => {
		const answers = [await post({ id: 'm1' }), await post({ id: 'm2' }), await post({ id: 'm3' })];
		expect(answers.map((x) => x.backend)).toEqual(['a', 'b', 'a']);
		expect(seen[0]).toBe('a POST /webhook/x/webhook?q=1 Bearer s {"id":"m1"}');
	});

	it('sends a redelivered message id to another backend than the one that got it last', async () => {
		const first = await post({ id: 'r1' });
		// the next in turn would be the other backend anyway; take one turn so the repeat would land on the same one
		await post({ text: 'no id' });
		const again = await post({ id: 'r1' });
		const third = await post({ messageId: 'r1' });
		expect(again.backend).not.toBe(first.backend);
		expect(third.backend).not.toBe(again.backend);
		expect(lb.deliveries.get('r1')?.length).toBe(3);
		expect(lb.stats().onSeveralBackends).toBeGreaterThanOrEqual(1);
	});

	it('passes the backend status through and counts answers per backend', async () => {
		const before = lb.stats().answers[1]['503'] ?? 0;
		let x = await post({ id: 'f1', text: 'fail' });
		if (x.backend !== 'b') x = await post({ id: 'f2', text: 'fail' });
		expect(x.status).toBe(503);
		expect(lb.stats().answers[1]['503']).toBe(before + 1);
	});

	it('sends a request again on a fresh connection when the kept-alive one is reset as it is reused', async () => {
		// a backend that drops every connection on its second request, as a server does that closes an idle
		// kept-alive connection just as the balancer reuses it
		const served = new WeakSet<object>();
		let requests = 0;
		const flaky = http.createServer((req, res) => {
			requests++;
			if (served.has(req.socket)) {
				req.socket.destroy();
				return;
			}
			served.add(req.socket);
			req.resume();
			req.on('end', () => res.end('ok'));
		});
		await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', () => r()));
		const one = await startBalancer({ backends: [`http://127.0.0.1:${(flaky.address() as AddressInfo).port}`] });
		try {
			for (let i = 0; i < 3; i++) {
				const res = await fetch(`${one.url}/x`, { method: 'POST', body: `{"id":"k${i}"}` });
				expect([res.status, await res.text()]).toEqual([200, 'ok']);
			}
			expect(one.stats()).toMatchObject({ errors: 0, retried: 2 });
			expect(requests).toBe(5);
		} finally {
			await one.close();
			flaky.closeAllConnections();
			flaky.close();
		}
	});

	it('answers 502 when a backend is down', async () => {
		const dead = await startBalancer({ backends: ['http://127.0.0.1:1'] });
		try {
			const res = await fetch(`${dead.url}/x`, { method: 'POST', body: '{}' });
			expect(res.status).toBe(502);
			expect(dead.stats().errors).toBe(1);
		} finally {
			await dead.close();
		}
	});
});

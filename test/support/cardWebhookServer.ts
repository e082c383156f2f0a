/**
 * A real HTTP server on 127.0.0.1 for the Fetch Context Card tests: echo, Jira-like search, statuses, redirects,
 * slow and dripping answers, and a large streamed answer that records how much was actually sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
	method: string;
	url: string;
	headers: http.IncomingHttpHeaders;
	body: string;
}

export interface TestServer {
	url: string;
	requests: RecordedRequest[];
	/** for /big: bytes written before the client went away, and whether it did */
	big: { written: number; closedEarly: boolean; total: number };
	hits(pathPrefix: string): number;
	close(): Promise<void>;
}

export const JIRA_ISSUE = {
	key: 'SUP-42',
	self: 'https://jira.example.com/rest/api/2/issue/10042',
	fields: { summary: 'Customer cannot log in <after reset>', status: { name: 'In Progress' } },
};

export async function startTestServer(): Promise<TestServer> {
	const requests: RecordedRequest[] = [];
	const big = { written: 0, closedEarly: false, total: 0 };
	const timers = new Set<NodeJS.Timeout>();
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			const url = new URL(req.url ?? '/', 'http://127.0.0.1');
			requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
			const json = (status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}) => {
				res.writeHead(status, { 'content-type': 'application/json', ...headers });
				res.end(JSON.stringify(value));
			};
			const path = url.pathname;
			if (path.startsWith('/echo')) return json(200, { method: req.method, url: req.url, headers: req.headers, body });
			if (path === '/rest/api/2/search' || path === '/rest/api/2/search/jql') {
				const jql = url.searchParams.get('jql') ?? '';
				const m = /"([^"]*)"/.exec(jql);
				if (m && m[1] === 'conv-none') return json(200, { total: 0, issues: [] });
				return json(200, { total: 1, issues: [{ ...JIRA_ISSUE, fields: { ...JIRA_ISSUE.fields, conversation: m?.[1] ?? null } }] });
			}
			if (path.startsWith('/status/')) return json(Number(path.slice(8)), { error: 'status ' + path.slice(8) });
			if (path === '/redirect') {
				res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
				return res.end();
			}
			if (path === '/text') {
				res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
				return res.end('plain answer');
			}
			if (path === '/html') {
				res.writeHead(200, { 'content-type': 'text/html' });
				return res.end('<b>bold</b>');
			}
			if (path === '/not-json') {
				res.writeHead(200, { 'content-type': 'application/json' });
				return res.end('{"broken":');
			}
			if (path === '/slow-headers') {
				const t = setTimeout(() => json(200, { late: true }), Number(url.searchParams.get('ms') ?? 2000));
				timers.add(t);
				return;
			}
			if (path === '/drip') {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.write('{"items":[');
				const t = setInterval(() => res.write('1,'), 50);
				timers.add(t);
				res.on('close', () => clearInterval(t));
				return;
			}
			if (path === '/big') {
				const total = Number(url.searchParams.get('bytes') ?? 50 * 1024 * 1024);
				const withLength = url.searchParams.get('length') === '1';
				big.written = 0;
				big.closedEarly = false;
				big.total = total;
				res.writeHead(200, { 'content-type': 'text/plain', ...(withLength ? { 'content-length': String(total) } : {}) });
				const chunk = Buffer.alloc(64 * 1024, 'a');
				res.on('close', () => {
					if (big.written < total) big.closedEarly = true;
				});
				const pump = (): void => {
					while (big.written < total) {
						const n = Math.min(chunk.length, total - big.written);
						big.written += n;
						if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
							res.once('drain', pump);
							return;
						}
					}
					res.end();
				};
				return pump();
			}
			json(404, { error: 'no route ' + path });
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		big,
		hits: (prefix) => requests.filter((r) => r.url.startsWith(prefix)).length,
		close: async () => {
			for (const t of timers) clearTimeout(t);
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

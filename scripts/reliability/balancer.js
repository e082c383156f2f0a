// @ts-check
/**
 * A round-robin HTTP load balancer in front of several n8n webhook processes, as an operator would put nginx or a
 * cloud load balancer in front of them: each request goes to the next backend in turn, whatever it carries.
 *
 * One deliberate twist for the reliability harness: a request whose JSON body carries a message id (`id` or
 * `messageId`) that an earlier request already carried goes to a *different* backend than the one that got it
 * last — a redelivery of a message always lands on another process, the case where a per-process memory cannot
 * help. (With plain round-robin over two backends that would happen for about half of the redeliveries.)
 *
 * It records which backend got which message id and how each answered, so the harness can report where every
 * delivery went. A backend that cannot be reached is answered 502 (the emulator then retries, as Infobip does),
 * except a kept-alive connection reset as it is reused, which is retried once on a fresh connection. Bodies are read whole before forwarding (Infobip messages are small; the limit is 1 MB).
 */
const http = require('node:http');

const MAX_BODY = 1024 * 1024;

/** @param {Buffer} body */
function messageIdOf(body) {
	try {
		const json = JSON.parse(body.toString('utf8'));
		const id = json?.id ?? json?.messageId;
		return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
	} catch {
		return undefined;
	}
}

/**
 * @param {{ backends: string[], redeliveryToAnother?: boolean }} options backends: base URLs (http://host:port)
 * @returns {Promise<{
 *   url: string,
 *   stats: () => {
 *     requests: number[], answers: Record<string, number>[], errors: number, retried: number,
 *     messages: number, deliveredMoreThanOnce: number, onSeveralBackends: number,
 *   },
 *   deliveries: Map<string, number[]>,
 *   close: () => Promise<void>,
 * }>}
 */
async function startBalancer({ backends, redeliveryToAnother = true }) {
	if (!backends.length) throw new Error('the load balancer needs at least one backend');
	const targets = backends.map((b) => new URL(b));
	const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
	/** @type {Map<string, number[]>} backend indexes per message id, in delivery order */
	const deliveries = new Map();
	const requests = backends.map(() => 0);
	/** @type {Record<string, number>[]} */
	const answers = backends.map(() => ({}));
	let errors = 0;
	let retried = 0;
	let next = 0;

	const server = http.createServer((req, res) => {
		/** @type {Buffer[]} */
		const chunks = [];
		let size = 0;
		req.on('data', (c) => {
			size += c.length;
			if (size > MAX_BODY) {
				res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('request too large for the load balancer\n');
				req.destroy();
				return;
			}
			chunks.push(c);
		});
		req.on('end', () => {
			if (res.headersSent) return;
			const body = Buffer.concat(chunks);
			const id = messageIdOf(body);
			let index = next;
			next = (next + 1) % targets.length;
			const earlier = id === undefined ? undefined : deliveries.get(id);
			if (redeliveryToAnother && earlier?.length && targets.length > 1 && index === earlier[earlier.length - 1]) index = (index + 1) % targets.length;
			if (id !== undefined) deliveries.set(id, [...(earlier ?? []), index]);
			requests[index]++;
			const target = targets[index];
			const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
			delete headers['transfer-encoding'];
			const forward = (/** @type {number} */ attempt) => {
				const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent }, (up) => {
					answers[index][up.statusCode ?? 0] = (answers[index][up.statusCode ?? 0] ?? 0) + 1;
					res.writeHead(up.statusCode ?? 502, up.headers);
					up.pipe(res);
				});
				upstream.on('error', (/** @type {NodeJS.ErrnoException} */ error) => {
					// a kept-alive connection the backend closed just as it was reused: the request never reached
					// it, so it is sent again on a fresh connection (what Node's docs advise for reusedSocket)
					if (attempt === 0 && upstream.reusedSocket && error.code === 'ECONNRESET') {
						retried++;
						forward(1);
						return;
					}
					errors++;
					if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
					res.end(`bad gateway: ${error.message}\n`);
				});
				upstream.end(body);
			};
			forward(0);
		});
	});
	server.keepAliveTimeout = 30_000;
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${port}`,
		deliveries,
		stats: () => {
			let deliveredMoreThanOnce = 0;
			let onSeveralBackends = 0;
			for (const list of deliveries.values()) {
				if (list.length > 1) deliveredMoreThanOnce++;
				if (new Set(list).size > 1) onSeveralBackends++;
			}
			return { requests: [...requests], answers: answers.map((a) => ({ ...a })), errors, retried, messages: deliveries.size, deliveredMoreThanOnce, onSeveralBackends };
		},
		close: async () => {
			server.closeAllConnections?.();
			await new Promise((resolve) => server.close(() => resolve(undefined)));
			agent.destroy();
		},
	};
}

module.exports = { startBalancer };

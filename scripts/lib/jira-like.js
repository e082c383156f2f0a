// @ts-check
/**
 * A small Jira-like HTTP endpoint on 127.0.0.1 for the context-card example in the demo, e2e and benchmarks:
 * `GET /rest/api/2/search/jql?jql=…` answers the newest issue whose text mentions the conversation id
 * (Basic auth email:apiToken, as Jira Cloud's credential sends it). Records every request it gets.
 * `latencyMs` delays every answer (the benchmark's "remote API" case).
 */
const http = require('node:http');

/**
 * @param {{ email?: string, apiToken?: string, issues?: Record<string, { key: string, summary: string, status: string }>, latencyMs?: number }} [options]
 */
async function startJiraLike(options = {}) {
	const email = options.email ?? 'agent@example.com';
	const apiToken = options.apiToken ?? 'jira-api-token-e2e';
	const expected = `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;
	const issues = options.issues ?? {};
	/** @type {Array<{ method?: string, url?: string, authorized: boolean }>} */
	const requests = [];
	const server = http.createServer((req, res) => {
		if (options.latencyMs) {
			setTimeout(() => answer(req, res), options.latencyMs);
			return;
		}
		answer(req, res);
	});
	/** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
	function answer(req, res) {
		const url = new URL(req.url ?? '/', 'http://jira.local');
		const authorized = req.headers.authorization === expected;
		requests.push({ method: req.method, url: req.url, authorized });
		res.setHeader('content-type', 'application/json');
		if (!authorized) {
			res.statusCode = 401;
			return res.end(JSON.stringify({ errorMessages: ['You are not authenticated. Authentication required to perform this operation.'] }));
		}
		if (url.pathname !== '/rest/api/2/search/jql') {
			res.statusCode = 404;
			return res.end(JSON.stringify({ errorMessages: ['Not found'] }));
		}
		const jql = url.searchParams.get('jql') ?? '';
		const match = Object.entries(issues).find(([conversationId]) => jql.includes(conversationId));
		const base = `http://${req.headers.host}`;
		const found = match
			? [{ id: '10042', key: match[1].key, self: `${base}/rest/api/2/issue/10042`, fields: { summary: match[1].summary, status: { name: match[1].status } } }]
			: [];
		return res.end(JSON.stringify({ issues: found, isLast: true }));
	}
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${port}`,
		email,
		apiToken,
		issues,
		requests,
		close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
	};
}

module.exports = { startJiraLike };

// @ts-check
/**
 * Part 4 — Fetch Context Card with hostile conversation values, in real n8n. A Webhook passes each value set to
 * Fetch Context Card (Define Below), which calls a local echo server; the echo server records the exact request
 * line and headers and answers with a hostile response (a javascript: link, HTML, and the credential it received).
 * Per case: the request line keeps its shape (one path segment, the query keys of the template, values decoded
 * back exactly), the card shows every value as text, the echoed credential is redacted — or, for the values that
 * must not be sent at all (a ".." path segment, a line break in a header), the item fails before any call with a
 * message naming the problem. A second workflow renders runaway templates (Preview mode) and must be stopped by
 * the node's limits with an error naming the limit. The shipped card example (examples/context-card-jira.json,
 * pointed at a local Jira-like endpoint) must refuse every caller without the card's Authorization header or with a
 * wrong one: 401, no Jira call, no execution — and still serve Infobip's request with the header.
 */
const http = require('node:http');
const { randomBytes } = require('node:crypto');

const { loadExample, sleep } = require('../lib/n8n');

const CARD_WORKFLOW_ID = 'relCardFlow0001';
const RUNAWAY_WORKFLOW_ID = 'relCardLimit001';
const CARD_EXAMPLE_WORKFLOW_ID = 'relCardExample1';
const CARD_PATH = 'rel-card-hostile';
const RUNAWAY_PATH = 'rel-card-runaway';

/** Records every request line as received and answers JSON that echoes it (and the credential header). */
async function startEchoServer() {
	/** @type {Array<{ method: string, url: string, headers: http.IncomingHttpHeaders }>} */
	const requests = [];
	const server = http.createServer((req, res) => {
		requests.push({ method: String(req.method), url: String(req.url), headers: req.headers });
		req.resume();
		req.on('end', () => {
			const body = JSON.stringify({
				rawUrl: req.url,
				link: 'javascript:alert(document.cookie)',
				note: '<img src=x onerror=alert(1)>',
				youSent: req.headers['x-card-token'] ?? null,
			});
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(body);
		});
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		close: () => new Promise((r) => server.close(() => r(undefined))),
	};
}

const LONG = Array.from({ length: 400 }, (_, i) => `<b>${i}</b>&"'/?#`).join(' ');

/** Hostile values; `field` is where the value goes, `expect` what must happen. */
const CASES = [
	{ name: 'script tag in the display name', field: 'customerDisplayName', value: '<script>alert(1)</script>' },
	{ name: 'path and query injection in the display name', field: 'customerDisplayName', value: '../../admin?x=1#' },
	{ name: 'HTML attribute breakout', field: 'customerDisplayName', value: '"\'><img src=x onerror=alert(1)>' },
	{ name: 'backslashes, percent escapes and NUL', field: 'customerDisplayName', value: 'a\\b/c%2F..%00\u0000end' },
	{ name: 'CR/LF (request splitting) in the display name', field: 'customerDisplayName', value: 'evil\r\nX-Injected: 1\r\n\r\nGET /admin HTTP/1.1' },
	{ name: 'unicode: accents, emoji, RTL override, zero-width, CJK', field: 'customerDisplayName', value: 'Željko 😀 \u202eevil\u202c \u200b 中文' },
	{ name: 'very long value (10 KB of markup)', field: 'customerDisplayName', value: LONG },
	{ name: 'Liquid in a value is not run', field: 'customerDisplayName', value: '{{ 1234 | times: 5678 }}{% for i in (1..3) %}x{% endfor %}' },
	{ name: 'query injection in the conversation id', field: 'conversationId', value: '1&admin=true&conversation=2#frag' },
	{ name: 'query injection in the agent id', field: 'agentId', value: 'a=1;b=2&agent=root' },
	{ name: 'a ".." path segment', field: 'customerDisplayName', value: '..', refused: /"\.\." segment/ },
	{ name: 'CR/LF in a header value', field: 'customerNumber', value: '+385 91\r\nX-Evil: yes', refused: /line break/ },
];

const BASE_VALUES = { conversationId: 'conv-card-1', customerDisplayName: 'Ana', customerNumber: '+385911234567', agentId: 'agent-1' };

function cardWorkflows(echoUrl, credential) {
	const field = (name) => `={{ $json.body.${name} }}`;
	const card = {
		id: CARD_WORKFLOW_ID,
		name: 'Reliability: context card with hostile values',
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'c0000000-0000-4000-8000-000000000001',
				name: 'Card Request',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: 'c0000000-0000-4000-8000-0000000000aa',
				parameters: { httpMethod: 'POST', path: CARD_PATH, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} },
			},
			{
				id: 'c0000000-0000-4000-8000-000000000002',
				name: 'Fetch Context Card',
				type: 'n8n-nodes-infobip-conversations.infobipContextCard',
				typeVersion: 1,
				position: [240, 0],
				onError: 'continueRegularOutput',
				credentials: { httpHeaderAuth: { id: credential.id, name: credential.name } },
				parameters: {
					mode: 'fetch',
					method: 'GET',
					url: `${echoUrl}/card/{{ conversation.customerDisplayName }}?conversation={{ conversation.conversationId }}&agent={{ conversation.agentId }}`,
					authentication: 'genericCredentialType',
					genericAuthType: 'httpHeaderAuth',
					conversationSource: 'define',
					conversationId: field('conversationId'),
					customerDisplayName: field('customerDisplayName'),
					customerNumber: field('customerNumber'),
					agentId: field('agentId'),
					sendHeaders: true,
					headers: { header: [{ name: 'X-Customer-Number', value: '{{ conversation.customerNumber }}' }] },
					cardTemplate:
						'<div class="card" title="{{ conversation.customerDisplayName }}"><span class="name">{{ conversation.customerDisplayName }}</span><span class="conversation">{{ conversation.conversationId }}</span><span class="agent">{{ conversation.agentId }}</span><span class="number">{{ conversation.customerNumber }}</span></div><a href="{{ response.link | safe_url }}">link</a><p>{{ response.note }}</p><p>{{ response.youSent }}</p>',
					options: { responseFormat: 'json', timeout: 5000 },
				},
			},
		],
		connections: { 'Card Request': { main: [[{ node: 'Fetch Context Card', type: 'main', index: 0 }]] } },
	};
	const runaway = (id, name, template, y) => ({
		id,
		name,
		type: 'n8n-nodes-infobip-conversations.infobipContextCard',
		typeVersion: 1,
		position: [240, y],
		onError: 'continueRegularOutput',
		// Preview renders from the sample response without calling anything; the URL (optional in Preview) is set so
		// the harness can check it is never called
		parameters: { mode: 'preview', url: `${echoUrl}/never-called`, cardTemplate: template, sampleResponse: '{"items": [1, 2, 3]}' },
	});
	const limits = {
		id: RUNAWAY_WORKFLOW_ID,
		name: 'Reliability: runaway card templates',
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'd0000000-0000-4000-8000-000000000001',
				name: 'Runaway Request',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: 'd0000000-0000-4000-8000-0000000000aa',
				parameters: { httpMethod: 'GET', path: RUNAWAY_PATH, responseMode: 'responseNode', options: {} },
			},
			runaway('d0000000-0000-4000-8000-000000000002', 'Endless loop', '{% for i in (1..3000) %}{% for j in (1..3000) %}{% endfor %}{% endfor %}', 0),
			runaway('d0000000-0000-4000-8000-000000000003', 'Exploding string', '{% assign s = "xxxxxxxxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}', 150),
			runaway('d0000000-0000-4000-8000-000000000004', 'Huge template', `<div>${'x'.repeat(100_001)}</div>`, 300),
			{
				id: 'd0000000-0000-4000-8000-000000000005',
				name: 'Respond',
				type: 'n8n-nodes-base.respondToWebhook',
				typeVersion: 1.5,
				position: [480, 0],
				parameters: {
					respondWith: 'json',
					responseBody: "={{ JSON.stringify({ loop: $('Endless loop').first().json, string: $('Exploding string').first().json, size: $('Huge template').first().json }) }}",
					options: {},
				},
			},
		],
		connections: {
			'Runaway Request': { main: [[{ node: 'Endless loop', type: 'main', index: 0 }]] },
			'Endless loop': { main: [[{ node: 'Exploding string', type: 'main', index: 0 }]] },
			'Exploding string': { main: [[{ node: 'Huge template', type: 'main', index: 0 }]] },
			'Huge template': { main: [[{ node: 'Respond', type: 'main', index: 0 }]] },
		},
	};
	return [card, limits];
}

const decodeHtml = (s) =>
	s
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&apos;/g, "'")
		.replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
		.replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
		.replace(/&amp;/g, '&');

/** Runs every case against the card workflow; returns per-case results with `ok` and `problems`. */
async function runCards({ n8n, echo, cardSecret }) {
	const url = `${n8n.url}/webhook/${CARD_PATH}`;
	// the webhook answers 404 until the published workflow is registered
	for (let i = 0; i < 80; i++) {
		const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(BASE_VALUES) });
		await res.text();
		if (res.status === 200) break;
		await new Promise((r) => setTimeout(r, 250));
	}
	const results = [];
	for (const c of CASES) {
		const values = { ...BASE_VALUES, [c.field]: c.value };
		const before = echo.requests.length;
		const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(values) });
		const item = /** @type {any} */ (await res.json().catch(() => ({})));
		const sent = echo.requests.slice(before);
		/** @type {string[]} */
		const problems = [];
		if (c.refused) {
			if (sent.length) problems.push(`a request was sent: ${sent[0].url}`);
			if (!c.refused.test(String(item.error ?? ''))) problems.push(`expected an error matching ${c.refused}, got ${JSON.stringify(item).slice(0, 300)}`);
			results.push({ name: c.name, outcome: 'refused before any call', ok: problems.length === 0, problems, requestLine: null, error: item.error ?? null });
			continue;
		}
		if (sent.length !== 1) {
			problems.push(`expected exactly one request, got ${sent.length}; item ${JSON.stringify(item).slice(0, 300)}`);
			results.push({ name: c.name, outcome: 'no request', ok: false, problems, requestLine: null });
			continue;
		}
		const line = sent[0].url;
		// the request line: no whitespace or control characters, one path segment after /card/, exactly the two query keys
		if (/[\s\u0000-\u001f\u007f]/.test(line)) problems.push('raw whitespace or control character in the request line');
		if (line.includes('#')) problems.push('a fragment reached the request line');
		const parsed = new URL(line, 'http://x');
		const segments = parsed.pathname.split('/');
		if (segments.length !== 3 || segments[1] !== 'card') problems.push(`path has ${segments.length - 1} segments: ${parsed.pathname.slice(0, 120)}`);
		else if (decodeURIComponent(segments[2]) !== values.customerDisplayName) problems.push('the display name does not decode back exactly');
		const keys = [...parsed.searchParams.keys()];
		if (keys.join(',') !== 'conversation,agent') problems.push(`query keys ${keys.join(',')}`);
		if (parsed.searchParams.get('conversation') !== values.conversationId) problems.push('conversation id does not decode back exactly');
		if (parsed.searchParams.get('agent') !== values.agentId) problems.push('agent id does not decode back exactly');
		if (sent[0].headers['x-customer-number'] !== values.customerNumber) problems.push('header value changed');
		if (sent[0].headers['x-injected'] !== undefined) problems.push('an injected header arrived');
		// the card: every value shown as text, the javascript: link neutralised, the echoed credential redacted
		const html = String(item.html ?? '');
		const title = /<div class="card" title="([^"]*)">/.exec(html);
		const span = (cls) => {
			const m = new RegExp(`<span class="${cls}">([^<]*)</span>`).exec(html);
			return m ? decodeHtml(m[1]) : undefined;
		};
		if (!title || span('name') === undefined) problems.push(`card markup broken: ${html.slice(0, 200)}`);
		else {
			if (span('name') !== values.customerDisplayName) problems.push(`display name not shown exactly as text: ${html.slice(0, 200)}`);
			if (decodeHtml(title[1]) !== values.customerDisplayName) problems.push('display name not escaped in the attribute');
			if (span('conversation') !== values.conversationId || span('agent') !== values.agentId || span('number') !== values.customerNumber) problems.push('ids not shown exactly');
		}
		if (/<script|<img/i.test(html)) problems.push('markup from a value or the response reached the card');
		if (!html.includes('href="#"')) problems.push('javascript: link not neutralised');
		if (/7006652/.test(html)) problems.push('Liquid inside a value was executed');
		if (html.includes(cardSecret) || JSON.stringify(item).includes(cardSecret)) problems.push('card credential in the output');
		if (!html.includes('[redacted]')) problems.push('echoed credential not shown as [redacted]');
		results.push({ name: c.name, outcome: 'encoded and escaped', ok: problems.length === 0, problems, requestLine: line.length > 160 ? `${line.slice(0, 160)}… (${line.length} chars)` : line });
	}
	return results;
}

/** Renders the runaway templates; each must fail with an error naming its limit. */
async function runRunaway({ n8n, echo }) {
	const calls = echo.requests.length;
	const url = `${n8n.url}/webhook/${RUNAWAY_PATH}`;
	let body = {};
	let status = 0;
	const started = Date.now();
	let text = '';
	for (let i = 0; i < 80; i++) {
		const res = await fetch(url);
		status = res.status;
		text = await res.text();
		// 404 until the published workflow's webhook is registered
		if (status !== 404) break;
		await new Promise((r) => setTimeout(r, 250));
	}
	try {
		body = JSON.parse(text);
	} catch {
		body = {};
	}
	const expectations = [
		{ key: 'loop', name: 'nested loops, 9 million iterations', limit: /render time limit \(1,000 ms\)/ },
		{ key: 'string', name: 'a string doubled 40 times (16 TB)', limit: /memory limit \(10,000,000 allocation units\)/ },
		{ key: 'size', name: 'template of 100,001+ characters', limit: /100,000 characters/ },
	];
	return {
		status,
		durationMs: Date.now() - started,
		callsMade: echo.requests.length - calls,
		results: expectations.map((e) => {
			const out = /** @type {any} */ (body)[e.key] ?? {};
			const message = String(out.error ?? '');
			return { name: e.name, ok: e.limit.test(message), error: message.slice(0, 240) };
		}),
	};
}

/**
 * examples/context-card-jira.json as a user sets it up: the Jira URL pointed at `jira` (scripts/lib/jira-like.js),
 * its credentials (a Jira Cloud one, the card webhook header with a secret unique to this run) linked by id.
 */
function cardExample(jira) {
	const secret = `Bearer rel-card-${randomBytes(12).toString('hex')}`;
	const credentials = [
		{ id: 'relJiraCred0001', name: 'Jira SW Cloud account', type: 'jiraSoftwareCloudApi', data: { email: jira.email, apiToken: jira.apiToken, domain: 'https://your-domain.atlassian.net' } },
		{ id: 'relCardHook0001', name: 'Infobip Context Card Webhook account', type: 'infobipCardWebhookApi', data: { headerName: 'Authorization', headerValue: secret } },
	];
	const wf = loadExample('context-card-jira.json');
	const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-infobip-conversations.infobipContextCardTrigger');
	const card = wf.nodes.find((n) => n.type === 'n8n-nodes-infobip-conversations.infobipContextCard');
	if (!trigger || !card) throw new Error('examples/context-card-jira.json has no Infobip Context Card Trigger → Fetch Context Card');
	card.parameters.url = String(card.parameters.url).replace('https://your-domain.atlassian.net', jira.url);
	card.credentials = { jiraSoftwareCloudApi: { id: credentials[0].id, name: credentials[0].name } };
	trigger.credentials = { infobipCardWebhookApi: { id: credentials[1].id, name: credentials[1].name } };
	jira.issues['conv-rel-card-1'] = { key: 'SUP-7', summary: 'Reliability card', status: 'Open' };
	return { workflow: { ...wf, id: CARD_EXAMPLE_WORKFLOW_ID }, webhookId: trigger.webhookId, secret, credentials };
}

/**
 * `callers` card requests without the header, with wrong values and with the right value in other headers (10 at
 * a time, each for another guessed conversation id), then Infobip's own request with the header.
 */
async function runCardExampleRefusals({ n8n, jira, example, callers = 60 }) {
	const base = n8n.webhookUrl(example.webhookId, 'card');
	// 404 until the published workflow's webhook is registered; a probe without the header gets 401 once it is
	for (let i = 0; i < 80; i++) {
		const res = await fetch(`${base}?conversationId=probe`);
		await res.text();
		if (res.status !== 404) break;
		await sleep(250);
	}
	const kinds = [
		['no header', () => ({})],
		['a wrong Authorization value', (i) => ({ authorization: `Bearer guess-${i}` })],
		['the secret without its scheme', () => ({ authorization: example.secret.replace(/^Bearer /, '') })],
		['the secret with one character changed', () => ({ authorization: `${example.secret.slice(0, -1)}${example.secret.endsWith('0') ? '1' : '0'}` })],
		['the secret in another header', () => ({ 'x-authorization': example.secret })],
		['the secret as a cookie or query value', () => ({ cookie: `authorization=${encodeURIComponent(example.secret)}` })],
	];
	const jiraBefore = jira.requests.length;
	const executionsBefore = (await n8n.executions(CARD_EXAMPLE_WORKFLOW_ID)).length;
	/** @type {Record<string, number>} */
	const statuses = {};
	const wrongBodies = [];
	const started = Date.now();
	for (let i = 0; i < callers; i += 10) {
		await Promise.all(
			Array.from({ length: Math.min(10, callers - i) }, async (_, j) => {
				const n = i + j;
				const [kind, headers] = kinds[n % kinds.length];
				const query = kind.includes('query') ? `&authorization=${encodeURIComponent(example.secret)}` : '';
				const res = await fetch(`${base}?conversationId=conv-guess-${n}${query}`, { headers: headers(n) });
				const body = /** @type {any} */ (await res.json().catch(() => ({})));
				statuses[res.status] = (statuses[res.status] ?? 0) + 1;
				if (body.error !== 'unauthorized') wrongBodies.push(`${kind}: ${res.status} ${JSON.stringify(body).slice(0, 120)}`);
			}),
		);
	}
	const durationMs = Date.now() - started;
	await sleep(1500);
	const executions = (await n8n.executions(CARD_EXAMPLE_WORKFLOW_ID)).length - executionsBefore;
	const jiraCalls = jira.requests.length - jiraBefore;
	// and the card still works for Infobip
	const res = await fetch(`${base}?conversationId=conv-rel-card-1`, { headers: { authorization: example.secret } });
	const html = await res.text();
	const rows = await n8n.waitForExecutions(CARD_EXAMPLE_WORKFLOW_ID, (r) => r.length >= executionsBefore + 1, { timeoutMs: 30_000 }).catch(() => []);
	return {
		callers,
		kinds: kinds.map(([k]) => k),
		statuses,
		wrongBodies,
		jiraCalls,
		executions,
		durationMs,
		authorized: { status: res.status, contentType: res.headers.get('content-type'), showsIssue: html.includes('SUP-7'), jiraCalls: jira.requests.length - jiraBefore - jiraCalls, executions: rows.length - executionsBefore },
	};
}

module.exports = {
	startEchoServer,
	cardWorkflows,
	runCards,
	runRunaway,
	cardExample,
	runCardExampleRefusals,
	CARD_WORKFLOW_ID,
	RUNAWAY_WORKFLOW_ID,
	CARD_EXAMPLE_WORKFLOW_ID,
	CASES,
};

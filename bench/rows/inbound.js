// @ts-check
/**
 * Row 1 — inbound messages through a real n8n 2.40.7, against the right baselines.
 *
 * One n8n (with N8N_METRICS=true), four published workflows of the same shape (start node → No Operation):
 *   trigger          the package's Infobip Conversations Trigger with its default options (header auth against an
 *                    Infobip Bot Webhook credential with the Credential Cache of 60 s, size limit, JSON and shape
 *                    validation, deduplication in workflow static data), its dedupe store already holding 4,999
 *                    recent message ids — the steady state of a bot with ≥ 5,000 messages a day;
 *   trigger-nocache  the same with Credential Cache 0: the credential is loaded for every message (the "before");
 *   webhook-auth     n8n's Webhook node (n8n-nodes-base.webhook 2.1, POST, Respond: Immediately) with Header Auth —
 *                    like for like: it loads an httpHeaderAuth credential for every call;
 *   webhook          the same Webhook node without authentication.
 * (--profile adds the trigger with Deduplication Store Redis — a private redis-server, as the reliability harness
 * starts it — to the measured variants, then reruns with n8n's isolate exception for its own Webhook node switched
 * off, adding the trigger with deduplication off and with a 1,000-id store.)
 *
 * Same payload (an Infobip inbound message with a unique conversation and message id and the Authorization header
 * the trigger and the Header Auth credential expect — sent to all) and the same clients for every variant:
 *   throughput  a fixed number of requests over 8 keep-alive connections, each sending one after the other:
 *               accepted answers per second (HTTP 200 answers / first request to last answer) and executions
 *               completed per second (executions of the round in n8n's database / first request to the last
 *               execution's stoppedAt). The next round starts once every execution has finished.
 *   bursts      50 and 200 customers writing at the same moment: each one message, all sent at once, each on a
 *               connection of its own: acknowledgement latency p50/p99 (request sent → answer read).
 *   isolates    n8n's Prometheus counter n8n_expression_pool_acquired_total (expression-engine bridges, i.e. V8
 *               isolates, taken from the pool) read from GET /metrics before a round and after its executions
 *               finished: acquisitions per accepted message.
 * Goals (issue 14): executions/s ≥ 1.0× the Header-Auth Webhook; ack p99 for a 50-customer burst ≤ 1 s; answers/s
 * ≥ 0.95× the Header-Auth Webhook.
 */
const { randomUUID } = require('node:crypto');
const path = require('node:path');

const { Pool } = require('undici');

const { alternate, median, now, sleep, fmt } = require('../lib/measure');
const { startBenchN8n, dbTime } = require('../lib/n8nBench');
const { ROOT } = require('../lib/ts');
const { loadExample } = require('../../scripts/lib/n8n');
const { startRedis } = require('../../scripts/reliability/services');

const SECRET = 'Bearer bench-bot-secret-3c9e1f';
/** One credential per trigger variant: the credential cache is per credential, so they cannot help each other. */
const CREDENTIALS = {
	trigger: { id: 'benchBotHook001', name: 'Infobip Bot Webhook (bench)', type: 'infobipBotWebhookApi', data: { headerName: 'Authorization', headerValue: SECRET } },
	nocache: { id: 'benchBotHook002', name: 'Infobip Bot Webhook (bench, no cache)', type: 'infobipBotWebhookApi', data: { headerName: 'Authorization', headerValue: SECRET } },
	header: { id: 'benchHeaderAut1', name: 'Header Auth (bench)', type: 'httpHeaderAuth', data: { name: 'Authorization', value: SECRET } },
};
const WF = {
	webhook: 'benchPlainHook01',
	'webhook-auth': 'benchAuthHook001',
	trigger: 'benchTrigger0001',
	'trigger-nocache': 'benchTrigNoCache',
	'trigger-nodedupe': 'benchTrigNoDedup',
	'trigger-1000': 'benchTrigDedup1k',
	'trigger-redis': 'benchTrigRedis01',
};
const LABELS = {
	trigger: 'Infobip Conversations Trigger (defaults: Credential Cache 60 s, dedupe store full)',
	'trigger-nocache': 'Infobip Conversations Trigger, Credential Cache 0 (credential loaded per message: the before)',
	'webhook-auth': "n8n's Webhook node with Header Auth (POST, respond immediately)",
	webhook: "n8n's Webhook node without auth (POST, respond immediately)",
	'trigger-nodedupe': 'Infobip Conversations Trigger, deduplication off',
	'trigger-1000': 'Infobip Conversations Trigger, 1,000-id dedupe store',
	'trigger-redis': 'Infobip Conversations Trigger, Deduplication Store Redis',
};
const NOOP = { parameters: {}, name: 'No Operation, do nothing', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0] };
const ISOLATE_METRIC = 'n8n_expression_pool_acquired_total';

function triggerNode(options, credential) {
	const example = loadExample('external-bot.json').nodes.find((n) => n.type === 'n8n-nodes-infobip-conversations.infobipConversationsTrigger');
	return {
		...example,
		id: randomUUID(),
		webhookId: randomUUID(),
		parameters: { ...example.parameters, triggerOptions: options },
		credentials: { infobipBotWebhookApi: { id: credential.id, name: credential.name } },
	};
}

function webhookNode(hookPath, auth) {
	return {
		parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'onReceived', options: {}, ...(auth ? { authentication: 'headerAuth' } : {}) },
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		position: [0, 0],
		webhookId: randomUUID(),
		...(auth ? { credentials: { httpHeaderAuth: { id: CREDENTIALS.header.id, name: CREDENTIALS.header.name } } } : {}),
	};
}

function workflow(id, name, start, staticData) {
	return {
		id,
		name,
		nodes: [start, { ...NOOP, id: randomUUID() }],
		connections: { [start.name]: { main: [[{ node: NOOP.name, type: 'main', index: 0 }]] } },
		...(staticData ? { staticData } : {}),
	};
}

/** A dedupe store with `count` recent ids, in the trigger's own format (its helper, from dist/). */
function prefilledStore(count) {
	const { messageKey, STORE_VERSION } = require(path.join(ROOT, 'dist/nodes/InfobipConversationsTrigger/helpers/dedupe.js'));
	const at = Math.floor(Date.now() / 1000).toString(36);
	return { v: STORE_VERSION, entries: Array.from({ length: count }, (_, i) => messageKey(`prefill-${i}`) + at) };
}

const messageBody = (runTag, k, createdAt) =>
	JSON.stringify({
		conversationId: `bench-conv-${runTag}-${k}`,
		id: `bench-msg-${runTag}-${k}`,
		from: '385911111111',
		to: '447860099299',
		channel: 'WHATSAPP',
		direction: 'INBOUND',
		contentType: 'TEXT',
		content: { text: 'Hello, I would like to know where my order is.' },
		createdAt,
	});

/** Nearest-rank percentile of sorted values. */
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];

/**
 * `total` requests from `connections` clients, each sending one after the other (`burst`: `total` clients on a
 * connection each, all sent at once).
 * @param {string} url
 * @param {number} total
 * @param {number} connections
 * @param {string} runTag
 */
async function blast(url, total, connections, runTag) {
	const { origin, pathname } = new URL(url);
	const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
	const statuses = /** @type {Record<string, number>} */ ({});
	const latencies = new Array(total);
	let accepted = 0;
	let next = 0;
	const createdAt = new Date().toISOString();
	const bodies = Array.from({ length: total }, (_, k) => messageBody(runTag, k, createdAt));
	const startedWall = Date.now();
	const started = now();
	const worker = async () => {
		while (next < total) {
			const k = next++;
			const t = now();
			try {
				const res = await pool.request({ origin, path: pathname, method: 'POST', headers: { 'content-type': 'application/json', authorization: SECRET }, body: bodies[k] });
				const text = await res.body.text();
				statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
				if (res.statusCode === 200 && !/duplicate|ignored/.test(text)) accepted++;
			} catch (error) {
				statuses[/** @type {any} */ (error).code ?? 'error'] = (statuses[/** @type {any} */ (error).code ?? 'error'] ?? 0) + 1;
			}
			latencies[k] = now() - t;
		}
	};
	await Promise.all(Array.from({ length: connections }, worker));
	const answerMs = now() - started;
	await pool.close();
	latencies.sort((a, b) => a - b);
	return { startedWall, answerMs, accepted, statuses, p50: pct(latencies, 0.5), p95: pct(latencies, 0.95), p99: pct(latencies, 0.99), max: latencies[total - 1] };
}

/** Waits until the round's executions (ids above `afterId`) have all finished; returns their count and the last stoppedAt. */
async function drain(n8n, workflowId, afterId, expected, timeoutMs = 300_000) {
	const deadline = Date.now() + timeoutMs;
	let row = { n: 0, open: 0, failed: 0, last: null, maxId: afterId };
	while (Date.now() < deadline) {
		[row] = await n8n.query(
			`SELECT COUNT(*) AS n, SUM(CASE WHEN status IN ('new','running','waiting') OR stoppedAt IS NULL THEN 1 ELSE 0 END) AS open,
			 SUM(CASE WHEN status NOT IN ('new','running','waiting','success') THEN 1 ELSE 0 END) AS failed,
			 MAX(stoppedAt) AS last, MAX(id) AS maxId FROM execution_entity WHERE workflowId = ? AND id > ?`,
			[workflowId, afterId],
		);
		if (row.n >= expected && !row.open) return row;
		await sleep(500);
	}
	throw new Error(`executions of ${workflowId} did not finish: ${JSON.stringify(row)}`);
}

async function lastExecutionId(n8n) {
	const [row] = await n8n.query('SELECT COALESCE(MAX(id), 0) AS id FROM execution_entity');
	return Number(row.id);
}

/** n8n's count of expression isolates taken from the pool (NaN when the metric is not exposed). */
async function isolatesAcquired(n8n) {
	const res = await fetch(`${n8n.url}/metrics`);
	const text = await res.text();
	const line = text.split('\n').find((l) => l.startsWith(`${ISOLATE_METRIC} `) || l.startsWith(`${ISOLATE_METRIC}{`));
	return line ? Number(line.split(/\s+/).pop()) : NaN;
}

/**
 * @param {{ rounds: number, warmup: number, quick: boolean, profile?: boolean, log: (l: string) => void, install: any }} ctx
 */
async function run({ rounds, warmup, quick, log, install, profile }) {
	// sized so the row takes about 5 minutes on a quiet 2-core machine (--quick: about 2)
	const perRound = quick ? 40 : 100;
	const connections = 8;
	const throughputRounds = quick ? 1 : Math.min(rounds, 3);
	const bursts = [
		{ size: 50, rounds: quick ? 1 : 2 },
		{ size: 200, rounds: 1 },
	];
	const trigger = triggerNode({ includeNonText: true }, CREDENTIALS.trigger);
	const nocache = triggerNode({ includeNonText: true, credentialCacheSeconds: 0 }, CREDENTIALS.nocache);
	const nodedupe = triggerNode({ includeNonText: true, dedupeWindowHours: 0 }, CREDENTIALS.trigger);
	const dedupe1k = triggerNode({ includeNonText: true, dedupeMaxEntries: 1000 }, CREDENTIALS.trigger);
	const storeKey = `node:${trigger.name}`;
	const redis = profile ? await startRedis({ log }) : undefined;
	const redisCredential = redis && { id: 'benchRedisCred01', name: 'Redis (bench)', type: 'infobipDedupeRedisApi', data: { host: '127.0.0.1', port: redis.port, database: 0, user: '', password: '', ssl: false, disableTlsVerification: false } };
	const withRedis = triggerNode({ includeNonText: true }, CREDENTIALS.trigger);
	withRedis.parameters = { ...withRedis.parameters, deduplicationStore: 'redis' };
	if (redisCredential) withRedis.credentials = { ...withRedis.credentials, infobipDedupeRedisApi: { id: redisCredential.id, name: redisCredential.name } };
	const workflows = {
		webhook: workflow(WF.webhook, 'Bench: Webhook → NoOp', webhookNode('bench-plain', false)),
		'webhook-auth': workflow(WF['webhook-auth'], 'Bench: Webhook (Header Auth) → NoOp', webhookNode('bench-header-auth', true)),
		trigger: workflow(WF.trigger, 'Bench: Infobip trigger → NoOp', trigger, { [storeKey]: { dedupe: prefilledStore(4999) } }),
		'trigger-nocache': workflow(WF['trigger-nocache'], 'Bench: Infobip trigger (Credential Cache 0) → NoOp', nocache, { [storeKey]: { dedupe: prefilledStore(4999) } }),
		// profile only: deduplication off, and a store kept to 1,000 ids
		'trigger-nodedupe': workflow(WF['trigger-nodedupe'], 'Bench: Infobip trigger (no dedupe) → NoOp', nodedupe),
		'trigger-1000': workflow(WF['trigger-1000'], 'Bench: Infobip trigger (1,000 ids) → NoOp', dedupe1k, { [storeKey]: { dedupe: prefilledStore(999) } }),
		'trigger-redis': workflow(WF['trigger-redis'], 'Bench: Infobip trigger (Redis store) → NoOp', withRedis),
	};
	const main = ['webhook-auth', 'trigger', 'trigger-nocache', 'webhook', ...(profile ? ['trigger-redis'] : [])];
	const used = profile ? Object.keys(workflows) : main;
	const started = await startBenchN8n({
		install,
		log,
		env: { N8N_METRICS: 'true' },
		credentials: [...Object.values(CREDENTIALS), ...(redisCredential ? [redisCredential] : [])],
		workflows: used.map((name) => workflows[name]),
		activate: used.map((name) => WF[name]),
	}).catch(async (error) => {
		await redis?.stop();
		throw error;
	});
	const { n8n } = started;
	const stop = async () => {
		await started.stop();
		await redis?.stop();
	};
	try {
		const urls = {
			webhook: `${n8n.url}/webhook/bench-plain`,
			'webhook-auth': `${n8n.url}/webhook/bench-header-auth`,
			trigger: n8n.webhookUrl(trigger.webhookId, 'webhook'),
			'trigger-nocache': n8n.webhookUrl(nocache.webhookId, 'webhook'),
			'trigger-nodedupe': n8n.webhookUrl(nodedupe.webhookId, 'webhook'),
			'trigger-1000': n8n.webhookUrl(dedupe1k.webhookId, 'webhook'),
			'trigger-redis': n8n.webhookUrl(withRedis.webhookId, 'webhook'),
		};
		const [stored] = await n8n.query('SELECT length(staticData) AS bytes FROM workflow_entity WHERE id = ?', [WF.trigger]);
		if (!(Number(stored?.bytes) > 50_000)) throw new Error(`the prefilled dedupe store was not imported (${JSON.stringify(stored)})`);
		if (!Number.isFinite(await isolatesAcquired(n8n))) log(`n8n exposes no ${ISOLATE_METRIC} on /metrics (expression engine not "vm"?): isolate counts will be n/a`);
		// the webhooks answer once registered; a wrong secret starts nothing
		for (const [name, url] of Object.entries(urls).filter(([name]) => used.includes(name))) {
			for (let i = 0; i < 60; i++) {
				const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' }, body: name === 'webhook' ? '{"probe":true}' : '{}' });
				await res.text();
				if (res.status !== 404) break;
				await sleep(500);
			}
		}
		let tag = 0;
		/** One round of a variant: `total` requests over `conns` connections, then until its executions finished. */
		const round = async (name, total, conns) => {
			const afterId = await lastExecutionId(n8n);
			const isolatesBefore = await isolatesAcquired(n8n);
			const b = await blast(urls[name], total, conns, `${process.pid}-${++tag}`);
			const d = await drain(n8n, WF[name], afterId, b.accepted);
			const execMs = dbTime(d.last) - b.startedWall;
			const isolates = (await isolatesAcquired(n8n)) - isolatesBefore;
			await sleep(500);
			return {
				...b,
				executions: Number(d.n),
				failedExecutions: Number(d.failed),
				acceptedPerSec: b.accepted / (b.answerMs / 1000),
				completedPerSec: Number(d.n) / (execMs / 1000),
				isolatesPerMessage: b.accepted ? isolates / b.accepted : NaN,
			};
		};
		const describe = (total) => (/** @type {string} */ _n, /** @type {any} */ r) =>
			`${r.accepted}/${total} accepted (${JSON.stringify(r.statuses)}), ${fmt(r.acceptedPerSec)} answers/s (p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms), ${r.executions} executions (${r.failedExecutions} failed) ${fmt(r.completedPerSec)}/s, ${fmt(r.isolatesPerMessage)} isolates/message`;
		const measure = async (names, phaseRounds, phaseWarmup, total = perRound, conns = connections) =>
			await alternate(Object.fromEntries(names.map((name) => [name, async () => await round(name, total, conns)])), { rounds: phaseRounds, warmup: phaseWarmup, log, describe: describe(total) });

		log(`throughput: ${perRound} requests per round over ${connections} connections, ${throughputRounds} rounds + ${warmup} warm-up`);
		const results = await measure(main, throughputRounds, warmup);
		/** @type {Record<number, Record<string, any[]>>} */
		const burstResults = {};
		for (const burst of bursts) {
			log(`burst: ${burst.size} customers at the same moment, one connection each, ${burst.rounds} round(s)`);
			burstResults[burst.size] = await measure(main, burst.rounds, 0, burst.size, burst.size);
		}
		/** @type {Record<string, any[]> | undefined} */
		let equal;
		if (profile) {
			// Profile: n8n 2.40.7's default expression engine (isolated-vm) gives every webhook call an isolate of its
			// own — except calls to n8n's own Webhook node (allowWebhookIsolateSkip). The same comparison with that
			// exception switched off shows what is left: the package's own work (auth, body, validation, dedupe).
			log('profile: restarting n8n with N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP=false');
			await n8n.stop();
			n8n.extraEnv = { ...n8n.extraEnv, N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP: 'false' };
			await n8n.start();
			equal = await measure(['webhook-auth', 'webhook', 'trigger', 'trigger-1000', 'trigger-nodedupe'], Math.max(2, Math.min(rounds, 3)), 1);
		}
		const m = (set, name, key) => median(set[name].map((r) => r[key]));
		const [storeAfter] = await n8n.query('SELECT length(staticData) AS bytes FROM workflow_entity WHERE id = ?', [WF.trigger]);
		const sets = [results, ...Object.values(burstResults), equal ?? {}];
		const bad = sets.flatMap((set) => Object.entries(set).flatMap(([name, rs]) => rs.filter((r) => r.executions !== r.accepted || r.accepted !== Object.values(r.statuses).reduce((a, b) => a + b, 0) || r.failedExecutions).map((r) => `${name}: ${JSON.stringify(r.statuses)}, ${r.executions} executions, ${r.failedExecutions} failed`)));
		const b50 = burstResults[50];
		const b200 = burstResults[200];
		const iso = (name) => m(results, name, 'isolatesPerMessage');
		const summary = [
			`${'variant'.padEnd(16)}  answers/s  executions/s  burst 50 p50/p99 ms  burst 200 p50/p99 ms  isolates/message`,
			...main.map(
				(name) =>
					`${name.padEnd(16)}  ${fmt(m(results, name, 'acceptedPerSec')).padStart(9)}  ${fmt(m(results, name, 'completedPerSec')).padStart(12)}  ${`${fmt(m(b50, name, 'p50'))} / ${fmt(m(b50, name, 'p99'))}`.padStart(19)}  ${`${fmt(m(b200, name, 'p50'))} / ${fmt(m(b200, name, 'p99'))}`.padStart(20)}  ${fmt(iso(name)).padStart(16)}`,
			),
		].join('\n');
		const common = `throughput: ${perRound} requests per round over ${connections} keep-alive connections, ${results.trigger.length} rounds (+${warmup} warm-up) alternating; bursts of 50 (${b50.trigger.length} rounds) and 200 (${b200.trigger.length}) customers, one connection each. The trigger's dedupe store (${Math.round(Number(storeAfter.bytes) / 1024)} KB of workflow static data) is loaded and saved by n8n with every accepted message.`;
		const why =
			`Isolates per message (${ISOLATE_METRIC}): trigger ${fmt(iso('trigger'))}, with Credential Cache 0 ${fmt(iso('trigger-nocache'))}, Webhook + Header Auth ${fmt(iso('webhook-auth'))}, Webhook ${fmt(iso('webhook'))}. ` +
			"n8n 2.40.7 acquires an isolate for the webhook phase of every trigger call except its own Webhook node's (allowWebhookIsolateSkip), one per execution, and one per credential load (its credentials helper builds a throw-away workflow); a community node cannot opt into that exception." +
			(bad.length ? `\nNOT ALL ACCEPTED/SUCCESSFUL: ${bad.join('; ')}` : '');
		const ratioRow = (id, set, pkg, key, unit, what, goal, threshold, extraNote = '') => {
			const a = m(set, pkg, key);
			const b = m(set, 'webhook-auth', key);
			return {
				id,
				what,
				package: { label: LABELS[pkg], value: a, unit },
				baseline: { label: LABELS['webhook-auth'], value: b, unit },
				ratio: a / b,
				ratioText: `${fmt(a / b)}×`,
				goal,
				met: threshold === undefined ? null : a / b >= threshold && !bad.length,
				note: extraNote,
			};
		};
		const latencyRow = (id, set, size, goalMs) => {
			const a = m(set, 'trigger', 'p99');
			const b = m(set, 'webhook-auth', 'p99');
			return {
				id,
				what: `Acknowledgement latency, ${size} customers writing at the same moment: p99 (p50 in the note)`,
				package: { label: LABELS.trigger, value: a, unit: 'ms p99' },
				baseline: { label: LABELS['webhook-auth'], value: b, unit: 'ms p99' },
				ratio: a / b,
				ratioText: `${fmt(a / b)}× the time`,
				goal: goalMs ? `p99 ≤ ${fmt(goalMs)} ms` : 'no goal',
				met: goalMs ? a <= goalMs && !bad.length : null,
				note: `p50: trigger ${fmt(m(set, 'trigger', 'p50'))} ms, Credential Cache 0 ${fmt(m(set, 'trigger-nocache', 'p50'))} ms (p99 ${fmt(m(set, 'trigger-nocache', 'p99'))}), Webhook + Header Auth ${fmt(m(set, 'webhook-auth', 'p50'))} ms, Webhook ${fmt(m(set, 'webhook', 'p50'))} ms (p99 ${fmt(m(set, 'webhook', 'p99'))}); median of ${set.trigger.length} burst(s).`,
			};
		};
		const isoA = iso('trigger');
		const isoB = iso('webhook-auth');
		const rows = [
			ratioRow('1a', results, 'trigger', 'acceptedPerSec', 'answers/s', 'Inbound messages: accepted answers per second vs Webhook + Header Auth', '≥ 0.95×', 0.95, `${common}\n${summary}\n${why}`),
			ratioRow('1b', results, 'trigger', 'completedPerSec', 'executions/s', "Inbound messages: executions completed per second (n8n's DB) vs Webhook + Header Auth", '≥ 1.0×', 1.0),
			ratioRow('1c', results, 'trigger-nocache', 'acceptedPerSec', 'answers/s', 'Before the credential cache (Credential Cache 0): answers per second vs Webhook + Header Auth', 'before', undefined),
			ratioRow('1d', results, 'trigger-nocache', 'completedPerSec', 'executions/s', 'Before the credential cache (Credential Cache 0): executions per second vs Webhook + Header Auth', 'before', undefined),
			latencyRow('1e', b50, 50, 1000),
			latencyRow('1f', b200, 200, 0),
			{
				id: '1g',
				what: "Expression isolates acquired per message (n8n's metric expression.pool.acquired)",
				package: { label: LABELS.trigger, value: isoA, unit: 'isolates/msg' },
				baseline: { label: LABELS['webhook-auth'], value: isoB, unit: 'isolates/msg' },
				ratio: isoA / isoB,
				ratioText: Number.isFinite(isoA - isoB) ? `${isoA - isoB >= 0 ? '+' : ''}${fmt(isoA - isoB)} per msg` : 'n/a',
				goal: 'no goal',
				met: null,
				note: `Credential Cache 0: ${fmt(iso('trigger-nocache'))} isolates/message; Webhook without auth: ${fmt(iso('webhook'))}${profile ? `; Deduplication Store Redis: ${fmt(iso('trigger-redis'))}` : ''}. Counted from GET /metrics before each throughput round and after its executions finished.`,
			},
			{
				...ratioRow('1h', results, 'trigger', 'completedPerSec', 'executions/s', "For reference: executions per second vs n8n's Webhook node without auth", 'no goal', undefined),
				baseline: { label: LABELS.webhook, value: m(results, 'webhook', 'completedPerSec'), unit: 'executions/s' },
				ratioText: `${fmt(m(results, 'trigger', 'completedPerSec') / m(results, 'webhook', 'completedPerSec'))}×`,
				ratio: m(results, 'trigger', 'completedPerSec') / m(results, 'webhook', 'completedPerSec'),
			},
		];
		if (equal) {
			const v = (name) => `${fmt(m(equal, name, 'acceptedPerSec'))} answers/s, ${fmt(m(equal, name, 'completedPerSec'))} executions/s, ${fmt(m(equal, name, 'isolatesPerMessage'))} isolates/msg`;
			const nd = `In the same runs: Webhook without auth ${v('webhook')}; the trigger with Max Remembered Message IDs 1,000 (~21 KB store): ${v('trigger-1000')}; without deduplication: ${v('trigger-nodedupe')}.`;
			rows.push(
				ratioRow('1p', equal, 'trigger', 'acceptedPerSec', 'answers/s', 'Profile: 1a with the isolate exception off (N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP=false)', 'profile', undefined, nd),
				ratioRow('1q', equal, 'trigger', 'completedPerSec', 'executions/s', 'Profile: 1b with the isolate exception off (N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP=false)', 'profile', undefined),
			);
		}
		return { rows, raw: { perRound, connections, results, bursts: burstResults, equalIsolates: equal, storeBytesAfter: Number(storeAfter.bytes) } };
	} finally {
		await stop();
	}
}

module.exports = { name: 'inbound', title: 'Inbound messages in real n8n (trigger vs Webhook + Header Auth)', run };

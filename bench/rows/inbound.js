// @ts-check
/**
 * Row 1 — inbound messages per second through a real n8n 2.40.7.
 *
 * One n8n, three published workflows of the same shape (start node → No Operation):
 *   trigger     the package's Infobip Conversations Trigger with its default options (header auth against an
 *               Infobip Bot Webhook credential, size limit, JSON + shape validation, deduplication in workflow
 *               static data), its dedupe store already holding 4,999 recent message ids — the steady state of a
 *               bot with ≥ 5,000 messages a day (the default Max Remembered Message IDs is 5,000);
 *   webhook     n8n's plain Webhook node (n8n-nodes-base.webhook 2.1, POST, Respond: Immediately, no auth);
 *   trigger-nodedupe   the trigger with Deduplication Window 0 (for the profile: what deduplication costs).
 * The same client (one undici Pool per round, a fixed number of connections each sending one request after the
 * other), the same payload (an Infobip inbound message with a unique conversation and message id, with the
 * Authorization header the trigger expects — sent to all three), the same number of requests per round.
 * Measured per round: accepted answers per second (HTTP 200 answers / time from the first request to the last
 * answer) and executions completed per second (executions of the round in n8n's database / time from the first
 * request to the last execution's stoppedAt). The next round starts once every execution has finished.
 * Goal for both: trigger ≥ 0.95 × webhook.
 */
const { randomUUID } = require('node:crypto');
const path = require('node:path');

const { Pool } = require('undici');

const { alternate, median, now, sleep, fmt } = require('../lib/measure');
const { startBenchN8n, dbTime } = require('../lib/n8nBench');
const { ROOT } = require('../lib/ts');
const { loadExample } = require('../../scripts/lib/n8n');

const SECRET = 'Bearer bench-bot-secret-3c9e1f';
const CREDENTIAL = { id: 'benchBotHook001', name: 'Infobip Bot Webhook (bench)', type: 'infobipBotWebhookApi', data: { headerName: 'Authorization', headerValue: SECRET } };
const WF = { webhook: 'benchPlainHook01', trigger: 'benchTrigger0001', 'trigger-nodedupe': 'benchTrigNoDedup', 'trigger-1000': 'benchTrigDedup1k' };
const NOOP = { parameters: {}, name: 'No Operation, do nothing', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0] };

function triggerNode(options) {
	const example = loadExample('external-bot.json').nodes.find((n) => n.type === 'n8n-nodes-infobip-conversations.infobipConversationsTrigger');
	return {
		...example,
		id: randomUUID(),
		webhookId: randomUUID(),
		parameters: { ...example.parameters, triggerOptions: options },
		credentials: { infobipBotWebhookApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } },
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

/**
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
	const startedWall = Date.now();
	const started = now();
	const worker = async () => {
		while (next < total) {
			const k = next++;
			const body = JSON.stringify({
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
			const t = now();
			try {
				const res = await pool.request({ origin, path: pathname, method: 'POST', headers: { 'content-type': 'application/json', authorization: SECRET }, body });
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
	return { startedWall, answerMs, accepted, statuses, p50: latencies[Math.floor(total * 0.5)], p95: latencies[Math.floor(total * 0.95)] };
}

/** Waits until the round's executions (ids above `afterId`) have all finished; returns their count and the last stoppedAt. */
async function drain(n8n, workflowId, afterId, expected, timeoutMs = 180_000) {
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
		await sleep(1000);
	}
	throw new Error(`executions of ${workflowId} did not finish: ${JSON.stringify(row)}`);
}

async function lastExecutionId(n8n) {
	const [row] = await n8n.query('SELECT COALESCE(MAX(id), 0) AS id FROM execution_entity');
	return Number(row.id);
}

/**
 * @param {{ rounds: number, warmup: number, quick: boolean, profile?: boolean, log: (l: string) => void, install: any }} ctx
 */
async function run({ rounds, warmup, quick, log, install, profile }) {
	const perRound = quick ? 60 : 120;
	const connections = 8;
	const trigger = triggerNode({ includeNonText: true });
	const nodedupe = triggerNode({ includeNonText: true, dedupeWindowHours: 0 });
	const dedupe1k = triggerNode({ includeNonText: true, dedupeMaxEntries: 1000 });
	const hook = {
		parameters: { httpMethod: 'POST', path: 'bench-plain', responseMode: 'onReceived', options: {} },
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		position: [0, 0],
		webhookId: randomUUID(),
	};
	const storeKey = `node:${trigger.name}`;
	const workflows = {
		webhook: workflow(WF.webhook, 'Bench: Webhook → NoOp', hook),
		trigger: workflow(WF.trigger, 'Bench: Infobip trigger → NoOp', trigger, { [storeKey]: { dedupe: prefilledStore(4999) } }),
		// profile only: deduplication off, and a store kept to 1,000 ids
		'trigger-nodedupe': workflow(WF['trigger-nodedupe'], 'Bench: Infobip trigger (no dedupe) → NoOp', nodedupe),
		'trigger-1000': workflow(WF['trigger-1000'], 'Bench: Infobip trigger (1,000 ids) → NoOp', dedupe1k, { [storeKey]: { dedupe: prefilledStore(999) } }),
	};
	const used = profile ? Object.keys(workflows) : ['webhook', 'trigger'];
	const { n8n, stop } = await startBenchN8n({
		install,
		log,
		credentials: [CREDENTIAL],
		workflows: used.map((name) => workflows[name]),
		activate: used.map((name) => WF[name]),
	});
	try {
		const urls = {
			webhook: `${n8n.url}/webhook/bench-plain`,
			trigger: n8n.webhookUrl(trigger.webhookId, 'webhook'),
			'trigger-nodedupe': n8n.webhookUrl(nodedupe.webhookId, 'webhook'),
			'trigger-1000': n8n.webhookUrl(dedupe1k.webhookId, 'webhook'),
		};
		const [stored] = await n8n.query('SELECT length(staticData) AS bytes FROM workflow_entity WHERE id = ?', [WF.trigger]);
		if (!(Number(stored?.bytes) > 50_000)) throw new Error(`the prefilled dedupe store was not imported (${JSON.stringify(stored)})`);
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
		const measure = async (names, phaseRounds, phaseWarmup) =>
			await alternate(
				Object.fromEntries(
					names.map((name) => [
						name,
						async () => {
							const afterId = await lastExecutionId(n8n);
							const b = await blast(urls[name], perRound, connections, `${process.pid}-${++tag}`);
							const d = await drain(n8n, WF[name], afterId, b.accepted);
							const execMs = dbTime(d.last) - b.startedWall;
							await sleep(500);
							return { ...b, executions: Number(d.n), failedExecutions: Number(d.failed), acceptedPerSec: b.accepted / (b.answerMs / 1000), completedPerSec: Number(d.n) / (execMs / 1000) };
						},
					]),
				),
				{
					rounds: phaseRounds,
					warmup: phaseWarmup,
					log,
					describe: (_n, r) => `${r.accepted}/${perRound} accepted (${JSON.stringify(r.statuses)}), ${fmt(r.acceptedPerSec)} answers/s (p50 ${fmt(r.p50)} ms, p95 ${fmt(r.p95)} ms), ${r.executions} executions (${r.failedExecutions} failed) ${fmt(r.completedPerSec)}/s`,
				},
			);
		const results = await measure(['webhook', 'trigger'], Math.min(rounds, 4), warmup);
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
			equal = await measure(['webhook', 'trigger', 'trigger-1000', 'trigger-nodedupe'], Math.max(2, Math.min(rounds, 3)), 1);
		}
		const m = (set, name, key) => median(set[name].map((r) => r[key]));
		const [storeAfter] = await n8n.query('SELECT length(staticData) AS bytes FROM workflow_entity WHERE id = ?', [WF.trigger]);
		const bad = [results, equal ?? {}].flatMap((set) => Object.entries(set).flatMap(([name, rs]) => rs.filter((r) => r.accepted !== perRound || r.failedExecutions).map((r) => `${name}: ${JSON.stringify(r.statuses)}, ${r.failedExecutions} failed`)));
		const common = (set) => `${perRound} requests per round over ${connections} keep-alive connections; ${set.trigger.length} rounds (+1 warm-up) alternating; the trigger's dedupe store (${Math.round(Number(storeAfter.bytes) / 1024)} KB of workflow static data) is loaded and saved by n8n with every accepted message`;
		const cause =
			"n8n 2.40.7's default expression engine (isolated-vm) acquires a fresh isolate for the webhook phase of every call to a trigger node — except n8n's own Webhook node (allowWebhookIsolateSkip); " +
			'each execution takes another one. So the trigger pays two isolates per message, the Webhook node one. A community node cannot opt into that exception.' +
			(bad.length ? `\nNOT ALL ACCEPTED/SUCCESSFUL: ${bad.join('; ')}` : '');
		const row = (id, set, key, unit, what, goal, extraNote) => {
			const a = m(set, 'trigger', key);
			const b = m(set, 'webhook', key);
			return {
				id,
				what,
				package: { label: 'Infobip Conversations Trigger (defaults, dedupe store full)', value: a, unit },
				baseline: { label: "n8n's Webhook node (POST, respond immediately)", value: b, unit },
				ratio: a / b,
				ratioText: `${fmt(a / b)}×`,
				goal: goal ? '≥ 0.95×' : 'profile',
				met: goal ? a / b >= 0.95 && !bad.length : null,
				note: `${common(set)}. p50/p95 answer time: trigger ${fmt(m(set, 'trigger', 'p50'))}/${fmt(m(set, 'trigger', 'p95'))} ms, webhook ${fmt(m(set, 'webhook', 'p50'))}/${fmt(m(set, 'webhook', 'p95'))} ms.\n${extraNote}`,
			};
		};
		const rows = [
			row('1a', results, 'acceptedPerSec', 'answers/s', 'Inbound messages through real n8n: accepted answers per second', true, cause),
			row('1b', results, 'completedPerSec', 'executions/s', "Inbound messages through real n8n: executions completed per second (n8n's DB)", true, cause),
		];
		if (equal) {
			const v = (name) => `${fmt(m(equal, name, 'acceptedPerSec'))} answers/s, ${fmt(m(equal, name, 'completedPerSec'))} executions/s`;
			const nd = `In the same runs, the trigger with Max Remembered Message IDs 1,000 (~21 KB store): ${v('trigger-1000')}; without deduplication: ${v('trigger-nodedupe')}. Compare with the trigger's figures above (store of 5,000 ids) to see what the dedupe store costs.`;
			rows.push(
				row('1c', equal, 'acceptedPerSec', 'answers/s', 'Profile: 1a with the isolate exception off (N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP=false)', false, nd),
				row('1d', equal, 'completedPerSec', 'executions/s', 'Profile: 1b with the isolate exception off (N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP=false)', false, nd),
			);
		}
		return { rows, raw: { perRound, connections, results, equalIsolates: equal, storeBytesAfter: Number(storeAfter.bytes) } };
	} finally {
		await stop();
	}
}

module.exports = { name: 'inbound', title: 'Inbound messages per second in real n8n', run };

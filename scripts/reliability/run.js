#!/usr/bin/env node
// @ts-check
/**
 * `npm run test:reliability`: the guarantees of this package under abuse, faults and load, in a real n8n loaded
 * with this package from its tarball (scripts/lib/n8n.js), against the local Conversations emulator.
 *
 *   1. abuse      — ≥1,000 malformed, oversized and unauthorised requests to the trigger's production URL:
 *                   each answered with its expected 4xx (or 200 ignored for what is not a customer message), zero
 *                   executions started (counted in n8n's database); then plausible but minimal messages (no id,
 *                   direction or createdAt, envelopes, nested shapes, redelivered ones): each runs exactly once and
 *                   gets exactly one reply.
 *   2. exactly-once — 10,000 customer messages through examples/external-bot.json while the emulator injects
 *                   429s, 5xx, latency and dropped connections (before and after processing) on the API the bot
 *                   calls and redelivers messages to the bot: every message gets exactly one reply.
 *   3. secrets    — the Infobip API key, the bot webhook secret and the card credential appear in no execution
 *                   data (node outputs, errors) in n8n's database, no HTTP answer and no log line of any n8n process.
 *   4. cards      — hostile conversation values are encoded in every URL and escaped in every card; runaway
 *                   templates are stopped by the node's limits with an error naming the limit; the card example
 *                   refuses callers without the card's Authorization header (401, no Jira call, no execution).
 *   5. queue      — the bot flow on n8n in queue mode (PostgreSQL + Redis from Debian packages, main + 2 workers):
 *                   a burst of 1,000 messages, zero lost, zero duplicated, both workers did work.
 *   6. scale      — queue mode past one webhook process (./scale.js): main without production webhooks, 2 `n8n
 *                   webhook` processes behind a round-robin load balancer (redeliveries to the other process), 2
 *                   workers; 10,000 messages per deduplication store of the trigger: static data (recorded, the
 *                   "before") and Redis (0 lost, 0 duplicated).
 *
 * Prints PASS/FAIL per check and one table of figures, writes test-results/reliability.json (+ n8n logs under
 * test-results/reliability-logs/), exits 1 if any check fails. Never skips: a part that cannot run is a failure.
 *
 * Env (defaults in brackets): RELIABILITY_VERSIONS [2.40.7], RELIABILITY_PARTS [abuse exactly-once cards queue scale],
 * RELIABILITY_BAD_REQUESTS [1200], RELIABILITY_PLAUSIBLE_PER_KIND [10], RELIABILITY_MESSAGES [10000], RELIABILITY_CUSTOMERS [300],
 * RELIABILITY_QUEUE_MESSAGES [1000], RELIABILITY_SCALE_MESSAGES [10000], RELIABILITY_SCALE_CUSTOMERS [300],
 * RELIABILITY_SCALE_STORES [staticData redis], RELIABILITY_EXPRESSION_ENGINE [legacy; "default" = n8n's own default],
 * RELIABILITY_DOUBLE_TEXT [0], RELIABILITY_VERBOSE=1.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');

const { ROOT, ensureN8n, packPackage, createUserFolder, N8nInstance, sleep } = require('../lib/n8n');
const { startEmulator } = require('../../dist/emulator');
const { driveCustomers, settle, count } = require('./bot-load');
const { runAbuse, runPlausible } = require('./abuse');
const { startEchoServer, cardWorkflows, runCards, runRunaway, cardExample, runCardExampleRefusals, CARD_WORKFLOW_ID, RUNAWAY_WORKFLOW_ID, CARD_EXAMPLE_WORKFLOW_ID } = require('./cards');
const { startJiraLike } = require('../lib/jira-like');
const { startRedis, startPostgres } = require('./services');
const { SecretScanner } = require('./secrets');
const { BOT_WORKFLOW_ID, makeCredentials, botWorkflow, waitForTrigger, scanExecutions, fmt } = require('./common');
const { scaleMode } = require('./scale');

const env = process.env;
const num = (name, fallback) => (env[name] !== undefined && env[name] !== '' ? Number(env[name]) : fallback);
const CONFIG = {
	versions: (env.RELIABILITY_VERSIONS || '2.40.7').split(/\s+/).filter(Boolean),
	parts: (env.RELIABILITY_PARTS || 'abuse exactly-once cards queue scale').split(/\s+/).filter(Boolean),
	badRequests: num('RELIABILITY_BAD_REQUESTS', 1200),
	plausiblePerKind: num('RELIABILITY_PLAUSIBLE_PER_KIND', 10),
	messages: num('RELIABILITY_MESSAGES', 10_000),
	customers: num('RELIABILITY_CUSTOMERS', 300),
	handoffRate: num('RELIABILITY_HANDOFF_RATE', 0.05),
	doubleTextRate: num('RELIABILITY_DOUBLE_TEXT', 0),
	queueMessages: num('RELIABILITY_QUEUE_MESSAGES', 1000),
	scaleMessages: num('RELIABILITY_SCALE_MESSAGES', 10_000),
	scaleCustomers: num('RELIABILITY_SCALE_CUSTOMERS', 300),
	scaleStores: (env.RELIABILITY_SCALE_STORES || 'staticData redis').split(/\s+/).filter(Boolean),
	scaleWebhookProcesses: 2,
	workers: 2,
	workerConcurrency: num('RELIABILITY_WORKER_CONCURRENCY', 10),
	expressionEngine: env.RELIABILITY_EXPRESSION_ENGINE || 'legacy',
	faults: { latencyMs: 20, rateLimitRate: 0.02, retryAfterSeconds: 1, errorRate: 0.015, dropRate: 0.005, dropResponseRate: 0.005 },
	redelivery: { redeliveryRate: 0.05, redeliveryDelayMs: 250 },
	// Infobip retries a failed delivery (5xx, 429, no answer); the emulator does it 8 times, 1 s, 2 s, … apart
	delivery: { deliveryAttempts: 8, deliveryRetryDelayMs: 1000 },
};
const VERBOSE = env.RELIABILITY_VERBOSE === '1';
const RESULTS = path.join(ROOT, 'test-results');
const LOGS = path.join(RESULTS, 'reliability-logs');

const CUSTOMER_NUMBER = '447860099299';

/** @type {Array<{ version: string, part: string, name: string, ok: boolean, detail?: string }>} */
const checks = [];
const figures = /** @type {Record<string, any>} */ ({});
const log = (line) => console.log(`  ${line}`);

/** A figure recorded as a result line, not a pass condition (e.g. the "before" of a fix). */
const infos = [];
function info(version, part, text) {
	infos.push({ version, part, text });
	console.log(`INFO  n8n ${version}  [${part}] ${text}`);
}

function check(version, part, name, ok, detail) {
	checks.push({ version, part, name, ok: Boolean(ok), ...(ok ? {} : { detail: String(detail ?? '') }) });
	console.log(`${ok ? 'PASS' : 'FAIL'}  n8n ${version}  [${part}] ${name}${!ok && detail !== undefined ? `\n      ${String(detail).split('\n').join('\n      ')}` : ''}`);
}

function engineEnv(install) {
	if (CONFIG.expressionEngine === 'default' || install.major < 2) return {};
	return { N8N_EXPRESSION_ENGINE: CONFIG.expressionEngine };
}

/** Regular mode (sqlite): parts 1, 2 and 4 in one n8n, in that order. */
async function regularMode(version, install, tgz, scanner, apiKey) {
	const part = (p) => CONFIG.parts.includes(p);
	const f = (figures[version] ??= {});
	const emu = await startEmulator({ apiKey, seed: 20240501, bot: { agentId: 'bot-reliability-01', sessionTimeoutSeconds: 7200 } });
	const echo = await startEchoServer();
	const jira = await startJiraLike();
	const creds = makeCredentials(emu.url, emu.apiKey, emu.botAgentId);
	const example = cardExample(jira);
	scanner.add({ botWebhookSecret: creds.botSecret, cardCredential: creds.cardSecret, cardWebhookSecret: example.secret });
	const user = createUserFolder(tgz, `n8n-reliability-${version}-`);
	const n8n = new N8nInstance(install, user, {
		log: scanner.logSink(`n8n ${version} log`, path.join(LOGS, `${version}-regular.log`), VERBOSE ? (l) => console.log(`    [n8n] ${l}`) : undefined),
		env: { ...engineEnv(install) },
	});
	const started = Date.now();
	try {
		const bot = botWorkflow(creds);
		const [cardWf, runawayWf] = cardWorkflows(echo.url, creds.list[2]);
		await n8n.importCredentials([...creds.list, ...example.credentials]);
		await n8n.importWorkflows([bot.workflow, cardWf, runawayWf, example.workflow]);
		for (const id of [BOT_WORKFLOW_ID, CARD_WORKFLOW_ID, RUNAWAY_WORKFLOW_ID, CARD_EXAMPLE_WORKFLOW_ID]) await n8n.activate(id);
		await n8n.start();
		const url = n8n.webhookUrl(bot.webhookId, 'webhook');
		emu.configureBot({ url, authHeaderName: 'Authorization', authHeaderValue: creds.botSecret, ...CONFIG.delivery });
		await waitForTrigger(url);
		log(`n8n ${version} up (regular mode, sqlite) in ${((Date.now() - started) / 1000).toFixed(0)} s`);

		if (part('abuse')) {
			log(`part 1: ${fmt(CONFIG.badRequests)} bad requests to ${url}`);
			const abuse = await runAbuse({ url, secret: creds.botSecret, total: CONFIG.badRequests, onAnswer: (text) => scanner.scan('trigger answers', text) });
			await sleep(1500);
			const executions = (await n8n.executions(BOT_WORKFLOW_ID)).length;
			const answered = abuse.kinds.reduce((a, k) => a + k.ok, 0);
			f.abuse = { sent: abuse.sent, answeredAsExpected: answered, kinds: abuse.kinds.length, executions, durationMs: abuse.durationMs, byKind: abuse.kinds };
			for (const group of [...new Set(abuse.kinds.map((k) => k.group))]) {
				const ks = abuse.kinds.filter((k) => k.group === group);
				const bad = ks.filter((k) => k.ok !== k.sent);
				check(version, 'abuse', `${group}: ${ks.map((k) => `${k.kind} → ${k.expect}`).join('; ')} (${fmt(ks.reduce((a, k) => a + k.sent, 0))} requests)`, bad.length === 0, bad.map((k) => `${k.kind}: ${JSON.stringify(k.statuses)} e.g. ${k.sample}`).join('\n'));
			}
			const unnamed = abuse.kinds.filter((k) => k.field && k.fieldNamed !== k.sent);
			check(version, 'abuse', 'every 400 for a wrong shape names the offending field', unnamed.length === 0, unnamed.map((k) => `${k.kind}: ${k.fieldNamed}/${k.sent}`).join('\n'));
			check(version, 'abuse', `${fmt(abuse.sent)} bad requests started zero executions (n8n database)`, executions === 0, `${executions} executions`);

			// plausible but minimal or unusual messages (no id, direction or createdAt, envelopes, …): each runs once
			// and is answered once — the trigger must not lose a customer message over a field it merely expected
			const plausible = await runPlausible({ url, secret: creds.botSecret, emu, perKind: CONFIG.plausiblePerKind, onAnswer: (text) => scanner.scan('trigger answers', text) });
			const conversations = new Map(plausible.kinds.flatMap((k) => k.conversations.map((id) => [id, k.kind])));
			const rows = await settle({ emu, n8n, workflowId: BOT_WORKFLOW_ID, conversations: new Map([...conversations.keys()].map((id) => [id, {}])) });
			/** @type {Map<string, number>} executions per conversation, from the trigger items stored by n8n */
			const runs = new Map();
			for (const { data } of await n8n.executionData(BOT_WORKFLOW_ID)) {
				for (const id of new Set((String(data).match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? []).filter((u) => conversations.has(u)))) runs.set(id, (runs.get(id) ?? 0) + 1);
			}
			const replies = (id) => (emu.state.messages.get(id) ?? []).filter((m) => m.direction === 'OUTBOUND').length;
			const byKind = plausible.kinds.map((k) => ({
				...k,
				lost: k.conversations.filter((id) => (runs.get(id) ?? 0) === 0 || replies(id) === 0).length,
				duplicated: k.conversations.filter((id) => (runs.get(id) ?? 0) > 1 || replies(id) > 1).length,
			}));
			const lost = byKind.reduce((a, k) => a + k.lost, 0);
			const duplicated = byKind.reduce((a, k) => a + k.duplicated, 0);
			f.plausible = { messages: conversations.size, requests: byKind.reduce((a, k) => a + k.sent, 0), kinds: byKind.length, lost, duplicated, executions: rows.length, durationMs: plausible.durationMs, byKind: byKind.map(({ conversations: _c, ...k }) => k) };
			check(version, 'abuse', `plausible minimal messages (${byKind.map((k) => k.kind).join('; ')}): ${fmt(conversations.size)} messages in ${fmt(f.plausible.requests)} requests each ran once and got one reply — ${lost} lost, ${duplicated} duplicated`, lost === 0 && duplicated === 0 && rows.length === conversations.size, byKind.filter((k) => k.lost || k.duplicated).map((k) => `${k.kind}: lost ${k.lost}, duplicated ${k.duplicated}, answers ${JSON.stringify(k.statuses)}${k.sample ? ` e.g. ${k.sample}` : ''}`).join('\n') || `${rows.length} executions`);
			f.abuseExecutionIds = rows.map((r) => r.id);
		}

		if (part('exactly-once')) {
			log(`part 2: ${fmt(CONFIG.messages)} messages from ${CONFIG.customers} customers through examples/external-bot.json (faults ${JSON.stringify(CONFIG.faults)}, redelivery ${JSON.stringify(CONFIG.redelivery)})`);
			emu.configureBot(CONFIG.redelivery);
			emu.setFaults(CONFIG.faults);
			const t0 = Date.now();
			const load = await driveCustomers({ emu, messages: CONFIG.messages, customers: CONFIG.customers, handoffRate: CONFIG.handoffRate, doubleTextRate: CONFIG.doubleTextRate, progress: log });
			// executions of part 1's plausible messages are not part of this count
			const earlier = new Set(f.abuseExecutionIds ?? []);
			const rows = (await settle({ emu, n8n, workflowId: BOT_WORKFLOW_ID, conversations: load.conversations })).filter((r) => !earlier.has(r.id));
			const durationMs = Date.now() - t0;
			emu.setFaults({});
			emu.configureBot({ redeliveryRate: 0 });
			const c = await count({ emu, n8n, workflowId: BOT_WORKFLOW_ID, conversations: load.conversations, handoffs: load.handoffs, rows });
			f.exactlyOnce = { ...c, customers: CONFIG.customers, durationMs, messagesPerSecond: Number(((c.sent * 1000) / durationMs).toFixed(1)), faultConfig: CONFIG.faults, redelivery: CONFIG.redelivery, doubleTextRate: CONFIG.doubleTextRate };
			check(version, 'exactly-once', `${fmt(c.sent)} messages sent, each delivered to the bot (${fmt(c.redelivered)} of them twice)`, c.sent === CONFIG.messages && c.delivered === c.sent && c.redelivered > 0, JSON.stringify({ sent: c.sent, delivered: c.delivered, redelivered: c.redelivered, failures: c.deliveryFailures }));
			check(version, 'exactly-once', 'one execution per message, none for a redelivery (n8n database)', c.executions === c.sent && c.messagesWithoutExecution === 0 && c.messagesWithSeveralExecutions === 0, JSON.stringify({ executions: c.executions, without: c.messagesWithoutExecution, several: c.messagesWithSeveralExecutions, e: c.examples }));
			check(version, 'exactly-once', 'every execution succeeded', (c.executionsByStatus.success ?? 0) === c.executions, JSON.stringify(c.executionsByStatus));
			check(version, 'exactly-once', `every message got exactly one reply: ${fmt(c.replies)} replies, ${c.lost} lost, ${c.duplicated} duplicated`, c.replies === c.sent && c.lost === 0 && c.duplicated === 0, JSON.stringify({ lost: c.lost, duplicated: c.duplicated, conversationsWithLoss: c.conversationsWithLoss, conversationsWithDuplicates: c.conversationsWithDuplicates }));
			check(version, 'exactly-once', `faults were injected on the bot's API calls: ${JSON.stringify(c.faultsInjected)}`, ['rateLimit', 'error', 'drop', 'dropResponse'].every((k) => (c.faultsInjected[k] ?? 0) > 0), JSON.stringify(c.faultsInjected));
			check(version, 'exactly-once', `${c.handoffsRequested} customers who asked for an agent were routed with metadata`, c.handoffsCompleted === c.handoffsRequested, `${c.handoffsCompleted}/${c.handoffsRequested}`);
		}

		if (part('cards')) {
			log('part 4: Fetch Context Card with hostile values, and runaway templates');
			const cards = await runCards({ n8n, echo, cardSecret: creds.cardSecret });
			const runaway = await runRunaway({ n8n, echo });
			const refusals = await runCardExampleRefusals({ n8n, jira, example });
			f.cards = { cases: cards, runaway, exampleRefusals: refusals };
			for (const r of cards) check(version, 'cards', `${r.name}: ${r.outcome}${r.requestLine ? ` (${r.requestLine})` : ''}`, r.ok, r.problems.join('\n'));
			for (const r of runaway.results) check(version, 'cards', `runaway template, ${r.name}: stopped — "${r.error.slice(0, 140)}"`, r.ok, r.error || `HTTP ${runaway.status}`);
			check(version, 'cards', 'Preview mode called nothing', runaway.callsMade === 0, `${runaway.callsMade} calls`);
			check(
				version,
				'cards',
				`examples/context-card-jira.json refuses ${refusals.callers} callers (${refusals.kinds.join('; ')}): all 401 "unauthorized", ${refusals.jiraCalls} Jira calls, ${refusals.executions} executions`,
				refusals.callers >= 50 && refusals.statuses[401] === refusals.callers && refusals.wrongBodies.length === 0 && refusals.jiraCalls === 0 && refusals.executions === 0,
				JSON.stringify({ statuses: refusals.statuses, wrong: refusals.wrongBodies.slice(0, 5), jiraCalls: refusals.jiraCalls, executions: refusals.executions }),
			);
			const a = refusals.authorized;
			check(version, 'cards', `…and serves Infobip's request with the header: ${a.status} ${a.contentType}, the issue shown, ${a.jiraCalls} Jira call, ${a.executions} execution`, a.status === 200 && /^text\/html\b/.test(String(a.contentType)) && a.showsIssue && a.jiraCalls === 1 && a.executions === 1, JSON.stringify(a));
		}
	} finally {
		await n8n.stop();
		await emu.close();
		await echo.close();
		await jira.close();
	}
	const scanned = await scanExecutions(n8n, scanner, `n8n ${version} execution data (sqlite)`);
	f.secrets = { ...(f.secrets ?? {}), regularExecutionsScanned: scanned };
	if (!env.RELIABILITY_KEEP) n8n.cleanup();
	f.regularModeSeconds = Math.round((Date.now() - started) / 1000);
}

/** Queue mode: PostgreSQL + Redis, n8n main (webhooks) + 2 workers, a burst of messages. */
async function queueMode(version, install, tgz, scanner, apiKey) {
	const f = (figures[version] ??= {});
	const started = Date.now();
	const postgres = await startPostgres({ log });
	const redis = await startRedis({ log }).catch(async (e) => {
		await postgres.stop();
		throw e;
	});
	const emu = await startEmulator({ apiKey, seed: 20240502, bot: { agentId: 'bot-reliability-02', sessionTimeoutSeconds: 7200 } });
	const creds = makeCredentials(emu.url, emu.apiKey, emu.botAgentId);
	scanner.add({ botWebhookSecretQueue: creds.botSecret, cardCredentialQueue: creds.cardSecret });
	const user = createUserFolder(tgz, `n8n-reliability-queue-${version}-`);
	const n8n = new N8nInstance(install, user, {
		log: scanner.logSink(`n8n ${version} queue-mode logs`, path.join(LOGS, `${version}-queue.log`), VERBOSE ? (l) => console.log(`    [n8n] ${l}`) : undefined),
		env: {
			...postgres.env,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			QUEUE_HEALTH_CHECK_ACTIVE: 'false',
			N8N_LOG_LEVEL: 'info',
			...engineEnv(install),
		},
	});
	try {
		const bot = botWorkflow(creds);
		await n8n.importCredentials(creds.list.slice(0, 2));
		await n8n.importWorkflows([bot.workflow]);
		await n8n.activate(BOT_WORKFLOW_ID);
		await n8n.start();
		for (let i = 0; i < CONFIG.workers; i++) await n8n.startWorker({ concurrency: CONFIG.workerConcurrency });
		const url = n8n.webhookUrl(bot.webhookId, 'webhook');
		emu.configureBot({ url, authHeaderName: 'Authorization', authHeaderValue: creds.botSecret, ...CONFIG.delivery, ...CONFIG.redelivery });
		await waitForTrigger(url);
		log(`n8n ${version} up in queue mode (${postgres.version}, ${redis.version.split(' ').slice(0, 3).join(' ')}, main + ${CONFIG.workers} workers) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
		log(`part 5: a burst of ${fmt(CONFIG.queueMessages)} messages, one per customer, all at once`);
		emu.setFaults(CONFIG.faults);
		const t0 = Date.now();
		const load = await driveCustomers({ emu, messages: CONFIG.queueMessages, customers: CONFIG.queueMessages, prefix: '38592', progress: log });
		const rows = await settle({ emu, n8n, workflowId: BOT_WORKFLOW_ID, conversations: load.conversations, timeoutMs: 300_000 });
		const durationMs = Date.now() - t0;
		emu.setFaults({});
		const c = await count({ emu, n8n, workflowId: BOT_WORKFLOW_ID, conversations: load.conversations, handoffs: load.handoffs, rows });
		const perWorker = n8n.workers.map((w) => w.output.filter((l) => /Worker finished execution/.test(l)).length);
		const mainRan = n8n.output.filter((l) => /Worker (started|finished) execution/.test(l)).length;
		f.queue = {
			...c,
			durationMs,
			messagesPerSecond: Number(((c.sent * 1000) / durationMs).toFixed(1)),
			executionsPerWorker: perWorker,
			workerConcurrency: CONFIG.workerConcurrency,
			postgres: postgres.version,
			redis: redis.version,
		};
		check(version, 'queue', `${fmt(c.sent)} messages delivered (${fmt(c.redelivered)} of them twice) to n8n main in queue mode`, c.sent === CONFIG.queueMessages && c.delivered === c.sent && c.redelivered > 0, JSON.stringify({ sent: c.sent, delivered: c.delivered, redelivered: c.redelivered, failures: c.deliveryFailures }));
		check(version, 'queue', 'one execution per message, none for a redelivery, all successful (PostgreSQL)', c.executions === c.sent && c.messagesWithSeveralExecutions === 0 && c.messagesWithoutExecution === 0 && (c.executionsByStatus.success ?? 0) === c.executions, JSON.stringify({ executions: c.executions, byStatus: c.executionsByStatus, several: c.messagesWithSeveralExecutions }));
		check(version, 'queue', `exactly one reply per message: ${fmt(c.replies)} replies, ${c.lost} lost, ${c.duplicated} duplicated`, c.replies === c.sent && c.lost === 0 && c.duplicated === 0, JSON.stringify({ lost: c.lost, duplicated: c.duplicated }));
		check(version, 'queue', `both workers ran executions (${perWorker.join(' + ')}), the main process none`, perWorker.length === CONFIG.workers && perWorker.every((n) => n > 0) && perWorker.reduce((a, b) => a + b, 0) === c.executions && mainRan === 0, JSON.stringify({ perWorker, mainRan }));
	} finally {
		await n8n.stop();
		await emu.close();
	}
	try {
		const scanned = await scanExecutions(n8n, scanner, `n8n ${version} execution data (PostgreSQL)`);
		f.secrets = { ...(f.secrets ?? {}), queueExecutionsScanned: scanned };
	} finally {
		await redis.stop();
		await postgres.stop();
		if (!env.RELIABILITY_KEEP) n8n.cleanup();
	}
	f.queueModeSeconds = Math.round((Date.now() - started) / 1000);
}

/** Stored executions the secret scan read, over every part that ran. */
const executionsScanned = (secrets) => (secrets.regularExecutionsScanned ?? 0) + (secrets.queueExecutionsScanned ?? 0) + (secrets.scaleExecutionsScanned ?? 0);

function printTable(version) {
	const f = figures[version] ?? {};
	/** @type {Array<[string, string, string]>} */
	const rows = [];
	const add = (part, name, value) => rows.push([part, name, value]);
	if (f.abuse) {
		add('1 bad requests', 'sent (kinds)', `${fmt(f.abuse.sent)} (${f.abuse.kinds})`);
		add('', 'answered with the expected status', fmt(f.abuse.answeredAsExpected));
		add('', 'executions started', fmt(f.abuse.executions));
		add('', 'duration', `${(f.abuse.durationMs / 1000).toFixed(1)} s`);
	}
	if (f.plausible) {
		add('1b plausible minimal messages', 'messages (kinds)', `${fmt(f.plausible.messages)} (${f.plausible.kinds})`);
		add('', 'executions / lost / duplicated', `${fmt(f.plausible.executions)} / ${f.plausible.lost} / ${f.plausible.duplicated}`);
	}
	const bot = (label, x) => {
		add(label, 'customers / conversations', `${fmt(x.customers ?? x.conversations)} / ${fmt(x.conversations)}`);
		add('', 'messages sent / delivered / redelivered', `${fmt(x.sent)} / ${fmt(x.delivered)} / ${fmt(x.redelivered)}`);
		add('', 'executions (success)', `${fmt(x.executions)} (${fmt(x.executionsByStatus.success ?? 0)})`);
		add('', 'bot replies', fmt(x.replies));
		add('', 'lost / duplicated', `${x.lost} / ${x.duplicated}`);
		add('', 'faults injected', Object.entries(x.faultsInjected).map(([k, v]) => `${k} ${v}`).join(', ') || 'none');
		add('', 'duration / throughput', `${(x.durationMs / 1000).toFixed(0)} s / ${x.messagesPerSecond} msg/s`);
	};
	if (f.exactlyOnce) {
		bot('2 exactly-once', f.exactlyOnce);
		add('', 'hand-offs routed with metadata', `${f.exactlyOnce.handoffsCompleted} / ${f.exactlyOnce.handoffsRequested}`);
	}
	if (f.cards) {
		add('4 cards', 'hostile value cases passed', `${f.cards.cases.filter((c) => c.ok).length} / ${f.cards.cases.length}`);
		add('', 'runaway templates stopped', `${f.cards.runaway.results.filter((r) => r.ok).length} / ${f.cards.runaway.results.length}`);
		if (f.cards.exampleRefusals) {
			const r = f.cards.exampleRefusals;
			add('', 'card example: callers without/with a wrong header refused', `${r.statuses[401] ?? 0} / ${r.callers} (401), ${r.jiraCalls} Jira calls, ${r.executions} executions`);
		}
	}
	if (f.queue) {
		bot('5 queue mode', f.queue);
		add('', 'executions per worker', f.queue.executionsPerWorker.join(' + '));
	}
	if (f.scale) {
		for (const [store, x] of Object.entries(f.scale.stores ?? {})) {
			bot(`6 scale, ${store} store`, x);
			add('', 'executions per worker', x.executionsPerWorker.join(' + '));
			add('', 'deliveries per webhook process', `${x.requestsPerWebhookProcess.join(' + ')} (${fmt(x.redeliveredOnAnotherProcess)} messages reached both)`);
			add('', 'messages run more than once / never', `${fmt(x.messagesWithSeveralExecutions)} / ${fmt(x.messagesWithoutExecution)}`);
		}
		if (f.scale.startupSeconds !== undefined) add('', 'cluster start / whole part', `${f.scale.startupSeconds} s / ${f.scale.seconds ?? '?'} s`);
	}
	if (f.secrets) {
		add('3 secrets', 'log lines / answers / executions scanned', `${fmt(f.secrets.logLines)} / ${fmt(f.secrets.answers)} / ${fmt(executionsScanned(f.secrets))}`);
		add('', 'secret values found', fmt(f.secrets.leaks));
	}
	if (f.error) add('!', 'could not run', f.error.split('\n')[0]);
	const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), 4));
	console.log(`\nReliability figures — n8n ${version}, expression engine ${f.expressionEngine ?? '?'}, ${os.cpus().length} CPUs`);
	console.log(`${'Part'.padEnd(w[0])}  ${'Figure'.padEnd(w[1])}  Value`);
	console.log(`${'-'.repeat(w[0])}  ${'-'.repeat(w[1])}  ${'-'.repeat(w[2])}`);
	for (const r of rows) console.log(`${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2]}`);
}

(async () => {
	const t0 = Date.now();
	const distNode = path.join(ROOT, 'dist/nodes/InfobipConversationsTrigger/InfobipConversationsTrigger.node.js');
	if (!fs.existsSync(distNode)) throw new Error('dist/ is missing: run `npm run build` first (npm run test:reliability does)');
	fs.rmSync(LOGS, { recursive: true, force: true });
	fs.mkdirSync(LOGS, { recursive: true });
	const tgz = packPackage();
	for (const version of CONFIG.versions) {
		const apiKey = randomBytes(16).toString('hex');
		const scanner = new SecretScanner({ infobipApiKey: apiKey });
		const f = (figures[version] ??= {});
		try {
			const install = ensureN8n(version);
			f.expressionEngine = CONFIG.expressionEngine === 'default' || install.major < 2 ? 'n8n default' : CONFIG.expressionEngine;
			if (['abuse', 'exactly-once', 'cards'].some((p) => CONFIG.parts.includes(p))) await regularMode(version, install, tgz, scanner, apiKey);
			if (CONFIG.parts.includes('queue')) await queueMode(version, install, tgz, scanner, apiKey);
			if (CONFIG.parts.includes('scale')) {
				await scaleMode({ version, install, tgz, scanner, apiKey, config: CONFIG, check, info, log, figures, engineEnv: engineEnv(install), logFile: path.join(LOGS, `${version}-scale.log`), verbose: VERBOSE });
			}
		} catch (error) {
			f.error = /** @type {Error} */ (error).stack ?? String(error);
			check(version, 'run', 'set up and ran every part', false, f.error);
		}
		const logLines = Object.entries(scanner.scanned).filter(([w]) => / log/.test(w)).reduce((a, [, n]) => a + n, 0);
		f.secrets = { ...(f.secrets ?? {}), logLines, answers: scanner.scanned['trigger answers'] ?? 0, leaks: scanner.leaks.length, where: scanner.leaks.slice(0, 10) };
		check(version, 'secrets', `no credential value (API key, bot webhook secret, card credential, card webhook secret, Redis password; plain, URL-encoded, base64) in ${fmt(logLines)} log lines, ${fmt(f.secrets.answers)} trigger answers or ${fmt(executionsScanned(f.secrets))} stored executions`, scanner.clean && logLines > 0, scanner.leaks.slice(0, 5).map((l) => `${l.secret} in ${l.where}: …${l.excerpt}`).join('\n'));
	}
	fs.rmSync(path.dirname(tgz), { recursive: true, force: true });
	const failed = checks.filter((c) => !c.ok);
	for (const version of CONFIG.versions) printTable(version);
	const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), platform: `${os.type()} ${os.release()}`, node: process.version };
	const report = { infos, finishedAt: new Date().toISOString(), durationSeconds: Math.round((Date.now() - t0) / 1000), config: CONFIG, machine, figures, checks, passed: checks.length - failed.length, failed: failed.length };
	fs.mkdirSync(RESULTS, { recursive: true });
	fs.writeFileSync(path.join(RESULTS, 'reliability.json'), JSON.stringify(report, null, 2));
	console.log(`\n${checks.length - failed.length} passed, ${failed.length} failed in ${report.durationSeconds} s — figures in test-results/reliability.json, n8n logs in test-results/reliability-logs/`);
	process.exit(failed.length || checks.length === 0 ? 1 : 0);
})().catch((error) => {
	console.error(error);
	process.exit(1);
});

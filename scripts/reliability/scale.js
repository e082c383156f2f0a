// @ts-check
/**
 * Part 6, `scale`: the bot flow on n8n scaled past one process — queue mode on PostgreSQL + Redis, n8n main with
 * production webhooks switched off (`N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true`), two `n8n webhook` processes behind
 * a round-robin load balancer (./balancer.js) and two `n8n worker` processes. Customers chat through
 * examples/external-bot.json while the emulator injects API faults and redelivers 5 % of the messages; the load
 * balancer sends every redelivery to the *other* webhook process.
 *
 * Run once per deduplication store of the trigger (RELIABILITY_SCALE_STORES):
 *   staticData  the default store, workflow static data: not atomic across processes (docs/trigger.md), so
 *               redeliveries may run twice — the figures are recorded as the "before", not a pass condition;
 *   redis       the trigger's Redis store (an atomic set-if-absent with expiry) on the harness's Redis, through
 *               n8n's own Redis credential: 0 lost, 0 duplicated, or the part fails.
 * Both run in one cluster, one workflow per store (each with its own webhook), one after the other.
 */
const path = require('node:path');
const { randomBytes } = require('node:crypto');

const { ROOT, createUserFolder, N8nInstance } = require('../lib/n8n');
const { startEmulator } = require('../../dist/emulator');
const { driveCustomers, settle, count } = require('./bot-load');
const { startRedis, startPostgres } = require('./services');
const { startBalancer } = require('./balancer');
const { makeCredentials, botWorkflow, waitForTrigger, scanExecutions, fmt } = require('./common');

const STORES = /** @type {const} */ (['staticData', 'redis']);
const WORKFLOW_IDS = { staticData: 'relScaleStatic1', redis: 'relScaleRedis01' };
/** Customer number prefixes, distinct per run on the one emulator. */
const PREFIXES = { staticData: '38593', redis: '38594' };
/** The Redis database the trigger's store uses; Bull (n8n's queue) uses database 0. */
const STORE_DB = 1;

/**
 * Which deduplication stores the built trigger offers (its `deduplicationStore` parameter), from dist/.
 * @returns {string[] | undefined} undefined: the trigger has no such parameter (only static data)
 */
function triggerStores() {
	const { InfobipConversationsTrigger } = require(path.join(ROOT, 'dist/nodes/InfobipConversationsTrigger/InfobipConversationsTrigger.node.js'));
	const property = new InfobipConversationsTrigger().description.properties.find((p) => p.name === 'deduplicationStore');
	return property?.options?.map((o) => String(o.value));
}

/** Keys in the trigger's Redis database (`STORE_DB`): the store's records, one per accepted message. */
async function storeKeys(redis) {
	const { default: Redis } = require('ioredis');
	const client = new Redis({ host: '127.0.0.1', port: redis.port, password: redis.password, db: STORE_DB, lazyConnect: true, maxRetriesPerRequest: 1 });
	try {
		await client.connect();
		return await client.dbsize();
	} finally {
		client.disconnect();
	}
}

/** Log lines of the webhook processes in which the trigger speaks of Redis (e.g. falling back to static data). */
const triggerRedisLines = (n8n) => n8n.webhookProcesses.flatMap((w) => w.output.filter((l) => /Infobip Conversations Trigger/.test(l) && /redis/i.test(l)));

/** Executions finished per worker, counted from the workers' own log lines. */
const finishedPerWorker = (n8n) => n8n.workers.map((w) => w.output.filter((l) => /Worker finished execution/.test(l)).length);

/**
 * @param {{
 *   version: string, install: any, tgz: string, scanner: any, apiKey: string, config: any,
 *   check: (version: string, part: string, name: string, ok: unknown, detail?: unknown) => void,
 *   info: (version: string, part: string, text: string) => void,
 *   log: (line: string) => void, figures: Record<string, any>, engineEnv: Record<string, string>, logFile: string, verbose: boolean,
 * }} ctx
 */
async function scaleMode(ctx) {
	const { version, install, tgz, scanner, apiKey, config, check, info, log, engineEnv } = ctx;
	const f = (ctx.figures[version] ??= {});
	f.scale = { stores: {} };
	const started = Date.now();
	const offered = triggerStores();
	const stores = config.scaleStores.filter((s) => {
		if (!STORES.includes(s)) throw new Error(`RELIABILITY_SCALE_STORES: unknown store "${s}" (staticData, redis)`);
		if (s === 'staticData' || offered?.includes('redis')) return true;
		check(version, 'scale', 'redis store: the trigger offers Deduplication Store → Redis', false, `the built trigger has ${offered ? `Deduplication Store options ${JSON.stringify(offered)}` : 'no deduplicationStore parameter'} — the Redis store is not in this build, so the redis run cannot take place`);
		return false;
	});
	if (!stores.length) return;

	const redisPassword = `rel-redis-${randomBytes(12).toString('hex')}`;
	const postgres = await startPostgres({ log });
	const redis = await startRedis({ log, password: redisPassword }).catch(async (e) => {
		await postgres.stop();
		throw e;
	});
	const emu = await startEmulator({ apiKey, seed: 20240503, bot: { agentId: 'bot-reliability-03', sessionTimeoutSeconds: 7200 } });
	const creds = makeCredentials(emu.url, emu.apiKey, emu.botAgentId);
	const redisCredential = {
		id: 'relRedisCred001',
		name: 'Redis (deduplication store)',
		type: 'infobipDedupeRedisApi',
		data: { host: '127.0.0.1', port: redis.port, database: STORE_DB, user: '', password: redisPassword, ssl: false, disableTlsVerification: false },
	};
	scanner.add({ botWebhookSecretScale: creds.botSecret, redisPassword });
	const user = createUserFolder(tgz, `n8n-reliability-scale-${version}-`);
	const n8n = new N8nInstance(install, user, {
		log: scanner.logSink(`n8n ${version} scale logs`, ctx.logFile, ctx.verbose ? (l) => console.log(`    [n8n] ${l}`) : undefined),
		env: {
			...postgres.env,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			QUEUE_BULL_REDIS_PASSWORD: redisPassword,
			QUEUE_HEALTH_CHECK_ACTIVE: 'false',
			// main serves the editor and the API; production webhooks only on the webhook processes
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			N8N_LOG_LEVEL: 'info',
			...engineEnv,
		},
	});
	try {
		const flows = Object.fromEntries(
			stores.map((store) => [
				store,
				botWorkflow(creds, {
					id: WORKFLOW_IDS[store],
					name: `External bot (${store} deduplication store)`,
					newWebhookId: true,
					// set only when the trigger has the parameter (a build without it keeps static data)
					trigger: offered ? { deduplicationStore: store } : {},
					triggerCredentials: store === 'redis' ? { infobipDedupeRedisApi: { id: redisCredential.id, name: redisCredential.name } } : undefined,
				}),
			]),
		);
		await n8n.importCredentials([...creds.list.slice(0, 2), ...(stores.includes('redis') ? [redisCredential] : [])]);
		await n8n.importWorkflows(Object.values(flows).map((x) => x.workflow));
		for (const store of stores) await n8n.activate(WORKFLOW_IDS[store]);
		await n8n.start();
		for (let i = 0; i < config.scaleWebhookProcesses; i++) await n8n.startWebhookProcess();
		for (let i = 0; i < config.workers; i++) await n8n.startWorker({ concurrency: config.workerConcurrency });
		for (const store of stores) for (const w of n8n.webhookProcesses) await waitForTrigger(`${w.url}/webhook/${flows[store].webhookId}/webhook`);
		f.scale.startupSeconds = Math.round((Date.now() - started) / 1000);
		log(`n8n ${version} up in queue mode with ${n8n.webhookProcesses.length} webhook processes (ports ${n8n.webhookProcesses.map((w) => w.port).join(', ')}) and ${n8n.workers.length} workers, main on ${n8n.port} without production webhooks, in ${f.scale.startupSeconds} s`);

		// main must not serve production webhooks: every delivery goes through the webhook processes
		const direct = await fetch(n8n.webhookUrl(flows[stores[0]].webhookId, 'webhook'), { method: 'POST', headers: { 'content-type': 'application/json', authorization: creds.botSecret }, body: '{}' });
		await direct.text();
		check(version, 'scale', `n8n main does not serve production webhooks (N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true): HTTP ${direct.status}`, direct.status === 404, `HTTP ${direct.status}`);

		for (const store of stores) {
			const lb = await startBalancer({ backends: n8n.webhookProcesses.map((w) => w.url) });
			try {
				const url = `${lb.url}/webhook/${flows[store].webhookId}/webhook`;
				emu.configureBot({ url, authHeaderName: 'Authorization', authHeaderValue: creds.botSecret, ...config.delivery, ...config.redelivery });
				emu.setFaults(config.faults);
				const workersBefore = finishedPerWorker(n8n);
				const redisLinesBefore = triggerRedisLines(n8n).length;
				const faultsBefore = { ...emu.state.faultsInjected };
				log(`part 6 (${store} store): ${fmt(config.scaleMessages)} messages from ${config.scaleCustomers} customers through a round-robin load balancer (${lb.url}) to ${n8n.webhookProcesses.length} webhook processes, redeliveries to the other process`);
				const t0 = Date.now();
				const load = await driveCustomers({ emu, messages: config.scaleMessages, customers: config.scaleCustomers, handoffRate: config.handoffRate, prefix: PREFIXES[store], progress: log });
				const rows = await settle({ emu, n8n, workflowId: WORKFLOW_IDS[store], conversations: load.conversations, timeoutMs: 300_000 });
				const durationMs = Date.now() - t0;
				emu.setFaults({});
				emu.configureBot({ redeliveryRate: 0 });
				const c = await count({ emu, n8n, workflowId: WORKFLOW_IDS[store], conversations: load.conversations, handoffs: load.handoffs, rows });
				// the emulator counts faults since it started: this run's share
				c.faultsInjected = Object.fromEntries(Object.entries(c.faultsInjected).map(([k, v]) => [k, v - (faultsBefore[k] ?? 0)]));
				const perWorker = finishedPerWorker(n8n).map((n, i) => n - (workersBefore[i] ?? 0));
				const balancer = lb.stats();
				const s = (f.scale.stores[store] = {
					...c,
					customers: config.scaleCustomers,
					durationMs,
					messagesPerSecond: Number(((c.sent * 1000) / durationMs).toFixed(1)),
					executionsPerWorker: perWorker,
					requestsPerWebhookProcess: balancer.requests,
					answersPerWebhookProcess: balancer.answers,
					balancerErrors: balancer.errors,
					balancerRetries: balancer.retried,
					redeliveredOnAnotherProcess: balancer.onSeveralBackends,
				});
				const tag = store === 'staticData' ? 'staticData store (the before)' : 'redis store';
				check(version, 'scale', `${tag}: ${fmt(c.sent)} messages delivered (${fmt(c.redelivered)} redelivered; ${fmt(balancer.onSeveralBackends)} messages reached both webhook processes)`, c.sent === config.scaleMessages && c.delivered === c.sent && c.redelivered > 0 && balancer.onSeveralBackends > 0, JSON.stringify({ sent: c.sent, delivered: c.delivered, redelivered: c.redelivered, failures: c.deliveryFailures, balancer }));
				check(version, 'scale', `${tag}: both webhook processes took deliveries (${balancer.requests.join(' + ')}), both workers ran executions (${perWorker.join(' + ')}), main none`, balancer.requests.every((n) => n > 0) && perWorker.length === config.workers && perWorker.every((n) => n > 0) && perWorker.reduce((a, b) => a + b, 0) === c.executions && !n8n.output.some((l) => /Worker (started|finished) execution/.test(l)), JSON.stringify({ requests: balancer.requests, perWorker, executions: c.executions }));
				const outcome = `${fmt(c.executions)} executions for ${fmt(c.sent)} messages (${c.messagesWithSeveralExecutions} messages ran more than once, ${c.messagesWithoutExecution} never), ${fmt(c.replies)} replies: ${c.lost} lost, ${c.duplicated} duplicated`;
				if (store === 'staticData') {
					info(version, 'scale', `${tag}, recorded (static data is not atomic across processes; not a pass condition): ${outcome}`);
				} else {
					check(version, 'scale', `${tag}: one successful execution per message, none for a redelivery (PostgreSQL): ${fmt(c.executions)} executions, ${c.messagesWithSeveralExecutions} messages ran twice`, c.executions === c.sent && c.messagesWithSeveralExecutions === 0 && c.messagesWithoutExecution === 0 && (c.executionsByStatus.success ?? 0) === c.executions, JSON.stringify({ executions: c.executions, byStatus: c.executionsByStatus, several: c.messagesWithSeveralExecutions, without: c.messagesWithoutExecution, e: c.examples }));
					const keys = await storeKeys(redis);
					const fallbacks = triggerRedisLines(n8n).slice(redisLinesBefore);
					s.storeKeys = keys;
					s.triggerRedisLogLines = fallbacks.length;
					check(version, 'scale', `${tag}: the records are in Redis (${fmt(keys)} keys in database ${STORE_DB} for ${fmt(c.sent)} messages) and the trigger logged no Redis problem (${fallbacks.length} lines)`, keys >= c.sent && fallbacks.length === 0, fallbacks.slice(0, 5).join('\n') || `${keys} keys`);
					check(version, 'scale', `${tag}: exactly one reply per message: ${fmt(c.replies)} replies, ${c.lost} lost, ${c.duplicated} duplicated`, c.replies === c.sent && c.lost === 0 && c.duplicated === 0, JSON.stringify({ lost: c.lost, duplicated: c.duplicated, conversationsWithLoss: c.conversationsWithLoss, conversationsWithDuplicates: c.conversationsWithDuplicates }));
				}
				log(`part 6 (${store} store): ${outcome}; ${(durationMs / 1000).toFixed(0)} s, ${s.messagesPerSecond} msg/s`);
			} finally {
				await lb.close();
			}
		}
		f.scale.postgres = postgres.version;
		f.scale.redis = redis.version;
	} finally {
		await n8n.stop();
		await emu.close();
	}
	try {
		const scanned = await scanExecutions(n8n, scanner, `n8n ${version} scale execution data (PostgreSQL)`);
		f.secrets = { ...(f.secrets ?? {}), scaleExecutionsScanned: scanned };
	} finally {
		await redis.stop();
		await postgres.stop();
		if (!process.env.RELIABILITY_KEEP) n8n.cleanup();
	}
	f.scale.seconds = Math.round((Date.now() - started) / 1000);
}

module.exports = { scaleMode, triggerStores };

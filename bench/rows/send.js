// @ts-check
/**
 * Row 3 — Send Message for 1,000 items in a real n8n 2.40.7, against the emulator with a rate limit.
 *
 * Emulator (in this process): latency 20–50 ms per API request (20 ms + uniform 0–30 ms), rate limit R requests
 * per second per API key (sliding 1-second window; beyond it 429 + Retry-After, counted). 1,000 conversations are
 * seeded once, assigned to the bot.
 * Each workflow: Webhook (POST, respond immediately) → Code (1,000 items: conversationId, from, to, channel,
 * text) → the node under test. The bench POSTs the conversation ids to the webhook, waits for the execution to
 * finish in n8n's database and reads the node's executionTime from the execution's run data.
 *   package    Infobip Conversations → Message → Send, default settings + Options → Max Requests per Second = R
 *   http       n8n's HTTP Request node (typeVersion 4.2), default settings, making the same POST with the same
 *              headers (Authorization through an n8n Header Auth credential, x-agent-id, JSON body)
 *   http-batch the same HTTP Request node with Options → Batching set to the limit (R items per batch, 1000 ms
 *              interval) — what n8n's own 429 error message recommends
 * and once, for information: the HTTP Request node with the node setting Retry On Fail (3 tries, 1 s apart).
 * Per run: items/s = 1,000 / executionTime of the node (when all 1,000 were delivered), messages delivered,
 * requests refused (429) by the emulator, the most requests that arrived within any 1-second window.
 * Goal: package ≥ 2× the HTTP Request node's items/s with 0 refused requests for the package.
 */
const { randomUUID } = require('node:crypto');
const path = require('node:path');

const { alternate, median, sleep, fmt } = require('../lib/measure');
const { startBenchN8n, executionRunData } = require('../lib/n8nBench');
const { ROOT } = require('../lib/ts');

const ITEMS = 1000;
const RATE = 100;
const LATENCY = { latencyMs: 20, latencyJitterMs: 30 };
const WF = { package: 'benchSendPkg0001', http: 'benchSendHttp001', 'http-batch': 'benchSendHttpB01', 'http-retry': 'benchSendHttpR01', 'package-unpaced': 'benchSendPkgU001' };
const NODE_NAME = 'Send';

function workflow(id, name, hookPath, sendNode) {
	const hook = { parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'onReceived', options: {} }, id: randomUUID(), name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2.1, position: [0, 0], webhookId: randomUUID() };
	const code = {
		parameters: {
			jsCode: [
				'const { conversationIds, tag } = $input.first().json.body;',
				"return conversationIds.map((conversationId, i) => ({ json: { conversationId, from: '385911111111', to: '447860099299', channel: 'WHATSAPP', text: `Bench ${tag} message ${i}` } }));",
			].join('\n'),
		},
		id: randomUUID(),
		name: 'Items',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [220, 0],
	};
	const send = { id: randomUUID(), name: NODE_NAME, position: [440, 0], ...sendNode };
	return {
		id,
		name,
		nodes: [hook, code, send],
		connections: { Webhook: { main: [[{ node: 'Items', type: 'main', index: 0 }]] }, Items: { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] } },
	};
}

function httpRequestNode(emu, credential, extraOptions = {}, settings = {}) {
	return {
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: `=${emu.url}/ccaas/1/conversations/{{ $json.conversationId }}/messages`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			sendHeaders: true,
			headerParameters: { parameters: [{ name: 'x-agent-id', value: emu.botAgentId }, { name: 'Accept', value: 'application/json' }] },
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify({ from: $json.to, to: $json.from, channel: $json.channel, contentType: "TEXT", content: { text: $json.text } }) }}',
			options: extraOptions,
		},
		credentials: { httpHeaderAuth: { id: credential.id, name: credential.name } },
		...settings,
	};
}

/** The most requests that arrived within any 1-second window. */
function peakPerSecond(times) {
	const t = [...times].sort((a, b) => a - b);
	let peak = 0;
	for (let start = 0, end = 0; end < t.length; end++) {
		while (t[end] - t[start] >= 1000) start++;
		peak = Math.max(peak, end - start + 1);
	}
	return peak;
}

/**
 * @param {{ rounds: number, warmup: number, quick: boolean, profile?: boolean, log: (l: string) => void, install: any }} ctx
 */
async function run({ rounds, warmup, quick, log, install, profile }) {
	const { startEmulator } = require(path.join(ROOT, 'dist/emulator/index.js'));
	const emu = await startEmulator({ bot: { agentId: randomUUID(), sessionTimeoutSeconds: 7 * 86_400 } });
	const items = quick ? 300 : ITEMS;
	try {
		const conversationIds = emu.seed({ count: items }).conversationIds;
		const infobip = { id: 'benchInfobip001', name: 'Infobip (bench emulator)', type: 'infobipConversationsApi', data: { baseUrl: emu.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: emu.botAgentId } };
		const header = { id: 'benchHeaderAuth1', name: 'Infobip API key header (bench)', type: 'httpHeaderAuth', data: { name: 'Authorization', value: `App ${emu.apiKey}` } };
		const packageNode = {
			type: 'n8n-nodes-infobip-conversations.infobipConversations',
			typeVersion: 1,
			parameters: {
				resource: 'message',
				operation: 'send',
				conversationId: '={{ $json.conversationId }}',
				from: '={{ $json.to }}',
				to: '={{ $json.from }}',
				channel: '={{ $json.channel }}',
				contentType: 'TEXT',
				text: '={{ $json.text }}',
				options: { maxRequestsPerSecond: RATE },
			},
			credentials: { infobipConversationsApi: { id: infobip.id, name: infobip.name } },
		};
		const unpaced = { ...packageNode, parameters: { ...packageNode.parameters, options: {} } };
		const workflows = {
			package: workflow(WF.package, 'Bench: Send × 1000 (Infobip node)', 'bench-send-package', packageNode),
			'package-unpaced': workflow(WF['package-unpaced'], 'Bench: Send × 1000 (Infobip node, no rate option)', 'bench-send-package-unpaced', unpaced),
			http: workflow(WF.http, 'Bench: Send × 1000 (HTTP Request, defaults)', 'bench-send-http', httpRequestNode(emu, header)),
			'http-batch': workflow(WF['http-batch'], 'Bench: Send × 1000 (HTTP Request, batching)', 'bench-send-http-batch', httpRequestNode(emu, header, { batching: { batch: { batchSize: RATE, batchInterval: 1000 } } })),
			'http-retry': workflow(WF['http-retry'], 'Bench: Send × 1000 (HTTP Request, retry on fail)', 'bench-send-http-retry', httpRequestNode(emu, header, {}, { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 })),
		};
		// the profile-only workflow is published only when profiling (each publish is an n8n CLI run of seconds)
		const used = Object.keys(workflows).filter((name) => profile || name !== 'package-unpaced');
		const { n8n, stop } = await startBenchN8n({ install, log, credentials: [infobip, header], workflows: used.map((name) => workflows[name]), activate: used.map((name) => WF[name]) });
		try {
			emu.setFaults({ ...LATENCY, rateLimitPerSecond: RATE });
			let tag = 0;
			const once = async (name) => {
				const t = `r${++tag}`;
				emu.state.requests.length = 0;
				emu.state.faultsInjected = {};
				const [{ id: afterId }] = await n8n.query('SELECT COALESCE(MAX(id), 0) AS id FROM execution_entity');
				let res;
				// 404 until n8n has registered the published workflow's webhook (nothing runs then)
				for (let attempt = 0; attempt < 120; attempt++) {
					res = await fetch(`${n8n.url}/webhook/${workflows[name].nodes[0].parameters.path}`, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ conversationIds, tag: t }),
					});
					await res.text();
					if (res.status !== 404) break;
					await sleep(500);
				}
				if (res?.status !== 200) throw new Error(`${name}: webhook answered ${res?.status}`);
				const [execution] = await n8n.waitForExecutions(WF[name], (rows) => rows.some((r) => Number(r.id) > Number(afterId)), { timeoutMs: 300_000 }).then((rows) => rows.filter((r) => Number(r.id) > Number(afterId)));
				const [{ data }] = await n8n.query('SELECT data FROM execution_data WHERE executionId = ?', [execution.id]);
				const runs = executionRunData(install, data).resultData.runData[NODE_NAME] ?? [];
				const last = runs[runs.length - 1] ?? {};
				// what reached the emulator in this run
				const posts = emu.state.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
				const texts = [...emu.state.messages.values()].flat().filter((m) => m.direction === 'OUTBOUND' && String(m.content.text).startsWith(`Bench ${t} `));
				const delivered = new Set(texts.map((m) => m.content.text)).size;
				const executionTimeMs = runs.reduce((sum, r) => sum + (r.executionTime ?? 0), 0);
				const complete = execution.status === 'success' && delivered === items && (last.data?.main?.[0]?.length ?? 0) === items;
				return {
					status: execution.status,
					tries: runs.length,
					executionTimeMs,
					itemsPerSec: complete ? items / (executionTimeMs / 1000) : NaN,
					delivered,
					duplicates: texts.length - delivered,
					accepted: posts.filter((r) => r.status === 200).length,
					refused: emu.state.faultsInjected.rateLimited ?? 0,
					peakPerSecond: peakPerSecond(emu.state.requests.map((r) => r.at)),
					error: last.error?.message,
				};
			};
			const describe = (_n, r) =>
				`${r.status}${r.tries > 1 ? ` after ${r.tries} tries` : ''}, ${fmt(r.executionTimeMs / 1000)} s, ${Number.isFinite(r.itemsPerSec) ? `${fmt(r.itemsPerSec)} items/s` : 'did not deliver all items'}, delivered ${r.delivered}/${items}${r.duplicates ? ` (+${r.duplicates} duplicates)` : ''}, refused ${r.refused}, peak ${r.peakPerSecond} req/s${r.error ? ` — ${String(r.error).slice(0, 120)}` : ''}`;
			const results = await alternate({ package: () => once('package'), 'http-batch': () => once('http-batch') }, { rounds: Math.min(rounds, quick ? 2 : 3), warmup, log, describe });
			// the HTTP Request node's defaults never finish the job under a rate limit: two runs show it
			results.http = [];
			for (let k = 0; k < 2; k++) {
				results.http.push(await once('http'));
				log(`http (defaults) ${k + 1}/2: ${describe('http', results.http[k])}`);
			}
			const retry = await once('http-retry');
			log(`once http-retry: ${describe('http-retry', retry)}`);
			/** @type {Record<string, any> | undefined} */
			let unlimited;
			if (profile) {
				// Profile: the same with no rate limit anywhere — what each node does on its own
				emu.setFaults({ ...LATENCY });
				unlimited = { package: await once('package-unpaced'), http: await once('http') };
				log(`no rate limit, Infobip node (Concurrency 5): ${describe('package', unlimited.package)}`);
				log(`no rate limit, HTTP Request defaults: ${describe('http', unlimited.http)}`);
				emu.setFaults({ ...LATENCY, rateLimitPerSecond: RATE });
			}
			const m = (name, key) => median(results[name].map((r) => r[key]));
			const sum = (name, key) => results[name].reduce((s, r) => s + r[key], 0);
			const pkg = m('package', 'itemsPerSec');
			const batch = m('http-batch', 'itemsPerSec');
			const plain = results.http;
			const pkgRefused = sum('package', 'refused');
			const scenario = `${items} items, emulator latency 20–50 ms, rate limit ${RATE} req/s per API key (sliding 1 s window); median of ${results.package.length} alternating runs; "peak" = most requests arriving within any 1 s (refused ones included).`;
			const pkgText = `package: ${pkgRefused} refused over all runs, peak ${Math.max(...results.package.map((r) => r.peakPerSecond))} req/s`;
			return {
				rows: [
					{
						id: '3a',
						what: 'Send × 1,000 in real n8n, rate-limited API: package vs HTTP Request with Batching at the limit',
						package: { label: `Infobip node, defaults + Max Requests per Second ${RATE}`, value: pkg, unit: 'items/s' },
						baseline: { label: `HTTP Request 4.2, Batching ${RATE} items / 1000 ms`, value: batch, unit: 'items/s' },
						ratio: pkg / batch,
						ratioText: `${fmt(pkg / batch)}×`,
						goal: '≥ 2× items/s, 0 refused',
						met: pkg / batch >= 2 && pkgRefused === 0,
						note:
							`${scenario} ${pkgText}; HTTP Request (batching): ${sum('http-batch', 'refused')} refused, peak ${Math.max(...results['http-batch'].map((r) => r.peakPerSecond))} req/s. Both are capped by the same limit (${RATE}/s): no client can be 2× faster than one that already runs at the limit. The node spaces calls evenly at 95 % of the limit; Batching sends bursts of ${RATE} once per second.` +
							(unlimited ? ` Profile, no rate limit at all: Infobip node (Concurrency 5) ${describe('package', unlimited.package)}; HTTP Request defaults ${describe('http', unlimited.http)}.` : ''),
					},
					{
						id: '3b',
						what: 'Send × 1,000 in real n8n, rate-limited API: package vs HTTP Request with default settings',
						package: { label: `Infobip node, defaults + Max Requests per Second ${RATE}`, value: pkg, unit: 'items/s' },
						baseline: { label: 'HTTP Request 4.2, default settings', value: m('http', 'itemsPerSec'), unit: 'items/s' },
						ratio: NaN,
						ratioText: plain.every((r) => !Number.isFinite(r.itemsPerSec)) ? 'n/a: baseline fails' : `${fmt(pkg / m('http', 'itemsPerSec'))}×`,
						goal: '≥ 2× items/s, 0 refused',
						// a baseline that never delivers all items has no items/s to compare with: not "met", not applicable
						met: plain.every((r) => !Number.isFinite(r.itemsPerSec)) ? null : pkg / m('http', 'itemsPerSec') >= 2 && pkgRefused === 0,
						note:
							`${scenario} HTTP Request defaults send every item's request without waiting for the previous answers; per run ${plain.map((r) => `${r.status}, ${r.delivered}/${items} delivered, ${r.refused} refused (429), ${fmt(r.executionTimeMs / 1000)} s`).join('; ')}. ` +
							`The execution fails at the first 429 ("Try spacing your requests out using the batching settings under 'Options'"), so the baseline never completes the job. ` +
							`With Retry On Fail (3 tries, 1 s apart) it re-sends every item on each try: ${retry.status}, ${retry.delivered}/${items} delivered, ${retry.duplicates} duplicate messages, ${retry.refused} refused. ${pkgText}.`,
					},
				],
				raw: { items, rate: RATE, latency: LATENCY, results, retry, unlimited },
			};
		} finally {
			await stop();
		}
	} finally {
		await emu.close();
	}
}

module.exports = { name: 'send', title: 'Send Message × 1,000 in real n8n against a rate-limited API', run };

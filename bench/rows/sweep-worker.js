// @ts-check
/**
 * Child process of the sweep row (started with --expose-gc): the sweeping client, alone in its process so its
 * heap is its own. Commands (one JSON line each on stdin, one JSON answer line on stdout):
 *   { kind: 'sweep', emu, install, parameters, sampleHeap }  the node's Sweep Idle Sessions (test/support/sweep.ts
 *      sweepContext + runSweep) with n8n 2.40.7's request helper
 *   { kind: 'raw', emu, mode: 'list' | 'list+last' | 'close', pageSize, concurrency, idleTimeoutMinutes, sampleHeap,
 *     client?: 'n8n', install } the same work done with bare undici (or with n8n's request helper)
 * Heap sampling (like test/nodes/InfobipConversations/actions/conversation/sweepIdle/run.memory.test.ts): a forced GC and heapUsed before every listing request;
 * the figure is the peak minus the heap right before the run.
 */
const { Agent, request } = require('undici');

const { serveCommands } = require('../lib/child');
const { requireTs, ROOT } = require('../lib/ts');
const { useN8nHttp, n8nOutbound } = require('../lib/n8nHelpers');

const gc = /** @type {() => void} */ (/** @type {any} */ (globalThis).gc);
if (typeof gc !== 'function') throw new Error('sweep-worker needs --expose-gc');

function heapProbe(enabled) {
	if (!enabled) return { sample() {}, result: () => undefined };
	gc();
	const baseline = process.memoryUsage().heapUsed;
	let peak = baseline;
	let samples = 0;
	return {
		sample() {
			gc();
			samples++;
			peak = Math.max(peak, process.memoryUsage().heapUsed);
		},
		result() {
			gc();
			const retained = process.memoryUsage().heapUsed;
			peak = Math.max(peak, retained);
			return { baselineBytes: baseline, peakGrowthBytes: peak - baseline, retainedGrowthBytes: retained - baseline, samples };
		},
	};
}

async function sweep(cmd) {
	const { sweepContext, runSweep, interceptRequests } = requireTs('test/support/sweep.ts');
	const ctx = useN8nHttp(sweepContext(cmd.emu, cmd.parameters), cmd.install);
	const heap = heapProbe(cmd.sampleHeap);
	let requests = 0;
	interceptRequests(ctx, (opts) => {
		requests++;
		if (opts.method === 'GET' && opts.url === '/ccaas/1/conversations') heap.sample();
	});
	const started = performance.now();
	const out = await runSweep(ctx);
	const durationMs = performance.now() - started;
	const summary = out.find((i) => i.type === 'summary');
	return { durationMs, requests, summary, heap: heap.result() };
}

async function raw(cmd) {
	const { formatInfobipTime } = require(`${ROOT}/dist/nodes/InfobipConversations/helpers/sweep.js`);
	const { mapBounded } = require(`${ROOT}/dist/nodes/InfobipConversations/helpers/sweep.js`);
	const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: cmd.concurrency + 1 });
	const headers = { authorization: `App ${cmd.emu.apiKey}`, accept: 'application/json', 'content-type': 'application/json' };
	let requests = 0;
	// client 'n8n': the same requests through n8n's request helper (axios) with the transport's options, to split
	// the client library's cost from the node's own work
	const helper = cmd.client === 'n8n' ? n8nOutbound(cmd.install).requests : undefined;
	const call = async (method, path, body) => {
		requests++;
		if (helper) {
			const res = await helper.request({ method, url: `${cmd.emu.url}${path}`, headers: { authorization: headers.authorization }, body, json: true, returnFullResponse: true, ignoreHttpStatusErrors: true, timeout: 30_000 });
			if (res.statusCode !== 200) throw new Error(`${method} ${path} → ${res.statusCode} ${JSON.stringify(res.body)}`);
			return { json: res.body, date: res.headers.date };
		}
		const res = await request(`${cmd.emu.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), dispatcher });
		const json = await res.body.json();
		if (res.statusCode !== 200) throw new Error(`${method} ${path} → ${res.statusCode} ${JSON.stringify(json)}`);
		return { json: /** @type {any} */ (json), date: res.headers.date };
	};
	const heap = heapProbe(cmd.sampleHeap);
	const started = performance.now();
	// the server's clock, as the sweep takes it (a one-item probe), and the same filters
	const probe = await call('GET', `/ccaas/1/conversations?agentId=${encodeURIComponent(cmd.emu.botAgentId)}&status=OPEN&limit=1`);
	const cutoff = Date.parse(String(probe.date)) - cmd.idleTimeoutMinutes * 60_000;
	const list = async (page) => {
		heap.sample();
		const qs = new URLSearchParams({ agentId: cmd.emu.botAgentId, status: 'OPEN', updatedBefore: formatInfobipTime(cutoff), orderBy: 'updatedAt:asc', limit: String(cmd.pageSize), page: String(page) });
		const { json } = await call('GET', `/ccaas/1/conversations?${qs}`);
		return { items: json.conversations ?? [], total: json.pagination?.totalItems };
	};
	let listed = 0;
	let acted = 0;
	if (cmd.mode === 'close') {
		// closed conversations leave the filtered listing: read the first page until it is empty
		for (;;) {
			const { items } = await list(0);
			if (!items.length) break;
			listed += items.length;
			await mapBounded(items, cmd.concurrency, async (c) => {
				await call('PATCH', `/ccaas/1/conversations/${encodeURIComponent(c.id)}`, { status: 'CLOSED' });
				acted++;
			});
		}
	} else {
		for (let page = 0; ; page++) {
			const { items, total } = await list(page);
			listed += items.length;
			if (cmd.mode === 'list+last') {
				await mapBounded(items, cmd.concurrency, async (c) => {
					const { json } = await call('GET', `/ccaas/1/conversations/${encodeURIComponent(c.id)}/messages?limit=1&orderBy=createdAt:desc`);
					if (json.messages?.[0]) acted++;
				});
			}
			if (items.length < cmd.pageSize || (total !== undefined && (page + 1) * cmd.pageSize >= total)) break;
		}
	}
	const durationMs = performance.now() - started;
	await dispatcher.close();
	return { durationMs, requests, listed, acted, heap: heap.result() };
}

serveCommands(async (cmd) => {
	if (cmd.kind === 'sweep') return await sweep(cmd);
	if (cmd.kind === 'raw') return await raw(cmd);
	throw new Error(`unknown command ${cmd.kind}`);
});
process.stdout.write(JSON.stringify({ ready: true, pid: process.pid }) + '\n');

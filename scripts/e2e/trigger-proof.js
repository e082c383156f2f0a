#!/usr/bin/env node
// @ts-check
/**
 * Proof of the Infobip Conversations Trigger inside a real n8n (not wired into npm scripts; the lead folds it
 * into the e2e suite). Usage: node scripts/e2e/trigger-proof.js <path-to-packed.tgz> [versions...]
 * The tgz must list dist/nodes/InfobipConversationsTrigger/InfobipConversationsTrigger.node.js in n8n.nodes.
 *
 * Per version: fresh N8N_USER_FOLDER, `npm install <tgz>` into .n8n/nodes, import a credential pair and a
 * workflow "Infobip Conversations Trigger → Infobip Conversations Send (reply defaults)", activate it
 * (2.x: publish:workflow; 1.x: update:workflow --active=true), `n8n start` on 127.0.0.1, then HTTP checks
 * against the production URL; executions are counted in n8n's SQLite database and as bot replies in the
 * emulator. n8n is restarted once to prove the deduplication memory survives a restart.
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { startEmulator } = require('../../dist/emulator');

const cache = process.env.INFOBIP_N8N_CACHE || path.join(os.homedir(), '.cache/infobip-n8n');
const nodeBin = path.join(cache, 'node24/node_modules/.bin/node');
const [tgzArg, ...versionArgs] = process.argv.slice(2);
const versions = versionArgs.length ? versionArgs : ['2.40.7', '1.123.81'];
const SECRET = 'Bearer trigger-proof-secret-7f3a';
const WEBHOOK_ID = '5b0c6f5e-2d8e-4c8e-9f8e-2f7d1c3a9b10';

const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
const freePort = () =>
	new Promise((resolve) => {
		const s = net.createServer();
		s.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {net.AddressInfo} */ (s.address());
			s.close(() => resolve(port));
		});
	});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function executionData(user) {
	const db = path.join(user, '.n8n/database.sqlite');
	return sh('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print("\\n".join(r[0] for r in c.execute("select data from execution_data")))', db]);
}

/** A chunked POST (no Content-Length) that sends `total` bytes unless answered first. */
function postChunked(url, total, headers) {
	return new Promise((resolve) => {
		const req = require('node:http').request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers } });
		let sent = 0;
		let status;
		req.on('response', (res) => {
			status = res.statusCode;
			res.resume();
			res.on('end', () => resolve(status));
		});
		req.on('error', () => resolve(status ?? 'error'));
		const pump = () => {
			while (sent < total && status === undefined) {
				sent += 4096;
				if (!req.write(Buffer.alloc(4096, ' '))) return void req.once('drain', pump);
			}
			req.end();
		};
		pump();
	});
}

function countExecutions(user) {
	const db = path.join(user, '.n8n/database.sqlite');
	const out = sh('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("select count(*) from execution_entity").fetchone()[0])', db]);
	return Number(out.trim());
}

/** One request on a fresh connection (no keep-alive reuse between checks). */
function post(url, body, headers = {}) {
	return new Promise((resolve, reject) => {
		const req = require('node:http').request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
			const parts = [];
			res.on('data', (c) => parts.push(c));
			res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(parts).toString('utf8') }));
		});
		req.on('error', reject);
		req.end(body);
	});
}

async function waitFor(fn, what, ms = 60000) {
	const until = Date.now() + ms;
	for (;;) {
		try {
			if (await fn()) return;
		} catch {}
		if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
		await sleep(250);
	}
}

function startN8n(n8n, env, logFile) {
	const out = fs.openSync(logFile, 'a');
	const child = spawn(nodeBin, [n8n, 'start'], { env, stdio: ['ignore', out, out], detached: false });
	return child;
}

async function stopN8n(child) {
	if (child.exitCode !== null) return;
	const exited = new Promise((r) => child.once('exit', r));
	child.kill('SIGTERM');
	await Promise.race([exited, sleep(20000)]);
	if (child.exitCode === null) child.kill('SIGKILL');
}

async function runVersion(version, tgz) {
	const major = Number(version.split('.')[0]);
	const n8nDir = path.join(cache, `n8n-${version}`);
	const n8n = path.join(n8nDir, 'node_modules/n8n/bin/n8n');
	const user = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-trigger-${version}-`));
	fs.mkdirSync(path.join(user, '.n8n/nodes'), { recursive: true });
	fs.writeFileSync(path.join(user, '.n8n/nodes/package.json'), '{"name":"nodes","private":true}');
	sh('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', tgz], { cwd: path.join(user, '.n8n/nodes') });
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	const url = `${base}/webhook/${WEBHOOK_ID}/webhook`;
	const emu = await startEmulator({ bot: { agentId: 'bot-proof', url, authHeaderValue: SECRET } });
	const checks = [];
	const check = (name, ok, detail = '') => {
		checks.push({ name, ok: Boolean(ok) });
		console.log(`${ok ? 'PASS' : 'FAIL'}  n8n ${version}  ${name}${ok ? '' : `  ${detail}`}`);
	};
	const env = {
		...process.env,
		N8N_USER_FOLDER: user,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_ENCRYPTION_KEY: 'trigger-proof-encryption-key',
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		WEBHOOK_URL: `${base}/`,
		N8N_RUNNERS_ENABLED: 'true',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_LEVEL: 'info',
		DB_SQLITE_POOL_SIZE: '2',
	};
	const logFile = path.join(user, 'n8n.log');
	let child;
	try {
		const creds = [
			{ id: 'trigcred001', name: 'Bot webhook', type: 'infobipBotWebhookApi', data: { headerName: 'Authorization', headerValue: SECRET } },
			{ id: 'apicred0001', name: 'Infobip (emulator)', type: 'infobipConversationsApi', data: { baseUrl: emu.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: 'bot-proof' } },
		];
		const wf = {
			id: 'trigwf000001', name: 'trigger proof', active: false, settings: {},
			nodes: [
				{ id: 'n1', name: 'Inbound', type: 'n8n-nodes-infobip-conversations.infobipConversationsTrigger', typeVersion: 1, position: [0, 0], webhookId: WEBHOOK_ID,
					parameters: { triggerOptions: { maxBodySizeKb: 4, channels: ['WHATSAPP', 'SMS'] } }, credentials: { infobipBotWebhookApi: { id: 'trigcred001', name: 'Bot webhook' } } },
				{ id: 'n2', name: 'Reply', type: 'n8n-nodes-infobip-conversations.infobipConversations', typeVersion: 1, position: [250, 0],
					parameters: { resource: 'message', operation: 'send', text: '=Echo: {{ $json.text }}' }, credentials: { infobipConversationsApi: { id: 'apicred0001', name: 'Infobip (emulator)' } } },
			],
			connections: { Inbound: { main: [[{ node: 'Reply', type: 'main', index: 0 }]] } },
		};
		fs.writeFileSync(path.join(user, 'cred.json'), JSON.stringify(creds));
		fs.writeFileSync(path.join(user, 'wf.json'), JSON.stringify(wf));
		sh(nodeBin, [n8n, 'import:credentials', `--input=${path.join(user, 'cred.json')}`], { env });
		sh(nodeBin, [n8n, 'import:workflow', `--input=${path.join(user, 'wf.json')}`], { env });
		const activate = major >= 2 ? ['publish:workflow', '--id=trigwf000001'] : ['update:workflow', '--id=trigwf000001', '--active=true'];
		console.log(`      n8n ${version}: n8n ${activate.join(' ')}`);
		sh(nodeBin, [n8n, ...activate], { env });

		child = startN8n(n8n, env, logFile);
		await waitFor(async () => (await fetch(`${base}/healthz`)).ok, 'n8n /healthz');
		// the webhook is registered once the workflow is activated at startup
		await waitFor(async () => (await post(url, '{}', { authorization: 'x' })).status === 401, 'the trigger answering at the production URL (401 to a wrong header)');

		// 1. a real customer message through the emulator → one execution → one bot reply with the bot's x-agent-id
		const first = await emu.inbound({ from: '385911111111', to: '447860099299', channel: 'WHATSAPP', text: 'hello bot' });
		await emu.waitForIdle();
		const delivery = emu.state.deliveries.find((d) => d.messageId === first.messageId);
		check('emulator delivery answered 200', delivery && delivery.status === 200, JSON.stringify(emu.state.deliveries));
		await waitFor(() => (emu.state.messages.get(first.conversationId) || []).some((m) => m.direction === 'OUTBOUND'), 'bot reply', 30000).catch(() => undefined);
		const replies = (emu.state.messages.get(first.conversationId) || []).filter((m) => m.direction === 'OUTBOUND');
		check('one bot reply "Echo: hello bot" sent with x-agent-id bot-proof to the customer', replies.length === 1 && replies[0].agentId === 'bot-proof' && replies[0].to === '385911111111' && replies[0].content.text === 'Echo: hello bot', JSON.stringify(replies));
		await waitFor(() => countExecutions(user) === 1, 'execution 1').catch(() => undefined);
		check('exactly 1 execution after the first message', countExecutions(user) === 1, String(countExecutions(user)));

		// 2. rejections start nothing
		const msg = (id) => JSON.stringify({ conversationId: first.conversationId, id, from: '385911111111', to: '447860099299', channel: 'WHATSAPP', direction: 'INBOUND', contentType: 'TEXT', content: { text: `direct ${id}` }, createdAt: new Date().toISOString() });
		const noHeader = await post(url, msg(randomUUID()));
		check('missing header → 401', noHeader.status === 401, `${noHeader.status} ${noHeader.text}`);
		const wrong = await post(url, msg(randomUUID()), { authorization: 'Bearer wrong' });
		check('wrong header → 401', wrong.status === 401, `${wrong.status} ${wrong.text}`);
		const unauthMalformed = await post(url, '{not json', { authorization: 'Bearer wrong' });
		check('malformed JSON from an unauthenticated caller → 401 (auth first)', unauthMalformed.status === 401, `${unauthMalformed.status}`);
		const malformed = await post(url, '{not json', { authorization: SECRET });
		check('malformed JSON → 400 (not n8n\'s 422)', malformed.status === 400 && /invalid_json/.test(malformed.text), `${malformed.status} ${malformed.text}`);
		const badShape = await post(url, JSON.stringify({ id: 'x' }), { authorization: SECRET });
		check('wrong shape → 400 naming the field', badShape.status === 400 && /"field":"conversationId"/.test(badShape.text), `${badShape.status} ${badShape.text}`);
		const big = await post(url, JSON.stringify({ pad: 'x'.repeat(8 * 1024) }), { authorization: SECRET });
		check('oversized (8 KB > Max Body Size 4 KB) → 413', big.status === 413, `${big.status} ${big.text}`);
		const chunked = await postChunked(url, 64 * 1024, { authorization: SECRET });
		check('oversized chunked body (no Content-Length) → 413', chunked === 413, String(chunked));
		const viber = await post(url, JSON.stringify({ ...JSON.parse(msg(randomUUID())), channel: 'VIBER' }), { authorization: SECRET });
		check('channel not in the Channels option → 200 ignored', viber.status === 200 && /"status":"ignored"/.test(viber.text), `${viber.status} ${viber.text}`);
		await sleep(1500);
		check('still exactly 1 execution after the rejected requests', countExecutions(user) === 1, String(countExecutions(user)));

		// 3. the same message id twice → the second is a duplicate
		const dupId = randomUUID();
		const a = await post(url, msg(dupId), { authorization: SECRET });
		check('new message → 200', a.status === 200, `${a.status} ${a.text}`);
		console.log(`      n8n ${version}: accepted body: ${a.text}`);
		// a redelivery comes after the first delivery was handled (Infobip retries after a failure or timeout):
		// wait until n8n has started its execution (the dedupe record is saved just before that)
		await waitFor(() => countExecutions(user) === 2, 'execution 2');
		const b = await post(url, msg(dupId), { authorization: SECRET });
		check('same id again → 200 duplicate', b.status === 200 && /"status":"duplicate"/.test(b.text), `${b.status} ${b.text}`);
		await sleep(1000);
		check('exactly 2 executions (no execution for the duplicate)', countExecutions(user) === 2, String(countExecutions(user)));

		// 4. restart n8n: the deduplication memory survives
		await stopN8n(child);
		child = startN8n(n8n, env, logFile);
		await waitFor(async () => (await fetch(`${base}/healthz`)).ok, 'n8n /healthz after restart');
		await waitFor(async () => (await post(url, '{}', { authorization: 'x' })).status === 401, 'the trigger answering after the restart');
		const c = await post(url, msg(dupId), { authorization: SECRET });
		check('after restart: same id → 200 duplicate', c.status === 200 && /"status":"duplicate"/.test(c.text), `${c.status} ${c.text}`);
		const d = await post(url, msg(first.messageId), { authorization: SECRET });
		check('after restart: the emulator-delivered id → duplicate', d.status === 200 && /"status":"duplicate"/.test(d.text), `${d.status} ${d.text}`);
		await sleep(1500);
		check('still exactly 2 executions after restart', countExecutions(user) === 2, String(countExecutions(user)));
		const stored = executionData(user);
		check('execution data holds the item fields (messageId, text, payload)', stored.includes(dupId) && stored.includes('direct ') && stored.includes('payload'), stored.slice(0, 300));
		const secretFree = !stored.includes('trigger-proof-secret') && !fs.readFileSync(logFile, 'utf8').includes('trigger-proof-secret');
		check('the bot secret is in neither the execution data nor the n8n log', secretFree);
		return checks;
	} catch (error) {
		check(`run: ${error.message}${error.code ? ` (${error.code})` : ''}`, false);
		return checks;
	} finally {
		if (child) await stopN8n(child);
		await emu.close();
		if (checks.every((x) => x.ok) && !process.env.KEEP) fs.rmSync(user, { recursive: true, force: true });
		else console.log(`      kept ${user} (log: ${logFile})`);
	}
}

(async () => {
	if (!tgzArg) throw new Error('usage: trigger-proof.js <tgz> [versions...]');
	const tgz = path.resolve(tgzArg);
	let failed = 0;
	for (const v of versions) failed += (await runVersion(v, tgz)).filter((c) => !c.ok).length;
	console.log(failed ? `${failed} failed` : 'all passed');
	process.exit(failed ? 1 : 0);
})();

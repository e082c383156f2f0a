#!/usr/bin/env node
// @ts-check
/**
 * `npm run test:e2e`: the Infobip Conversations node inside a real n8n, loaded the way users load it
 * (npm pack → npm install into $N8N_USER_FOLDER/.n8n/nodes), against the local emulator.
 * For each version in N8N_E2E_VERSIONS (default "2.40.7 1.123.81"): installs n8n (cached in ~/.cache/infobip-n8n),
 * imports a credential pointing at the emulator and a workflow Manual Trigger → Send (reply defaults from the
 * inbound item) → Set Metadata → Route, runs it with `n8n execute`, and checks the emulator's state.
 * Fails (never skips) when n8n cannot be installed.
 */
const { execFile, execFileSync } = require('node:child_process');
const { promisify } = require('node:util');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startEmulator } = require('../../dist/emulator');

const root = path.resolve(__dirname, '../..');
const versions = (process.env.N8N_E2E_VERSIONS || '2.40.7 1.123.81').split(/\s+/).filter(Boolean);
const nodeBin = path.join(process.env.INFOBIP_N8N_CACHE || path.join(os.homedir(), '.cache/infobip-n8n'), 'node24/node_modules/.bin/node');

function sh(cmd, args, opts = {}) {
	return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...opts });
}

async function runVersion(version, tgz) {
	const n8nDir = sh('bash', [path.join(__dirname, 'install-n8n.sh'), version]).trim().split('\n').pop();
	const user = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-e2e-${version}-`));
	fs.mkdirSync(path.join(user, '.n8n/nodes'), { recursive: true });
	fs.writeFileSync(path.join(user, '.n8n/nodes/package.json'), '{"name":"nodes","private":true}');
	sh('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', tgz], { cwd: path.join(user, '.n8n/nodes') });

	const emu = await startEmulator({ bot: { agentId: 'bot-e2e' } });
	try {
		const { conversationId } = await emu.inbound({ from: '385911111111', to: '447860099299', channel: 'WHATSAPP', text: 'agent please' });
		const cred = { id: 'e2ecred1', name: 'Infobip (emulator)', type: 'infobipConversationsApi', data: { baseUrl: emu.url.replace('http://', 'http://'), authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: 'bot-e2e' } };
		const credRef = { infobipConversationsApi: { id: cred.id, name: cred.name } };
		const item = JSON.stringify({ conversationId, from: '385911111111', to: '447860099299', channel: 'WHATSAPP' });
		const node = (id, name, x, parameters) => ({ id, name, type: 'n8n-nodes-infobip-conversations.infobipConversations', typeVersion: 1, position: [x, 0], parameters, credentials: credRef });
		const wf = {
			id: 'e2ewf0001', name: 'e2e bot handoff', active: false, settings: {},
			nodes: [
				{ id: 'a', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{ id: 'b', name: 'Inbound', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [200, 0], parameters: { mode: 'raw', jsonOutput: item } },
				node('c', 'Reply', 400, { resource: 'message', operation: 'send', text: 'Connecting you to an agent' }),
				node('d', 'Metadata', 600, { resource: 'conversation', operation: 'setMetadata', conversationId, inputMode: 'json', metadataJson: '{"Intent":"human"}' }),
				node('e', 'Route', 800, { resource: 'conversation', operation: 'route', conversationId }),
			],
			connections: Object.fromEntries([['Start', 'Inbound'], ['Inbound', 'Reply'], ['Reply', 'Metadata'], ['Metadata', 'Route']].map(([a, b]) => [a, { main: [[{ node: b, type: 'main', index: 0 }]] }])),
		};
		fs.writeFileSync(path.join(user, 'cred.json'), JSON.stringify([cred]));
		fs.writeFileSync(path.join(user, 'wf.json'), JSON.stringify(wf));
		const env = { ...process.env, N8N_USER_FOLDER: user, N8N_DIAGNOSTICS_ENABLED: 'false', N8N_ENCRYPTION_KEY: 'e2e-encryption-key' };
		const n8n = path.join(n8nDir, 'node_modules/n8n/bin/n8n');
		sh(nodeBin, [n8n, 'import:credentials', `--input=${path.join(user, 'cred.json')}`], { env });
		sh(nodeBin, [n8n, 'import:workflow', `--input=${path.join(user, 'wf.json')}`], { env });
		// async: the emulator runs in this process and must keep answering while n8n executes
		const { stdout: out } = await promisify(execFile)(nodeBin, [n8n, 'execute', '--id=e2ewf0001'], { env, maxBuffer: 64 * 1024 * 1024 });
		const checks = [];
		const check = (name, ok) => checks.push({ name, ok: Boolean(ok) });
		check('execution finished with status success', /"status":\s*"success"/.test(out));
		const outbound = (emu.state.messages.get(conversationId) || []).filter((m) => m.direction === 'OUTBOUND');
		check('exactly one bot reply, sent with the bot x-agent-id', outbound.length === 1 && outbound[0].agentId === 'bot-e2e' && outbound[0].to === '385911111111');
		check('metadata set', JSON.stringify(emu.state.metadata.get(conversationId)) === '{"Intent":"human"}');
		const conv = emu.state.conversations.get(conversationId);
		check('conversation routed (no agent, queued)', conv && conv.agentId === null && conv.queueId);
		const after = await emu.inbound({ from: '385911111111', to: '447860099299', channel: 'WHATSAPP', text: 'hello?' });
		check('later customer messages no longer go to the bot', after.forwarded === false);
		return checks;
	} finally {
		await emu.close();
		fs.rmSync(user, { recursive: true, force: true });
	}
}

(async () => {
	const tgzName = sh('npm', ['pack', '--silent'], { cwd: root }).trim().split('\n').pop();
	const tgz = path.join(root, tgzName);
	let passed = 0;
	let failed = 0;
	for (const version of versions) {
		let checks;
		try {
			checks = await runVersion(version, tgz);
		} catch (error) {
			const detail = String(error.stdout || '').split('\n').filter((l) => /error/i.test(l)).slice(-3).join(' | ');
			checks = [{ name: `n8n ${version} install/run: ${error.message.split('\n')[0]} ${detail}`, ok: false }];
		}
		for (const c of checks) {
			console.log(`${c.ok ? 'PASS' : 'FAIL'}  n8n ${version}  ${c.name}`);
			c.ok ? passed++ : failed++;
		}
	}
	fs.rmSync(tgz, { force: true });
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
})();

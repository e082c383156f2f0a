#!/usr/bin/env node
// @ts-check
/**
 * The shipped example examples/sweep-idle-sessions.json inside a real n8n (default 2.40.7 and 1.123.81):
 * packs this package, installs it into a fresh $N8N_USER_FOLDER/.n8n/nodes, imports a credential named like the
 * one the example references, imports the example as it is (plus an id to run it by), runs it with `n8n execute`
 * against the emulator seeded with idle and fresh bot conversations, and checks the emulator's state.
 * Run after `npm run build`. Needs the n8n installs of scripts/e2e/install-n8n.sh (cached).
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
const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...opts });

async function runVersion(version, tgz) {
	const n8nDir = sh('bash', [path.join(__dirname, 'install-n8n.sh'), version]).trim().split('\n').pop();
	const user = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-sweep-${version}-`));
	fs.mkdirSync(path.join(user, '.n8n/nodes'), { recursive: true });
	fs.writeFileSync(path.join(user, '.n8n/nodes/package.json'), '{"name":"nodes","private":true}');
	sh('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', tgz], { cwd: path.join(user, '.n8n/nodes') });
	const emu = await startEmulator({ bot: { agentId: 'bot-e2e', sessionTimeoutSeconds: 7 * 86400 } });
	try {
		const idle = emu.seed({ count: 7, lastMessageAgoMs: 45 * 60_000 }).conversationIds;
		const fresh = emu.seed({ count: 3, lastMessageAgoMs: 5 * 60_000 }).conversationIds;
		const cred = { id: 'sweepcred1', name: 'Infobip Conversations account', type: 'infobipConversationsApi', data: { baseUrl: emu.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: 'bot-e2e' } };
		const example = JSON.parse(fs.readFileSync(path.join(root, 'examples/sweep-idle-sessions.json'), 'utf8'));
		// 1. the example as shipped (an id added to find it again)
		fs.writeFileSync(path.join(user, 'cred.json'), JSON.stringify([cred]));
		fs.writeFileSync(path.join(user, 'wf.json'), JSON.stringify({ ...example, id: 'sweepwf00001' }));
		// 2. the same flow started by a Manual Trigger: `n8n execute` cannot start at a Schedule Trigger
		const manual = JSON.parse(JSON.stringify(example).replace('"n8n-nodes-base.scheduleTrigger"', '"n8n-nodes-base.manualTrigger"'));
		manual.nodes[0].typeVersion = 1;
		manual.nodes[0].parameters = {};
		// alert from 5 closed on (the example says 50), so this run takes the alert branch
		manual.nodes.find((n) => n.type === 'n8n-nodes-base.if').parameters.conditions.conditions[1].rightValue = 5;
		fs.writeFileSync(path.join(user, 'wf-manual.json'), JSON.stringify({ ...manual, id: 'sweepwf00002', name: `${example.name} (manual)` }));
		const env = { ...process.env, N8N_USER_FOLDER: user, N8N_DIAGNOSTICS_ENABLED: 'false', N8N_ENCRYPTION_KEY: 'e2e-encryption-key' };
		const n8n = path.join(n8nDir, 'node_modules/n8n/bin/n8n');
		sh(nodeBin, [n8n, 'import:credentials', `--input=${path.join(user, 'cred.json')}`], { env });
		sh(nodeBin, [n8n, 'import:workflow', `--input=${path.join(user, 'wf.json')}`], { env });
		sh(nodeBin, [n8n, 'import:workflow', `--input=${path.join(user, 'wf-manual.json')}`], { env });
		sh(nodeBin, [n8n, 'export:workflow', '--id=sweepwf00001', `--output=${path.join(user, 'exported.json')}`], { env });
		const exported = JSON.parse(fs.readFileSync(path.join(user, 'exported.json'), 'utf8'));
		const stored = Array.isArray(exported) ? exported[0] : exported;
		const { stdout: out } = await promisify(execFile)(nodeBin, [n8n, 'execute', '--id=sweepwf00002'], { env, maxBuffer: 64 * 1024 * 1024 });
		fs.writeFileSync(path.join(os.tmpdir(), `sweep-example-${version}.out`), JSON.stringify(stored, null, 1) + out);
		const checks = [];
		const check = (name, ok) => checks.push({ name, ok: Boolean(ok) });
		check('the example imports as shipped (schedule every 5 minutes, 6 nodes)', stored.nodes.length === 6 && stored.nodes[0].type === 'n8n-nodes-base.scheduleTrigger');
		check('its credential reference (by name) points at the imported credential', (() => {
			const ref = stored.nodes.find((n) => n.name === 'Sweep Idle Sessions').credentials.infobipConversationsApi;
			return ref.name === 'Infobip Conversations account' && (ref.id === undefined || ref.id === null || ref.id === 'sweepcred1');
		})());
		check('execution finished with status success', /"status":\s*"success"/.test(out));
		check('the 7 idle conversations are closed', idle.every((id) => emu.state.conversations.get(id).status === 'CLOSED'));
		check('the 3 fresh ones are untouched', fresh.every((id) => emu.state.conversations.get(id).status === 'OPEN' && !emu.state.metadata.get(id)));
		check('one goodbye each, sent as the bot', idle.every((id) => {
			const o = emu.state.messages.get(id).filter((m) => m.direction === 'OUTBOUND');
			return o.length === 1 && o[0].agentId === 'bot-e2e' && /closing this chat/.test(o[0].content.text);
		}));
		check('the IF sent the summary to the alert text', /Infobip idle sweep [^:"]+: 7 closed, 0 failed, 0 skipped of 7 idle conversations \(all done\)/.test(out));
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
			const detail = String(error.stdout || '').split('\n').filter((l) => /error|problem|credential/i.test(l)).slice(-4).join(' | ');
			checks = [{ name: `n8n ${version} install/run: ${String(error.message).split('\n')[0]} ${detail}`, ok: false }];
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

#!/usr/bin/env node
// @ts-check
/**
 * `npm run test:e2e`: this package inside a real n8n, loaded the way a self-hosting user loads it
 * (npm pack → npm install <tgz> in $N8N_USER_FOLDER/.n8n/nodes), against the local Conversations emulator.
 *
 * For each n8n version in N8N_E2E_VERSIONS (default: the supported ones, see scripts/lib/n8n.js), it installs n8n
 * into ~/.cache/infobip-n8n (first run: minutes; then cached), imports credentials pointing at the emulator and
 * the shipped examples/, activates them, starts n8n on 127.0.0.1 and drives each scenario in scripts/e2e/scenarios.
 * Prints one PASS/FAIL line per check and exits non-zero on any failure. It never skips: if n8n cannot be
 * installed or started, that is a failure.
 *
 * Env: N8N_E2E_VERSIONS="2.40.7 1.123.81", N8N_E2E_SCENARIOS="examples bot documented registration ai card sweep browser", N8N_E2E_VERBOSE=1.
 */
const fs = require('node:fs');
const path = require('node:path');

const { SUPPORTED_VERSIONS, ensureN8n, packPackage, createUserFolder, freePort, N8nInstance } = require('../lib/n8n');
const { startJiraLike } = require('../lib/jira-like');
const { startEmulator } = require('../../dist/emulator');

const versions = (process.env.N8N_E2E_VERSIONS || SUPPORTED_VERSIONS.join(' ')).split(/\s+/).filter(Boolean);
const wanted = (process.env.N8N_E2E_SCENARIOS || 'examples bot documented registration ai card sweep browser').split(/\s+/).filter(Boolean);
const verbose = process.env.N8N_E2E_VERBOSE === '1';

/** Scenario modules in the order they run; each has prepare(ctx) (n8n stopped) and run(ctx, prepared) (n8n up). */
const ALL = ['examples', 'sweep', 'bot', 'documented', 'registration', 'ai', 'card', 'browser'];
const BOT_SECRET = 'Bearer e2e-bot-secret-5f1c9a';

async function runVersion(version, tgz, report) {
	const check = (name, ok, detail) => report(version, name, Boolean(ok), ok ? undefined : detail);
	const started = Date.now();
	const install = ensureN8n(version);
	const user = createUserFolder(tgz, `n8n-e2e-${version}-`);
	const n8n = new N8nInstance(install, user, { log: verbose ? (l) => console.log(`  [n8n ${version}] ${l}`) : undefined });
	n8n.port = await freePort();
	const emu = await startEmulator({ bot: { agentId: 'bot-e2e-0001', sessionTimeoutSeconds: 3600 } });
	const jira = await startJiraLike();
	const credentials = {
		infobip: {
			id: 'e2eInfobipCred1',
			name: 'Infobip Conversations account',
			type: 'infobipConversationsApi',
			data: { baseUrl: emu.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: emu.botAgentId },
		},
		botWebhook: {
			id: 'e2eBotHookCred1',
			name: 'Infobip Bot Webhook account',
			type: 'infobipBotWebhookApi',
			data: { headerName: 'Authorization', headerValue: BOT_SECRET },
		},
	};
	const ctx = {
		version,
		install,
		n8n,
		emu,
		jira,
		check,
		credentials,
		secrets: [emu.apiKey, BOT_SECRET, jira.apiToken],
		/** @type {Array<() => Promise<unknown>>} */
		cleanups: [],
		executionDataText: (id) => n8n.executionDataText(id),
	};
	const scenarios = ALL.filter((s) => wanted.includes(s)).map((name) => ({ name, mod: require(`./scenarios/${name}`) }));
	try {
		/** @type {Record<string, unknown>} */
		const prepared = {};
		await n8n.importCredentials(Object.values(credentials));
		for (const s of scenarios) {
			if (s.mod.prepare) prepared[s.name] = await s.mod.prepare(ctx);
		}
		for (const s of scenarios) {
			if (s.mod.offline) await s.mod.offline(ctx, prepared[s.name]);
		}
		await n8n.start();
		check(`n8n ${version} started with the package installed from its tarball`, true);
		for (const s of scenarios) {
			if (!s.mod.run) continue;
			try {
				await s.mod.run(ctx, prepared[s.name]);
			} catch (error) {
				check(`${s.name}: ran to the end`, false, /** @type {Error} */ (error).stack);
			}
		}
		const leaked = ctx.secrets.filter((secret) => n8n.output.some((l) => l.includes(secret)));
		check('no credential value appears in n8n\'s log', leaked.length === 0, `${leaked.length} secret(s) logged`);
		const problems = n8n.output.filter((l) => /Cannot find module|Error loading package|n8n-nodes-infobip-conversations.*(error|failed)/i.test(l));
		check('n8n logged no loading errors for the package', problems.length === 0, problems.slice(0, 5).join('\n'));
	} finally {
		await n8n.stop();
		for (const cleanup of ctx.cleanups) await cleanup();
		await emu.close();
		await jira.close();
		if (!process.env.N8N_E2E_KEEP) n8n.cleanup();
		console.log(`  n8n ${version}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
	}
}

(async () => {
	const distNode = path.join(__dirname, '../../dist/nodes/InfobipConversations/InfobipConversations.node.js');
	if (!fs.existsSync(distNode)) throw new Error('dist/ is missing: run `npm run build` first (npm run test:e2e does)');
	const tgz = packPackage();
	let passed = 0;
	let failed = 0;
	const report = (version, name, ok, detail) => {
		console.log(`${ok ? 'PASS' : 'FAIL'}  n8n ${version}  ${name}${!ok && detail ? `\n      ${String(detail).split('\n').join('\n      ')}` : ''}`);
		if (ok) passed++;
		else failed++;
	};
	for (const version of versions) {
		try {
			await runVersion(version, tgz, report);
		} catch (error) {
			report(version, 'install, start and run', false, /** @type {Error} */ (error).stack);
		}
	}
	fs.rmSync(path.dirname(tgz), { recursive: true, force: true });
	console.log(`\n${passed} passed, ${failed} failed (n8n ${versions.join(', ')})`);
	process.exit(failed || passed === 0 ? 1 : 0);
})().catch((error) => {
	console.error(error);
	process.exit(1);
});

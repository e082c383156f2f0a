#!/usr/bin/env node
// @ts-check
/**
 * `npm run demo`: an external chatbot built in n8n, talking to a customer through Infobip Conversations — all on
 * this machine, no Infobip account, no internet beyond the npm registry.
 *
 * Starts the local Conversations emulator and a real n8n (installed from npm into ~/.cache/infobip-n8n on the first
 * run: several minutes) with this package loaded as users load it and the example bot (examples/external-bot.json)
 * active. Plays a short customer conversation through it and prints the transcript as the customer, the bot and the
 * agent queue see it. Then leaves n8n running (URL and login printed) until Ctrl-C.
 *
 * Env: DEMO_N8N_VERSION (default 2.40.7), DEMO_EXIT=1 (stop after the transcript, e.g. in CI).
 */
const fs = require('node:fs');
const path = require('node:path');

const { ROOT, ensureN8n, packPackage, createUserFolder, freePort, N8nInstance, loadExample, sleep } = require('./lib/n8n');
const { startEmulator } = require('../dist/emulator');

const VERSION = process.env.DEMO_N8N_VERSION || '2.40.7';
const BOT_SECRET = 'Bearer demo-bot-secret-2c41f7';
const OWNER = { email: 'demo@example.com', firstName: 'Demo', lastName: 'Owner', password: 'Demo-password-1' };
const CUSTOMER = { from: '385911111111', to: '447860099299', channel: 'WHATSAPP' };
const SCRIPT = ['hi', 'What are your opening hours?', 'Can I talk to an agent, please?', 'Hello? Anyone there?'];

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);
const step = (s) => console.log(`${bold('▸')} ${s}`);

async function main() {
	console.log(bold('\nInfobip Conversations × n8n — external bot demo\n'));
	step(`Preparing n8n ${VERSION} and Node.js 24 (cached in ~/.cache/infobip-n8n; the first run downloads them from npm and takes several minutes)…`);
	const install = ensureN8n(VERSION);
	step('Packing this package and installing it into a fresh n8n user folder, as a self-hosting user would…');
	const tgz = packPackage();
	const user = createUserFolder(tgz, 'infobip-demo-');
	fs.rmSync(path.dirname(tgz), { recursive: true, force: true });

	const emu = await startEmulator({ port: await pickPort(4010), bot: { authHeaderValue: BOT_SECRET, sessionTimeoutSeconds: 3600 } });
	const n8n = new N8nInstance(install, user, { port: await pickPort(5678) });
	let stopping = false;
	const stop = async (code = 0) => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the emulator…');
		await n8n.stop();
		await emu.close();
		n8n.cleanup();
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));

	try {
		step(`Emulator of the Infobip Conversations API listening on ${emu.url}`);
		const wf = loadExample('external-bot.json');
		const trigger = wf.nodes.find((n) => n.type.endsWith('.infobipConversationsTrigger'));
		await n8n.importCredentials([
			{ id: 'demoInfobipApi01', name: 'Infobip Conversations account', type: 'infobipConversationsApi', data: { baseUrl: emu.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: emu.botAgentId } },
			{ id: 'demoBotWebhook01', name: 'Infobip Bot Webhook account', type: 'infobipBotWebhookApi', data: { headerName: 'Authorization', headerValue: BOT_SECRET } },
		]);
		for (const file of fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.json') && f !== 'external-bot.json')) {
			await n8n.importWorkflow({ ...loadExample(file), id: `demo${file.replace(/[^a-z]/gi, '').slice(0, 12)}` });
		}
		await n8n.importWorkflow({ ...wf, id: 'demoExternalBot1' });
		await n8n.activate('demoExternalBot1');
		step(`Starting n8n ${VERSION} with the example bot active (examples/external-bot.json)…`);
		await n8n.start();
		await n8n.setupOwner(OWNER);
		const botUrl = n8n.webhookUrl(trigger.webhookId, 'webhook');
		emu.configureBot({ url: botUrl, authHeaderName: 'Authorization', authHeaderValue: BOT_SECRET });
		step(`Bot URL in the emulator (Infobip's "External chatbot" setting) = the trigger's production URL:\n    ${botUrl}`);
		await waitForWebhook(botUrl);

		console.log(bold('\nThe conversation, as the customer sees it (WhatsApp):\n'));
		let conversationId = '';
		for (const text of SCRIPT) {
			console.log(`  customer › ${text}`);
			const before = countOutbound(emu, conversationId);
			const r = await emu.inbound({ ...CUSTOMER, text });
			conversationId = r.conversationId;
			if (!r.forwarded) {
				await sleep(1500);
				console.log(dim('             (no bot answer: the conversation is with the agents now)'));
				continue;
			}
			const reply = await waitForReply(emu, conversationId, before);
			console.log(`  bot      › ${reply ?? dim('(no reply within 20 s)')}`);
			if (/agent/i.test(text)) {
				// the bot then saves context for the agent and routes the conversation: wait for the hand-off
				const deadline = Date.now() + 20_000;
				while (Date.now() < deadline && emu.state.conversations.get(conversationId)?.agentId !== null) await sleep(100);
				const handedOff = emu.state.conversations.get(conversationId)?.agentId === null;
				console.log(dim(handedOff ? '             (the bot saved context for the agent and routed the conversation to the agents)' : '             (the hand-off did not happen within 20 s)'));
			}
		}

		const executions = await n8n.executions('demoExternalBot1');
		console.log(bold('\nAs the bot (n8n) saw it:\n'));
		console.log(`  ${executions.length} executions of "${wf.name}": ${executions.map((e) => e.status).join(', ')}`);
		console.log(`  ${emu.state.deliveries.filter((d) => d.status === 200).length} messages delivered to the Bot URL; the 4th was never sent to the bot.`);

		const conv = emu.state.conversations.get(conversationId);
		console.log(bold('\nAs the agent queue sees it:\n'));
		console.log(`  conversation ${conversationId}`);
		console.log(`  status ${conv?.status}, queue ${conv?.queueId ?? '-'}, agent ${conv?.agentId ?? '(waiting for the next free agent)'}`);
		console.log(`  metadata for the agent: ${JSON.stringify(emu.state.metadata.get(conversationId) ?? {})}`);
		console.log(`  ${(emu.state.messages.get(conversationId) ?? []).length} messages of history, the last one waiting for an agent`);

		if (process.env.DEMO_EXIT === '1') return await stop(executions.length === 3 && executions.every((e) => e.status === 'success') ? 0 : 1);

		console.log(bold('\nn8n keeps running — have a look:\n'));
		console.log(`  editor       ${n8n.url}   (log in as ${OWNER.email} / ${OWNER.password})`);
		console.log('               open "Infobip external bot…" → Executions to see each message\'s run;');
		console.log('               the other examples (AI agent bot, context card, idle-session sweep) are imported too.');
		console.log(`  emulator     ${emu.url}   (API key ${emu.apiKey}, bot agent id ${emu.botAgentId})`);
		console.log('  talk to the bot as a new customer:');
		console.log(`    npx infobip-conversations-emulator inbound --url ${emu.url} --from 38599000111 --to ${CUSTOMER.to} --text "hi"`);
		console.log(`    curl -s ${emu.url}/_emulator/state | head -c 2000`);
		console.log(dim('\n  Press Ctrl-C to stop n8n and the emulator.'));
		await new Promise(() => {});
	} catch (error) {
		console.error(`\nThe demo failed: ${/** @type {Error} */ (error).message}`);
		if (n8n.output.length) console.error(dim(n8n.output.slice(-15).join('\n')));
		await stop(1);
	}
}

async function pickPort(preferred) {
	const net = require('node:net');
	const free = await new Promise((resolve) => {
		const s = net.createServer();
		s.once('error', () => resolve(false));
		s.listen(preferred, '127.0.0.1', () => s.close(() => resolve(true)));
	});
	return free ? preferred : await freePort();
}

const countOutbound = (emu, id) => (id ? (emu.state.messages.get(id) ?? []).filter((m) => m.direction === 'OUTBOUND').length : 0);

async function waitForReply(emu, conversationId, before) {
	const deadline = Date.now() + 20_000;
	while (Date.now() < deadline) {
		const out = (emu.state.messages.get(conversationId) ?? []).filter((m) => m.direction === 'OUTBOUND');
		if (out.length > before) {
			return out.slice(before).map((m) => m.content.text).join(' / ');
		}
		await sleep(100);
	}
	return undefined;
}

async function waitForWebhook(url) {
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
		if (res && res.status === 401) return;
		await sleep(250);
	}
	throw new Error('the bot workflow\'s webhook did not come up within 60 s');
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

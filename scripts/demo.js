#!/usr/bin/env node
// @ts-check
/**
 * `npm run demo`: a customer conversation with an external bot, on this machine, with no Infobip account.
 * Starts the local Conversations emulator and a small bot endpoint that answers through the package's
 * Infobip Conversations node code (Send Message, Set Metadata, Route) and prints the transcript.
 * (Running the same bot inside a real n8n is issue 6; see README "Status".)
 */
const http = require('node:http');
const { startEmulator } = require('../dist/emulator');
const { InfobipConversations } = require('../dist/nodes/InfobipConversations/InfobipConversations.node');

/** The minimum of n8n's execute context the node needs, sending through the credential's authenticate. */
function context(emu, parameters, item) {
	const { InfobipConversationsApi } = require('../dist/credentials/InfobipConversationsApi.credentials');
	const cred = { baseUrl: emu.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: emu.botAgentId };
	const get = (o, path) => path.split('.').reduce((v, k) => (v == null ? undefined : v[k]), o);
	return {
		getNode: () => ({ name: 'Infobip Conversations', type: 'infobipConversations', typeVersion: 1, parameters: {} }),
		getInputData: () => [{ json: item }],
		continueOnFail: () => false,
		getCredentials: async () => cred,
		getNodeParameter: (name, _i, fallback, opts) => {
			let v = get(parameters, name);
			if (v && opts && opts.extractValue && v.__rl) v = v.value;
			return v === undefined ? fallback : v;
		},
		helpers: {
			async httpRequestWithAuthentication(_type, options) {
				const o = await new InfobipConversationsApi().authenticate(cred, options);
				const url = new URL(o.baseURL + o.url);
				for (const [k, v] of Object.entries(o.qs || {})) url.searchParams.set(k, String(v));
				const res = await fetch(url, { method: o.method, headers: { 'content-type': 'application/json', ...o.headers }, body: o.body ? JSON.stringify(o.body) : undefined });
				const text = await res.text();
				return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: text ? JSON.parse(text) : {} };
			},
		},
	};
}

async function main() {
	const node = new InfobipConversations();
	const transcript = [];
	let emu;
	const bot = http.createServer((req, res) => {
		let raw = '';
		req.on('data', (c) => (raw += c));
		req.on('end', async () => {
			res.end(); // acknowledge at once, like the trigger does
			const msg = JSON.parse(raw);
			const text = String(msg.content.text || '');
			const reply = (t) => node.execute.call(context(emu, { resource: 'message', operation: 'send', conversationId: msg.conversationId, agentId: '', from: msg.to, to: msg.from, channel: msg.channel, contentType: 'TEXT', text: t }, msg));
			if (/agent/i.test(text)) {
				await reply('Connecting you to an agent now.');
				await node.execute.call(context(emu, { resource: 'conversation', operation: 'setMetadata', conversationId: msg.conversationId, mode: 'merge', inputMode: 'json', metadataJson: JSON.stringify({ Intent: 'human', LastQuestion: text }) }, msg));
				await node.execute.call(context(emu, { resource: 'conversation', operation: 'route', conversationId: msg.conversationId }, msg));
			} else if (/hours/i.test(text)) {
				await reply('We are open 8:00–20:00, Monday to Saturday.');
			} else {
				await reply('Hi! Ask me about opening hours, or type "agent" to talk to a person.');
			}
		});
	});
	await new Promise((r) => bot.listen(0, '127.0.0.1', r));
	emu = await startEmulator({ bot: { url: `http://127.0.0.1:${bot.address().port}/bot`, authHeaderValue: 'Bearer demo' } });
	console.log(`Emulator: ${emu.url}  (API key ${emu.apiKey}, bot agent id ${emu.botAgentId})\n`);
	const customer = { from: '385911111111', to: '447860099299', channel: 'WHATSAPP' };
	for (const text of ['hi', 'what are your opening hours?', 'agent please', 'hello, anyone there?']) {
		const r = await emu.inbound({ ...customer, text });
		await emu.waitForIdle();
		await new Promise((s) => setTimeout(s, 150));
		transcript.push(r);
	}
	const conversationId = transcript[0].conversationId;
	console.log('Transcript (as the customer sees it):');
	for (const m of emu.state.messages.get(conversationId) || []) {
		console.log(`  ${m.direction === 'INBOUND' ? 'customer' : 'bot     '}: ${m.content.text}`);
	}
	const conv = emu.state.conversations.get(conversationId);
	console.log('\nAs the agent queue sees it:');
	console.log(`  conversation ${conversationId}: status ${conv.status}, queue ${conv.queueId}, agent ${conv.agentId ?? '(waiting for an agent)'}`);
	console.log(`  metadata: ${JSON.stringify(emu.state.metadata.get(conversationId))}`);
	console.log(`  messages forwarded to the bot: ${emu.state.deliveries.length} (the last one arrived after the hand-off and stayed with the agents)`);
	await emu.close();
	bot.close();
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});

// @ts-check
/**
 * An Infobip account that behaves only as its public pages promise: a second emulator in the 'documented' profile
 * (no PATCH …/metadata — it answers 405 — and a minimal message on the Bot URL: conversationId, from, to, channel,
 * contentType, content; no id, direction or createdAt). Against it, in real n8n:
 *  - the shipped bot example (examples/external-bot.json, unchanged but for its credentials): every customer message
 *    is answered once; the hand-off's Set Metadata "Merge" falls back to GET + PUT and leaves the keys the
 *    conversation already had plus the new ones; the conversation is routed;
 *  - the shipped sweep example (examples/sweep-idle-sessions.json, run with `n8n execute` from a Manual Trigger copy):
 *    idle conversations are closed once with one goodbye, their claims and records written with GET + PUT, other
 *    metadata kept.
 */
const { loadExample, sleep } = require('../../lib/n8n');
const { startEmulator } = require('../../../dist/emulator');

const BOT_ID = 'e2eDocBotFlow01';
const SWEEP_ID = 'e2eDocSweep0001';
const CRED_ID = 'e2eDocInfobip01';
const CUSTOMER = { from: '385912222222', to: '447860011122', channel: 'WHATSAPP' };

const outbound = (emu, id) => (emu.state.messages.get(id) || []).filter((m) => m.direction === 'OUTBOUND');

async function waitFor(predicate, timeoutMs = 30_000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await predicate()) return true;
		await sleep(100);
	}
	return false;
}

async function prepare(ctx) {
	const { n8n, credentials } = ctx;
	const emu = await startEmulator({ profile: 'documented', bot: { agentId: 'bot-e2e-doc-01', sessionTimeoutSeconds: 3600 } });
	ctx.cleanups.push(() => emu.close());
	ctx.secrets.push(emu.apiKey);
	const credential = {
		id: CRED_ID,
		name: 'Infobip Conversations (documented-only account)',
		type: 'infobipConversationsApi',
		data: { baseUrl: emu.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: emu.botAgentId },
	};
	await n8n.importCredentials([credential]);
	const useCredentials = (wf) => {
		for (const node of wf.nodes) {
			if (node.credentials?.infobipConversationsApi) node.credentials.infobipConversationsApi = { id: credential.id, name: credential.name };
			if (node.credentials?.infobipBotWebhookApi) node.credentials.infobipBotWebhookApi = { id: credentials.botWebhook.id, name: credentials.botWebhook.name };
		}
		return wf;
	};
	const bot = useCredentials(loadExample('external-bot.json'));
	const trigger = bot.nodes.find((n) => n.type === 'n8n-nodes-infobip-conversations.infobipConversationsTrigger');
	// its own webhook id: the regular bot scenario imports the same example
	trigger.webhookId = 'e2e-documented-bot-webhook';
	await n8n.importWorkflow({ ...bot, id: BOT_ID, name: `${bot.name} (documented-only account)` });
	await n8n.activate(BOT_ID);

	const sweep = useCredentials(loadExample('sweep-idle-sessions.json'));
	const schedule = sweep.nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger');
	Object.assign(schedule, { type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} });
	await n8n.importWorkflow({ ...sweep, id: SWEEP_ID, name: `${sweep.name} (documented-only account, manual)` });

	emu.configureBot({ url: n8n.webhookUrl(trigger.webhookId, 'webhook'), authHeaderName: 'Authorization', authHeaderValue: credentials.botWebhook.data.headerValue });
	return { emu };
}

/** n8n stopped: the sweep example, run once from the CLI. */
async function offline(ctx, { emu }) {
	const { n8n, check } = ctx;
	const idle = emu.seed({ count: 8, lastMessageAgoMs: 45 * 60_000 }).conversationIds;
	const fresh = emu.seed({ count: 2, lastMessageAgoMs: 2 * 60_000 }).conversationIds;
	for (const id of idle) emu.state.metadata.set(id, { Tier: 'gold' });
	const out = await n8n.execute(SWEEP_ID);
	check('documented-only account, sweep: the execution succeeded', /"status":\s*"success"/.test(out), out.slice(-500));
	check('documented-only account, sweep: the idle conversations are closed, each with one goodbye, the fresh ones untouched', idle.every((id) => emu.state.conversations.get(id).status === 'CLOSED' && outbound(emu, id).length === 1) && fresh.every((id) => emu.state.conversations.get(id).status === 'OPEN' && outbound(emu, id).length === 0));
	const meta = idle.map((id) => emu.state.metadata.get(id));
	check('documented-only account, sweep: claims and records written with GET + PUT (PATCH refused), other metadata kept', meta.every((m) => m?.Tier === 'gold' && /^Closed by n8n idle sweep/.test(String(m?.idleSweep))), JSON.stringify(meta));
	const patches = emu.state.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/metadata'));
	// the claims of the first conversations run at once (Concurrency 5), so each of those may try PATCH; later writes
	// of the execution go straight to GET + PUT
	check(`documented-only account, sweep: PATCH refused (405) for at most the first Concurrency claims (${patches.length}), then only GET + PUT for ${idle.length} conversations`, patches.length >= 1 && patches.length <= 5 && patches.every((r) => r.status === 405), JSON.stringify(patches));
	const stored = await ctx.executionDataText(SWEEP_ID);
	check('documented-only account, sweep: the summary says how metadata was written (GET+PUT)', stored.includes('metadataWritePath') && stored.includes('GET+PUT'), stored.slice(0, 300));
}

async function run(ctx, { emu }) {
	const { n8n, check } = ctx;
	const first = await emu.inbound({ ...CUSTOMER, text: 'hi' });
	const conversationId = first.conversationId;
	await waitFor(() => outbound(emu, conversationId).length >= 1);
	emu.state.metadata.set(conversationId, { CustomerTier: 'gold', Language: 'hr' });
	await emu.inbound({ ...CUSTOMER, text: 'What are your opening hours?' });
	await waitFor(() => outbound(emu, conversationId).length >= 2);
	await emu.inbound({ ...CUSTOMER, text: 'I want an agent please' });
	await waitFor(() => emu.state.conversations.get(conversationId)?.agentId === null);
	await emu.waitForIdle();
	const delivered = emu.state.deliveries.filter((d) => d.conversationId === conversationId);
	check('documented-only account, bot: the Bot URL got minimal messages (no id, direction, createdAt) and accepted each (200)', delivered.length === 3 && delivered.every((d) => d.status === 200), JSON.stringify(delivered));
	const replies = outbound(emu, conversationId);
	check('documented-only account, bot: each customer message got exactly one reply, in order', replies.length === 3 && /opening hours/.test(replies[0].content.text) && /open 8:00-20:00/.test(replies[1].content.text) && /Connecting you to an agent/.test(replies[2].content.text), replies.map((m) => m.content.text));
	const meta = emu.state.metadata.get(conversationId);
	check('documented-only account, bot: Set Metadata "Merge" with PATCH refused leaves the old keys plus the new ones', meta?.CustomerTier === 'gold' && meta?.Language === 'hr' && meta?.Intent === 'talk to a person' && meta?.LastCustomerMessage === 'I want an agent please', JSON.stringify(meta));
	const conv = emu.state.conversations.get(conversationId);
	check('documented-only account, bot: the conversation was routed to the agents', conv?.agentId === null && !conv?.withBot, conv);
	const rows = await n8n.waitForExecutions(BOT_ID, (r) => r.length >= 3).catch(() => []);
	check('documented-only account, bot: three executions, all successful', rows.length === 3 && rows.every((r) => r.status === 'success'), JSON.stringify(rows));
	const data = await ctx.executionDataText(BOT_ID);
	check('documented-only account, bot: the trigger items say what was derived, and Set Metadata which write path it used', data.includes('"derived"') && data.includes('createdAt') && data.includes('GET+PUT'));
}

module.exports = { prepare, offline, run };

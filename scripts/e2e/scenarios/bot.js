// @ts-check
/**
 * External bot flow: the shipped example (Infobip Conversations Trigger → IF "agent" → Send + Set Metadata + Route,
 * else Send an answer) activated in real n8n, its production webhook set as the emulator's Bot URL.
 * Customer messages injected in the emulator reach the trigger; the flow answers, sets metadata and routes; the
 * emulator's state shows it, and later customer messages no longer reach the bot. Also the trigger's HTTP
 * answers to bad input (401/400/413, no execution) and to a redelivered message (duplicate, no execution).
 */
const { loadExample, sleep } = require('../../lib/n8n');

const WORKFLOW_ID = 'e2eBotFlow00001';
const CUSTOMER = { from: '385911111111', to: '447860099299', channel: 'WHATSAPP' };

async function prepare(ctx) {
	const { n8n, emu, credentials } = ctx;
	const wf = loadExample('external-bot.json');
	const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-infobip-conversations.infobipConversationsTrigger');
	if (!trigger?.webhookId) throw new Error('examples/external-bot.json needs a trigger with a webhookId');
	for (const node of wf.nodes) {
		if (node.credentials?.infobipConversationsApi) node.credentials.infobipConversationsApi = { id: credentials.infobip.id, name: credentials.infobip.name };
		if (node.credentials?.infobipBotWebhookApi) node.credentials.infobipBotWebhookApi = { id: credentials.botWebhook.id, name: credentials.botWebhook.name };
	}
	await n8n.importWorkflow({ ...wf, id: WORKFLOW_ID });
	await n8n.activate(WORKFLOW_ID);
	const url = n8n.webhookUrl(trigger.webhookId, 'webhook');
	emu.configureBot({ url, authHeaderName: 'Authorization', authHeaderValue: credentials.botWebhook.data.headerValue });
	return { url };
}

const outbound = (emu, id) => (emu.state.messages.get(id) || []).filter((m) => m.direction === 'OUTBOUND');

async function waitFor(predicate, timeoutMs = 30_000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await predicate()) return true;
		await sleep(100);
	}
	return false;
}

async function post(url, body, headers = {}) {
	const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close', ...headers }, body });
	return { status: res.status, text: await res.text() };
}

async function run(ctx, prepared) {
	const { n8n, emu, check, credentials } = ctx;
	const auth = { authorization: credentials.botWebhook.data.headerValue };
	// n8n answers 404 until the published workflow's webhook is registered
	await waitFor(async () => (await post(prepared.url, '{}', { authorization: 'Bearer wrong' })).status === 401);

	const sample = JSON.stringify({ conversationId: 'c-x', id: 'm-x', ...CUSTOMER, direction: 'INBOUND', contentType: 'TEXT', content: { text: 'hi' }, createdAt: new Date().toISOString() });
	const missing = await post(prepared.url, sample);
	const wrong = await post(prepared.url, sample, { authorization: 'Bearer not-the-secret' });
	check('bot: a missing or wrong authorization header gets 401', missing.status === 401 && wrong.status === 401, `${missing.status} ${wrong.status}`);
	const malformed = await post(prepared.url, '{"conversationId": ', auth);
	check('bot: malformed JSON gets 400 (not n8n\'s 422)', malformed.status === 400, `${malformed.status} ${malformed.text}`);
	const shape = await post(prepared.url, JSON.stringify({ ...JSON.parse(sample), conversationId: undefined }), auth);
	check('bot: a payload that is not an inbound message gets 400 naming the field', shape.status === 400 && /conversationId/.test(shape.text), `${shape.status} ${shape.text}`);
	const big = await post(prepared.url, JSON.stringify({ ...JSON.parse(sample), content: { text: 'x'.repeat(400 * 1024) } }), auth);
	check('bot: an oversized body gets 413', big.status === 413, `${big.status}`);
	await sleep(500);
	check('bot: none of the rejected requests started an execution', (await n8n.executions(WORKFLOW_ID)).length === 0);

	// a short customer conversation through Infobip (the emulator) and the active workflow
	const first = await emu.inbound({ ...CUSTOMER, text: 'hi' });
	const conversationId = first.conversationId;
	await waitFor(() => outbound(emu, conversationId).length >= 1);
	await emu.inbound({ ...CUSTOMER, text: 'What are your opening hours?' });
	await waitFor(() => outbound(emu, conversationId).length >= 2);
	await emu.inbound({ ...CUSTOMER, text: 'I want an AGENT please' });
	await waitFor(() => emu.state.conversations.get(conversationId)?.agentId === null);
	const replies = outbound(emu, conversationId);
	check('bot: each customer message got exactly one reply, in order', replies.length === 3 && /Ask me about our opening hours/.test(replies[0].content.text) && /open 8:00-20:00/.test(replies[1].content.text) && /Connecting you to an agent/.test(replies[2].content.text), replies.map((m) => m.content.text));
	check('bot: replies were sent as the bot (x-agent-id) to the customer on the same channel', replies.every((m) => m.agentId === emu.botAgentId && m.to === CUSTOMER.from && m.from === CUSTOMER.to && m.channel === CUSTOMER.channel));
	check('bot: metadata for the agent was set', JSON.stringify(emu.state.metadata.get(conversationId)) === JSON.stringify({ Intent: 'talk to a person', LastCustomerMessage: 'I want an AGENT please', Channel: 'WHATSAPP' }), emu.state.metadata.get(conversationId));
	const conv = emu.state.conversations.get(conversationId);
	check('bot: the conversation was routed to the agents\' queue', conv?.agentId === null && Boolean(conv?.queueId) && conv?.status === 'OPEN', conv);
	const after = await emu.inbound({ ...CUSTOMER, text: 'hello? anyone there?' });
	await emu.waitForIdle();
	check('bot: after the hand-off further customer messages are no longer forwarded to the bot', after.forwarded === false && after.conversationId === conversationId);

	const rows = await n8n.waitForExecutions(WORKFLOW_ID, (r) => r.length >= 3);
	check('bot: three executions, all successful, in webhook mode', rows.length === 3 && rows.every((r) => r.status === 'success' && r.mode === 'webhook'), JSON.stringify(rows));

	// Infobip redelivers a message whose delivery it thinks failed: same id → duplicate, nothing started
	const delivered = (emu.state.messages.get(conversationId) || []).find((m) => m.direction === 'INBOUND');
	const again = await post(prepared.url, JSON.stringify(delivered), auth);
	await sleep(1000);
	check('bot: a redelivered message is answered 200 duplicate and starts nothing', again.status === 200 && /duplicate/.test(again.text) && (await n8n.executions(WORKFLOW_ID)).length === 3 && outbound(emu, conversationId).length === 3, `${again.status} ${again.text}`);

	// a minimal message, as only Infobip's public pages promise it (no id, direction, createdAt): answered once;
	// the same minimal message with its own createdAt, delivered twice: the derived key makes the second a duplicate
	const [minimalConv] = emu.seed({ count: 1, lastMessageAgoMs: 60_000, withBot: true }).conversationIds;
	const customer = emu.state.conversations.get(minimalConv).customer;
	const minimal = { conversationId: minimalConv, from: customer.from, to: customer.to, channel: customer.channel, contentType: 'TEXT', content: { text: 'hi' } };
	const m1 = await post(prepared.url, JSON.stringify(minimal), auth);
	await waitFor(() => outbound(emu, minimalConv).length >= 1);
	await n8n.waitForExecutions(WORKFLOW_ID, (r) => r.length >= 4);
	await sleep(500);
	check('bot: a minimal message (no id, direction, createdAt) is accepted and answered exactly once', m1.status === 200 && /"accepted"/.test(m1.text) && outbound(emu, minimalConv).length === 1 && (await n8n.executions(WORKFLOW_ID)).length === 4, `${m1.status} ${m1.text}; ${outbound(emu, minimalConv).length} replies`);
	const stamped = JSON.stringify({ ...minimal, content: { text: 'What are your opening hours?' }, createdAt: new Date().toISOString().replace('Z', '+0000') });
	const s1 = await post(prepared.url, stamped, auth);
	await waitFor(() => outbound(emu, minimalConv).length >= 2);
	const s2 = await post(prepared.url, stamped, auth);
	await sleep(1000);
	const rowsAfter = await n8n.waitForExecutions(WORKFLOW_ID, (r) => r.length >= 5);
	check('bot: a redelivered minimal message with its own createdAt (stable derived key) is not answered twice', /"accepted"/.test(s1.text) && /"duplicate"/.test(s2.text) && outbound(emu, minimalConv).length === 2 && rowsAfter.length === 5 && rowsAfter.every((r) => r.status === 'success'), `${s1.text} / ${s2.text}; ${outbound(emu, minimalConv).length} replies, ${rowsAfter.length} executions`);

	const data = await ctx.executionDataText(WORKFLOW_ID);
	check('bot: the trigger item carried the message fields at the top level', data.includes('"hi"') && data.includes(conversationId));
	check('bot: no credential value in the execution data', !ctx.secrets.some((s) => data.includes(s)));
}

module.exports = { prepare, run, WORKFLOW_ID };

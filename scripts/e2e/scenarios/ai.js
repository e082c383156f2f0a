// @ts-check
/**
 * AI-agent bot: the shipped example (Trigger → AI Agent with this package's operations as tools → Send) activated in
 * real n8n, its OpenAI credential pointed at a scripted fake OpenAI server (scripts/lib/fake-openai.js), so the agent
 * really calls the Infobip tools: "Save context for the agent" (Set Metadata with $fromAI) and "Hand off to a person"
 * (Route). Runs after the bot scenario and takes over the emulator's Bot URL.
 */
const { loadExample, sleep } = require('../../lib/n8n');
const { startFakeOpenAi } = require('../../lib/fake-openai');

const WORKFLOW_ID = 'e2eAiAgentBot01';
const CUSTOMER = { from: '385922222222', to: '447860099299', channel: 'WHATSAPP' };

async function prepare(ctx) {
	const { n8n, credentials } = ctx;
	const llm = await startFakeOpenAi();
	ctx.cleanups.push(() => llm.close());
	const openAi = { id: 'e2eOpenAiCred01', name: 'OpenAI account', type: 'openAiApi', data: { apiKey: 'sk-fake-e2e-openai-key', url: llm.url } };
	ctx.secrets.push(openAi.data.apiKey);
	await n8n.importCredentials([openAi]);
	const wf = loadExample('ai-agent-bot.json');
	for (const node of wf.nodes) {
		if (node.credentials?.infobipConversationsApi) node.credentials.infobipConversationsApi = { id: credentials.infobip.id, name: credentials.infobip.name };
		if (node.credentials?.infobipBotWebhookApi) node.credentials.infobipBotWebhookApi = { id: credentials.botWebhook.id, name: credentials.botWebhook.name };
		if (node.credentials?.openAiApi) node.credentials.openAiApi = { id: openAi.id, name: openAi.name };
	}
	const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-infobip-conversations.infobipConversationsTrigger');
	await n8n.importWorkflow({ ...wf, id: WORKFLOW_ID });
	await n8n.activate(WORKFLOW_ID);
	return { llm, webhookId: trigger.webhookId };
}

const outbound = (emu, id) => (emu.state.messages.get(id) || []).filter((m) => m.direction === 'OUTBOUND');

async function run(ctx, prepared) {
	const { n8n, emu, check, credentials } = ctx;
	const url = n8n.webhookUrl(prepared.webhookId, 'webhook');
	emu.configureBot({ url, authHeaderName: 'Authorization', authHeaderValue: credentials.botWebhook.data.headerValue });
	const waitFor = async (predicate, ms = 30_000) => {
		const deadline = Date.now() + ms;
		while (Date.now() < deadline && !predicate()) await sleep(100);
		return predicate();
	};
	// n8n answers 404 until the published workflow's webhook is registered
	for (let i = 0; i < 120; i++) {
		const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body: '{}' }).catch(() => undefined);
		if (res?.status === 401) break;
		await sleep(250);
	}
	const first = await emu.inbound({ ...CUSTOMER, text: 'hello' });
	const id = first.conversationId;
	await waitFor(() => outbound(emu, id).length >= 1);
	check('ai: the agent\'s answer (from the OpenAI model) is sent back to the customer', /ACME assistant/.test(outbound(emu, id)[0]?.content.text ?? ''), outbound(emu, id).map((m) => m.content));
	await emu.inbound({ ...CUSTOMER, text: 'I want to talk to a person about my refund' });
	await waitFor(() => outbound(emu, id).length >= 2 && emu.state.conversations.get(id)?.agentId === null);
	const meta = emu.state.metadata.get(id) ?? {};
	check('ai: the agent called "Save context for the agent" (Set Metadata with $fromAI) as a tool', meta.Intent === 'talk to a person' && /refund/.test(String(meta.Summary)), meta);
	const conv = emu.state.conversations.get(id);
	check('ai: the agent called "Hand off to a person" (Route) as a tool', conv?.agentId === null && Boolean(conv?.queueId), conv);
	check('ai: the customer got the agent\'s final answer after the hand-off', /passed your conversation/.test(outbound(emu, id)[1]?.content.text ?? ''), outbound(emu, id).map((m) => m.content));
	const toolNames = (prepared.llm.requests.find((r) => r.body.tools)?.body.tools ?? []).map((t) => t.function.name);
	check('ai: the model was offered the three Infobip tools', toolNames.length === 3, toolNames);
	const data = await ctx.executionDataText(WORKFLOW_ID);
	check('ai: no credential value (Infobip, bot webhook, OpenAI) in the execution data', !ctx.secrets.some((secret) => data.includes(secret)));
	const rows = await n8n.waitForExecutions(WORKFLOW_ID, (r) => r.length >= 2).catch(() => []);
	check('ai: both executions succeeded', rows.length === 2 && rows.every((r) => r.status === 'success'), JSON.stringify(rows));
}

module.exports = { prepare, run, WORKFLOW_ID };

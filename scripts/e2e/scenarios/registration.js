// @ts-check
/**
 * Bot URL Registration: Automatic, in real n8n. An emulator whose bot has no Bot URL yet; the shipped bot example
 * with the trigger's registration set to Automatic (the bot chosen by id, an Infobip Conversations API credential).
 * When n8n activates the workflow, the trigger sets the bot's Bot URL and header through PUT /ccaas/1/bots/{id};
 * customer messages then reach the flow and are answered. (Deactivation restoring the previous URL is pinned by the
 * unit tests: n8n calls it when a user deactivates the workflow, not when the process stops.)
 */
const { loadExample, sleep } = require('../../lib/n8n');
const { startEmulator } = require('../../../dist/emulator');

const WORKFLOW_ID = 'e2eRegisterBot01';
const CRED_ID = 'e2eRegInfobip001';

async function prepare(ctx) {
	const { n8n, credentials } = ctx;
	const emu = await startEmulator({ bot: { agentId: 'bot-e2e-register-1', sessionTimeoutSeconds: 3600 } });
	ctx.cleanups.push(() => emu.close());
	ctx.secrets.push(emu.apiKey);
	const credential = {
		id: CRED_ID,
		name: 'Infobip Conversations (registration)',
		type: 'infobipConversationsApi',
		data: { baseUrl: emu.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: emu.botAgentId },
	};
	await n8n.importCredentials([credential]);
	const wf = loadExample('external-bot.json');
	for (const node of wf.nodes) {
		if (node.credentials?.infobipConversationsApi) node.credentials.infobipConversationsApi = { id: credential.id, name: credential.name };
		if (node.credentials?.infobipBotWebhookApi) node.credentials.infobipBotWebhookApi = { id: credentials.botWebhook.id, name: credentials.botWebhook.name };
	}
	const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-infobip-conversations.infobipConversationsTrigger');
	trigger.webhookId = 'e2e-registration-bot-webhook';
	trigger.parameters = { ...trigger.parameters, registration: 'automatic', botId: { __rl: true, mode: 'id', value: emu.botAgentId } };
	trigger.credentials = { ...trigger.credentials, infobipConversationsApi: { id: credential.id, name: credential.name } };
	await n8n.importWorkflow({ ...wf, id: WORKFLOW_ID, name: `${wf.name} (automatic Bot URL registration)` });
	await n8n.activate(WORKFLOW_ID);
	return { emu, url: n8n.webhookUrl(trigger.webhookId, 'webhook') };
}

async function run(ctx, { emu, url }) {
	const { n8n, check, credentials } = ctx;
	const api = async (path, init = {}) => {
		const res = await fetch(`${emu.url}${path}`, { ...init, headers: { authorization: `App ${emu.apiKey}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
		return await res.json();
	};
	let bot;
	for (let i = 0; i < 120; i++) {
		bot = await api(`/ccaas/1/bots/${emu.botAgentId}`);
		if (bot.webhookUrl === url) break;
		await sleep(250);
	}
	check('registration: on activation the trigger set the bot\'s Bot URL to its Production URL', bot?.webhookUrl === url, JSON.stringify(bot));
	check('registration: …and the authorization header to the Bot Webhook credential\'s value', bot?.webhookHeaders?.Authorization === credentials.botWebhook.data.headerValue, JSON.stringify(Object.keys(bot?.webhookHeaders ?? {})));
	const first = await emu.inbound({ from: '385913333333', to: '447860099299', channel: 'WHATSAPP', text: 'hi' });
	const deadline = Date.now() + 30_000;
	const replies = () => (emu.state.messages.get(first.conversationId) || []).filter((m) => m.direction === 'OUTBOUND');
	while (Date.now() < deadline && replies().length < 1) await sleep(100);
	check('registration: a customer message then reached the flow and was answered once', first.forwarded && replies().length === 1, JSON.stringify({ forwarded: first.forwarded, replies: replies().length }));
	const rows = await n8n.executions(WORKFLOW_ID);
	check('registration: one execution, successful', rows.length === 1 && rows[0].status === 'success', JSON.stringify(rows));
}

module.exports = { prepare, run };

// @ts-check
/** What the parts of the reliability harness share: the run's credentials, the bot workflow, readiness, formatting. */
const { randomBytes, randomUUID } = require('node:crypto');

const { loadExample, sleep } = require('../lib/n8n');

const BOT_WORKFLOW_ID = 'relBotFlow00001';
const TRIGGER_TYPE = 'n8n-nodes-infobip-conversations.infobipConversationsTrigger';

/** The credentials of a run: values unique per run, so the secret scan can look for them. */
function makeCredentials(emuUrl, apiKey, botAgentId) {
	const botSecret = `Bearer rel-bot-${randomBytes(12).toString('hex')}`;
	const cardSecret = `card-${randomBytes(12).toString('hex')}`;
	return {
		botSecret,
		cardSecret,
		list: [
			{ id: 'relInfobipCred1', name: 'Infobip Conversations account', type: 'infobipConversationsApi', data: { baseUrl: emuUrl, authScheme: 'apiKey', apiKey, defaultAgentId: botAgentId } },
			{ id: 'relBotHookCred1', name: 'Infobip Bot Webhook account', type: 'infobipBotWebhookApi', data: { headerName: 'Authorization', headerValue: botSecret } },
			{ id: 'relCardCred0001', name: 'Card endpoint token', type: 'httpHeaderAuth', data: { name: 'X-Card-Token', value: cardSecret } },
		],
	};
}

/**
 * examples/external-bot.json with the run's credentials. `o.id`, `o.name`: another workflow id and name; `o.newWebhookId`:
 * a fresh webhook id (two copies of the example cannot share one); `o.trigger`: parameters merged into the trigger's;
 * `o.triggerCredentials`: credentials added to the trigger node ({ type: { id, name } }).
 * @param {ReturnType<typeof makeCredentials>} creds
 * @param {{ id?: string, name?: string, newWebhookId?: boolean, trigger?: Record<string, unknown>, triggerCredentials?: Record<string, { id: string, name: string }> }} [o]
 */
function botWorkflow(creds, o = {}) {
	const wf = loadExample('external-bot.json');
	const [infobip, botHook] = creds.list;
	for (const node of wf.nodes) {
		if (node.credentials?.infobipConversationsApi) node.credentials.infobipConversationsApi = { id: infobip.id, name: infobip.name };
		if (node.credentials?.infobipBotWebhookApi) node.credentials.infobipBotWebhookApi = { id: botHook.id, name: botHook.name };
	}
	const trigger = wf.nodes.find((n) => n.type === TRIGGER_TYPE);
	if (o.newWebhookId) trigger.webhookId = randomUUID();
	if (o.trigger) trigger.parameters = { ...trigger.parameters, ...o.trigger };
	if (o.triggerCredentials) trigger.credentials = { ...trigger.credentials, ...o.triggerCredentials };
	return { workflow: { ...wf, id: o.id ?? BOT_WORKFLOW_ID, ...(o.name ? { name: o.name } : {}) }, webhookId: trigger.webhookId };
}

async function waitForTrigger(url) {
	for (let i = 0; i < 240; i++) {
		try {
			const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer readiness-probe' }, body: '{}' });
			await res.text();
			if (res.status === 401) return;
		} catch {
			// not listening yet
		}
		await sleep(250);
	}
	throw new Error(`the trigger never answered 401 at ${url}`);
}

/** Scans every stored execution of this n8n (all workflows) for the secrets. */
async function scanExecutions(n8n, scanner, where) {
	const rows = await n8n.executionData();
	for (const r of rows) scanner.scan(where, r.data);
	return rows.length;
}

const fmt = (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : String(n));

module.exports = { BOT_WORKFLOW_ID, TRIGGER_TYPE, makeCredentials, botWorkflow, waitForTrigger, scanExecutions, fmt };

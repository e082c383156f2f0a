// @ts-check
/**
 * Context card flow: the shipped example (Infobip Context Card Trigger → Fetch Context Card), its URL pointed at a
 * local Jira-like endpoint, its predefined Jira Cloud credential and its Infobip Context Card Webhook credential
 * created in n8n, called over HTTP like an Infobip custom card calls it. A caller without the card's
 * Authorization header (or with a wrong one) gets 401: no execution, no Jira call. With it, n8n answers with the
 * card the last node rendered (its "html" field, text/html; charset=utf-8), the second open from the cache.
 */
const { loadExample, sleep } = require('../../lib/n8n');

const WORKFLOW_ID = 'e2eCardFlow001';
const CONVERSATION_ID = 'conv-e2e-card-1';
const CARD_SECRET = 'Bearer e2e-card-secret-3b7e05';

/** Prepares the example workflow and its credentials for this n8n (before start). */
async function prepare(ctx) {
	const { n8n, jira } = ctx;
	const jiraCredential = {
		id: 'e2eJiraCred001',
		name: 'Jira SW Cloud account',
		type: 'jiraSoftwareCloudApi',
		data: { email: jira.email, apiToken: jira.apiToken, domain: 'https://your-domain.atlassian.net' },
	};
	const cardCredential = {
		id: 'e2eCardHookCred',
		name: 'Infobip Context Card Webhook account',
		type: 'infobipCardWebhookApi',
		data: { headerName: 'Authorization', headerValue: CARD_SECRET },
	};
	const wf = loadExample('context-card-jira.json');
	const card = wf.nodes.find((n) => n.type === 'n8n-nodes-infobip-conversations.infobipContextCard');
	const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-infobip-conversations.infobipContextCardTrigger');
	if (!card || !trigger) throw new Error('examples/context-card-jira.json has no Infobip Context Card Trigger → Fetch Context Card');
	card.parameters.url = String(card.parameters.url).replace('https://your-domain.atlassian.net', jira.url);
	// the example references its credentials by name only: link them to the ones created here
	card.credentials = { jiraSoftwareCloudApi: { id: jiraCredential.id, name: jiraCredential.name } };
	trigger.credentials = { infobipCardWebhookApi: { id: cardCredential.id, name: cardCredential.name } };
	await n8n.importCredentials([jiraCredential, cardCredential]);
	await n8n.importWorkflow({ ...wf, id: WORKFLOW_ID });
	await n8n.activate(WORKFLOW_ID);
	ctx.secrets.push(CARD_SECRET);
	jira.issues[CONVERSATION_ID] = { key: 'SUP-42', summary: 'Refund for order <1234>', status: 'In Progress' };
	return { webhookId: trigger.webhookId };
}

/** Runs against the started n8n; returns checks. */
async function run(ctx, prepared) {
	const { n8n, jira, check } = ctx;
	const base = n8n.webhookUrl(prepared.webhookId, 'card');
	const url = `${base}?conversationId=${encodeURIComponent(CONVERSATION_ID)}&customerNumber=%2B385911234567&customerDisplayName=Ana+K.`;
	// the webhook answers 404 until the published workflow is registered; probe it without the header (401 when up)
	let probe;
	for (let attempt = 0; attempt < 80; attempt++) {
		probe = await fetch(url);
		await probe.text();
		if (probe.status !== 404) break;
		await sleep(250);
	}

	// callers without the card's header: refused before anything runs
	const jiraBefore = jira.requests.length;
	const refused = [];
	for (const [name, headers] of [
		['no header', {}],
		['a wrong Authorization header', { authorization: 'Bearer guessed-secret' }],
		['the right value in another header', { 'x-authorization': CARD_SECRET }],
	]) {
		const res = await fetch(url, { headers: /** @type {Record<string, string>} */ (headers) });
		const body = /** @type {any} */ (await res.json().catch(() => ({})));
		refused.push({ name, status: res.status, body });
	}
	await sleep(1500);
	const afterRefused = await n8n.executions(WORKFLOW_ID);
	check(
		'card: without the card\'s Authorization header, with a wrong one, or with it in another header → 401 "Missing or wrong Authorization header"',
		probe?.status === 401 && refused.every((r) => r.status === 401 && r.body.error === 'unauthorized' && r.body.message === 'Missing or wrong Authorization header'),
		JSON.stringify({ probe: probe?.status, refused }),
	);
	check('card: the refused callers reached neither Jira nor an execution', jira.requests.length === jiraBefore && afterRefused.length === 0, `${jira.requests.length - jiraBefore} Jira call(s), ${afterRefused.length} execution(s)`);

	// Infobip's card request, with the header
	const auth = { authorization: CARD_SECRET };
	const res = await fetch(url, { headers: auth });
	const html = await res.text();
	const contentType = res.headers.get('content-type') ?? '';
	check(
		'card: with the header the webhook answers 200 text/html; charset=utf-8 with the card HTML itself (the last node\'s "html" field)',
		res.status === 200 && contentType.replace(/\s/g, '').toLowerCase() === 'text/html;charset=utf-8' && html.startsWith('<div class="jira-card"'),
		`${res.status} ${contentType} ${html.slice(0, 200)}`,
	);
	console.log(`  card: n8n ${ctx.version} answered Content-Type "${contentType}"${res.headers.get('content-security-policy') ? `, Content-Security-Policy "${res.headers.get('content-security-policy')}"` : ''}`);
	check('card: shows the issue key, summary (escaped), status and a link', html.includes('SUP-42') && html.includes('Refund for order &lt;1234&gt;') && html.includes('In Progress') && html.includes(`href="${jira.url}/browse/SUP-42"`), html.slice(0, 300));
	check('card: n8n applied the Jira credential (Basic email:apiToken)', jira.requests.length > jiraBefore && jira.requests.every((r) => r.authorized));
	const before = jira.requests.length;
	const again = await fetch(url, { headers: auth });
	const html2 = await again.text();
	check('card: a second open within the cache TTL is served from n8n static data (no second Jira call)', again.status === 200 && html2 === html && jira.requests.length === before, `${jira.requests.length - before} extra call(s)`);
	const none = await fetch(`${base}?conversationId=no-such-conversation`, { headers: auth });
	check('card: a conversation without an issue renders the empty card', (await none.text()).includes('No Jira issue mentions conversation no-such-conversation'));
	const rows = await n8n.waitForExecutions(WORKFLOW_ID, (r) => r.length >= 3, { timeoutMs: 30_000 }).catch(() => []);
	check('card: one execution per accepted card request (3), none for the refused ones, all successful', rows.length === 3 && rows.every((r) => r.status === 'success'), JSON.stringify(rows.map((r) => r.status)));
	const data = await ctx.executionDataText(WORKFLOW_ID);
	check('card: the trigger item has the conversation from the URL (Fetch Context Card needs no mapping)', data.includes(CONVERSATION_ID) && data.includes('+385911234567') && data.includes('Ana K.'), data.slice(0, 300));
	check('card: neither the Jira API token nor the card\'s Authorization header appears in execution data', !data.includes(jira.apiToken) && !data.includes(CARD_SECRET) && !data.includes(CARD_SECRET.split(' ')[1]));
}

module.exports = { prepare, run, WORKFLOW_ID };

// @ts-check
/**
 * Context card flow: the shipped example (Webhook → Fetch Context Card → Respond to Webhook), its URL pointed at a
 * local Jira-like endpoint and its predefined Jira Cloud credential created in n8n, called over HTTP like an
 * Infobip custom card would call it.
 */
const { loadExample } = require('../../lib/n8n');

const WORKFLOW_ID = 'e2eCardFlow001';
const CONVERSATION_ID = 'conv-e2e-card-1';

/** Prepares the example workflow and its credential for this n8n (before start). */
async function prepare(ctx) {
	const { n8n, jira } = ctx;
	const credential = {
		id: 'e2eJiraCred001',
		name: 'Jira SW Cloud account',
		type: 'jiraSoftwareCloudApi',
		data: { email: jira.email, apiToken: jira.apiToken, domain: 'https://your-domain.atlassian.net' },
	};
	const wf = loadExample('context-card-jira.json');
	const card = wf.nodes.find((n) => n.type === 'n8n-nodes-infobip-conversations.infobipContextCard');
	if (!card) throw new Error('examples/context-card-jira.json has no Fetch Context Card node');
	card.parameters.url = String(card.parameters.url).replace('https://your-domain.atlassian.net', jira.url);
	card.credentials = { jiraSoftwareCloudApi: { id: credential.id, name: credential.name } };
	const hook = wf.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
	await n8n.importCredentials([credential]);
	await n8n.importWorkflow({ ...wf, id: WORKFLOW_ID });
	await n8n.activate(WORKFLOW_ID);
	jira.issues[CONVERSATION_ID] = { key: 'SUP-42', summary: 'Refund for order <1234>', status: 'In Progress' };
	return { path: hook.parameters.path };
}

/** Runs against the started n8n; returns checks. */
async function run(ctx, prepared) {
	const { n8n, jira, check } = ctx;
	const url = `${n8n.url}/webhook/${prepared.path}?conversationId=${encodeURIComponent(CONVERSATION_ID)}`;
	let res;
	for (let attempt = 0; attempt < 40; attempt++) {
		res = await fetch(url);
		if (res.status !== 404) break;
		await new Promise((r) => setTimeout(r, 250));
	}
	const html = res ? await res.text() : '';
	check('card: the webhook answers 200 text/html', res?.status === 200 && /text\/html/.test(res.headers.get('content-type') ?? ''), `${res?.status} ${res?.headers.get('content-type')}`);
	check('card: shows the issue key, summary (escaped), status and a link', html.includes('SUP-42') && html.includes('Refund for order &lt;1234&gt;') && html.includes('In Progress') && html.includes(`href="${jira.url}/browse/SUP-42"`), html.slice(0, 300));
	check('card: n8n applied the Jira credential (Basic email:apiToken)', jira.requests.length > 0 && jira.requests.every((r) => r.authorized));
	const before = jira.requests.length;
	const again = await fetch(url);
	const html2 = await again.text();
	check('card: a second open within the cache TTL is served from n8n static data (no second Jira call)', again.status === 200 && html2 === html && jira.requests.length === before, `${jira.requests.length - before} extra call(s)`);
	const none = await fetch(`${n8n.url}/webhook/${prepared.path}?conversationId=no-such-conversation`);
	check('card: a conversation without an issue renders the empty card', (await none.text()).includes('No Jira issue mentions conversation no-such-conversation'));
	check('card: the Jira API token appears in no execution data', !(await ctx.executionDataText(WORKFLOW_ID)).includes(jira.apiToken));
}

module.exports = { prepare, run, WORKFLOW_ID };

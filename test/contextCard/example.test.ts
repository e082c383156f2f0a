/**
 * examples/context-card-jira.json: the Fetch Context Card node's parameters from the shipped workflow, rendered
 * against a local Jira-like server; and the workflow's shape (node types, versions valid in both n8n versions).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { IDataObject, INode } from 'n8n-workflow';

import { InfobipContextCard } from '../../nodes/InfobipContextCard/InfobipContextCard.node';
import { createExecuteContext } from '../helpers/n8nContext';
import { JIRA_ISSUE, startTestServer, type TestServer } from './server';

const workflow = JSON.parse(fs.readFileSync(path.join(__dirname, '../../examples/context-card-jira.json'), 'utf8')) as {
	nodes: INode[];
	connections: IDataObject;
};
const byType = (type: string) => workflow.nodes.find((n) => n.type === type) as INode;
const cardNode = byType('n8n-nodes-infobip-conversations.infobipContextCard');
const JIRA_HOST = 'https://your-domain.atlassian.net';

/** Resolves the only expression form the example uses, ={{ $json.a.b }}, against an input item. */
function resolve(parameters: IDataObject, json: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(parameters)) {
		if (typeof value === 'string' && value.startsWith('=')) {
			const m = /^=\{\{\s*\$json((?:\.\w+)+)\s*\}\}$/.exec(value);
			if (!m) throw new Error(`test resolver: unsupported expression ${value}`);
			let cur: unknown = json;
			for (const part of m[1].slice(1).split('.')) cur = (cur as IDataObject | undefined)?.[part];
			out[key] = cur as string;
		} else {
			out[key] = value;
		}
	}
	return out;
}

let server: TestServer;
beforeAll(async () => {
	server = await startTestServer();
});
afterAll(async () => {
	await server.close();
});

async function renderExample(conversationId: string) {
	const webhookItem = { headers: {}, params: {}, query: { conversationId }, body: {} };
	const parameters = resolve(cardNode.parameters as IDataObject, webhookItem);
	expect(parameters.url).toContain(JIRA_HOST);
	parameters.url = String(parameters.url).replace(JIRA_HOST, server.url);
	const ctx = createExecuteContext({
		parameters,
		items: [{ json: webhookItem }],
		credentials: { jiraSoftwareCloudApi: { email: 'agent@example.com', apiToken: 'jira-token-example-123', domain: JIRA_HOST } },
		authenticators: { jiraSoftwareCloudApi: (c, o) => ({ ...o, auth: { username: String(c.email), password: String(c.apiToken) } }) },
		node: { name: cardNode.name, type: cardNode.type, credentials: { jiraSoftwareCloudApi: { id: 'jira-1', name: 'Jira SW Cloud account' } } },
		staticData: {},
		mode: 'webhook',
	});
	const [[item]] = await new InfobipContextCard().execute.call(ctx);
	return { item, req: server.requests[server.requests.length - 1] };
}

it('renders the Jira card: key, summary, status and a link', async () => {
	const { item, req } = await renderExample('3b0a7a3e-2d57-4c6c-9a49-1b2f8f0d7e11');
	const html = item.json.html as string;
	expect(req.url).toBe(
		'/rest/api/2/search/jql?jql=text%20~%20%223b0a7a3e-2d57-4c6c-9a49-1b2f8f0d7e11%22%20ORDER%20BY%20updated%20DESC&fields=summary,status&maxResults=1',
	);
	expect(req.headers.authorization).toBe(`Basic ${Buffer.from('agent@example.com:jira-token-example-123').toString('base64')}`);
	expect(html).toContain('<a href="https://jira.example.com/browse/SUP-42" target="_blank" rel="noopener">SUP-42</a>');
	expect(html).toContain('<div class="summary">Customer cannot log in &lt;after reset&gt;</div>');
	expect(html).toContain('Status: <strong>In Progress</strong>');
	expect(html).not.toContain(JIRA_ISSUE.fields.summary); // only escaped
	expect(item.binary?.card.mimeType).toBe('text/html');
	expect(item.json.fallback).toBe(false);
});

it('shows the "no issue" card when the search finds nothing, and the fallback when Jira fails', async () => {
	const none = await renderExample('conv-none');
	expect(none.item.json.html).toBe('<div class="jira-card">No Jira issue mentions conversation conv-none yet.</div>');
	const params = resolve(cardNode.parameters as IDataObject, { query: { conversationId: 'x' } });
	const ctx = createExecuteContext({
		parameters: { ...params, url: `${server.url}/status/502?c={{ conversation.conversationId }}` },
		items: [{ json: {} }],
		credentials: { jiraSoftwareCloudApi: { email: 'a@b.c', apiToken: 'jira-token-example-123' } },
		authenticators: { jiraSoftwareCloudApi: (_c, o) => o },
	});
	const [[failed]] = await new InfobipContextCard().execute.call(ctx);
	expect(failed.json.html).toBe('<div class="jira-card">Jira is not available right now (The webhook answered HTTP 502 Bad Gateway).</div>');
});

describe('the workflow file', () => {
	it('is Webhook (GET, conversationId query) → Fetch Context Card → Respond to Webhook with the HTML', () => {
		const webhook = byType('n8n-nodes-base.webhook');
		const respond = byType('n8n-nodes-base.respondToWebhook');
		expect(webhook.parameters).toMatchObject({ httpMethod: 'GET', responseMode: 'responseNode' });
		expect(webhook.webhookId).toMatch(/^[0-9a-f-]{36}$/);
		expect(cardNode.parameters).toMatchObject({ conversationSource: 'define', conversationId: '={{ $json.query.conversationId }}' });
		expect(respond.parameters).toMatchObject({ respondWith: 'text', responseBody: '={{ $json.html }}' });
		expect(workflow.connections).toEqual({
			[webhook.name]: { main: [[{ node: cardNode.name, type: 'main', index: 0 }]] },
			[cardNode.name]: { main: [[{ node: respond.name, type: 'main', index: 0 }]] },
		});
	});

	it('references credentials by name only', () => {
		expect(cardNode.credentials).toEqual({ jiraSoftwareCloudApi: { name: 'Jira SW Cloud account' } });
		expect(JSON.stringify(workflow)).not.toMatch(/apiToken|password|"id":\s*"[^"]*"\s*,\s*"name":\s*"Jira/);
	});

	const cache = process.env.INFOBIP_N8N_CACHE || path.join(os.homedir(), '.cache/infobip-n8n');
	for (const version of ['2.40.7', '1.123.81']) {
		const base = path.join(cache, `n8n-${version}`, 'node_modules/n8n-nodes-base/dist/nodes');
		// skipped without the install, except with INFOBIP_REQUIRE_N8N=1 (.ci/run, after the install)
		const maybe = fs.existsSync(base) || process.env.INFOBIP_REQUIRE_N8N === '1' ? it : it.skip;
		maybe(`core node typeVersions exist in n8n ${version}`, () => {
			for (const [type, file] of [
				['n8n-nodes-base.webhook', 'Webhook/Webhook.node.js'],
				['n8n-nodes-base.respondToWebhook', 'RespondToWebhook/RespondToWebhook.node.js'],
			]) {
				// eslint-disable-next-line @typescript-eslint/no-require-imports
				const mod = require(path.join(base, file)) as Record<string, new () => { description: { version: number | number[] } }>;
				const versions = Object.values(mod)
					.map((Cls) => new Cls().description.version)
					.flat();
				expect(versions).toContain(byType(type).typeVersion);
			}
		});
	}
});

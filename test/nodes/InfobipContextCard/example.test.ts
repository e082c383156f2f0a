/**
 * examples/context-card-jira.json: the shipped workflow's Infobip Context Card Trigger served like n8n serves it
 * (a card request without the header is refused before anything runs), its item handed to the Fetch Context Card
 * node with the shipped parameters, rendered against a local Jira-like server; and the workflow's shape (node
 * types, credentials by name, no core node left whose version could be missing in n8n 1.123.81 or 2.40.7).
 */
import fs from 'node:fs';
import path from 'node:path';

import type { IDataObject, INode } from 'n8n-workflow';

import { InfobipContextCard } from '../../../nodes/InfobipContextCard/InfobipContextCard.node';
import { InfobipContextCardTrigger } from '../../../nodes/InfobipContextCardTrigger/InfobipContextCardTrigger.node';
import { createExecuteContext } from '../../support/n8nContext';
import { serveTrigger, type ServedTrigger } from '../../support/webhookContext';
import { JIRA_ISSUE, startTestServer, type TestServer } from '../../support/cardWebhookServer';
import { servedCardTrigger } from '../../support/cardTriggerServed';
import { itWithN8n, n8nInstalled, n8nModules, N8N_VERSIONS } from '../../support/n8nInstalls';

const workflow = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../examples/context-card-jira.json'), 'utf8')) as {
	nodes: INode[];
	connections: IDataObject;
};
const byType = (type: string) => workflow.nodes.find((n) => n.type === type) as INode;
const cardNode = byType('n8n-nodes-infobip-conversations.infobipContextCard');
const triggerNode = byType('n8n-nodes-infobip-conversations.infobipContextCardTrigger');
const JIRA_HOST = 'https://your-domain.atlassian.net';
const CARD_SECRET = 'Bearer card-secret-example-4f1d';

let server: TestServer;
let trigger: ServedTrigger;
beforeAll(async () => {
	server = await startTestServer();
	// the example's trigger with its own parameters; the accepted request's answer is the harness's stand-in
	trigger = await serveTrigger({
		node: servedCardTrigger(String(triggerNode.parameters.httpMethod)),
		parameters: triggerNode.parameters as IDataObject,
		credentials: { infobipCardWebhookApi: { headerName: 'Authorization', headerValue: CARD_SECRET } },
		nodeName: triggerNode.name,
	});
});
afterAll(async () => {
	await Promise.all([server.close(), trigger.close()]);
});

/** A card request to the example's trigger, as Infobip sends it; the item the execution starts with. */
async function cardRequest(conversationId: string, headers: Record<string, string> = { authorization: CARD_SECRET }) {
	const before = trigger.executions.length;
	const res = await fetch(`${trigger.url}?conversationId=${encodeURIComponent(conversationId)}&customerNumber=%2B385911234567`, { headers });
	await res.text();
	const started = trigger.executions.slice(before);
	return { status: res.status, item: started[0]?.items[0]?.json as IDataObject | undefined, executions: started.length };
}

async function renderExample(conversationId: string) {
	const { item: triggerItem } = await cardRequest(conversationId);
	expect(triggerItem).toBeDefined();
	const parameters = { ...(cardNode.parameters as IDataObject) };
	expect(parameters.url).toContain(JIRA_HOST);
	parameters.url = String(parameters.url).replace(JIRA_HOST, server.url);
	const ctx = createExecuteContext({
		parameters,
		items: [{ json: triggerItem! }],
		credentials: { jiraSoftwareCloudApi: { email: 'agent@example.com', apiToken: 'jira-token-example-123', domain: JIRA_HOST } },
		authenticators: { jiraSoftwareCloudApi: (c, o) => ({ ...o, auth: { username: String(c.email), password: String(c.apiToken) } }) },
		node: { name: cardNode.name, type: cardNode.type, credentials: { jiraSoftwareCloudApi: { id: 'jira-1', name: 'Jira SW Cloud account' } } },
		staticData: {},
		mode: 'webhook',
	});
	const [[item]] = await new InfobipContextCard().execute.call(ctx);
	return { item, req: server.requests[server.requests.length - 1] };
}

it('refuses a card request without the header, or with a wrong one: 401, no execution, Jira not called', async () => {
	const calls = server.requests.length;
	const refused: Array<Record<string, string>> = [{}, { authorization: 'Bearer guessed' }, { 'x-authorization': CARD_SECRET }];
	for (const headers of refused) {
		const r = await cardRequest('3b0a7a3e-2d57-4c6c-9a49-1b2f8f0d7e11', headers);
		expect(r).toEqual({ status: 401, item: undefined, executions: 0 });
	}
	expect(server.requests.length).toBe(calls);
});

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
	const { item: triggerItem } = await cardRequest('x');
	const ctx = createExecuteContext({
		parameters: { ...(cardNode.parameters as IDataObject), url: `${server.url}/status/502?c={{ conversation.conversationId }}` },
		items: [{ json: triggerItem! }],
		credentials: { jiraSoftwareCloudApi: { email: 'a@b.c', apiToken: 'jira-token-example-123' } },
		authenticators: { jiraSoftwareCloudApi: (_c, o) => o },
	});
	const [[failed]] = await new InfobipContextCard().execute.call(ctx);
	expect(failed.json.html).toBe('<div class="jira-card">Jira is not available right now (The webhook answered HTTP 502 Bad Gateway).</div>');
});

describe('the workflow file', () => {
	it('is Infobip Context Card Trigger (GET, card header) → Fetch Context Card (conversation from the input item)', () => {
		expect(workflow.nodes.map((n) => n.type)).toEqual([
			'n8n-nodes-infobip-conversations.infobipContextCardTrigger',
			'n8n-nodes-infobip-conversations.infobipContextCard',
		]);
		expect(triggerNode).toMatchObject({ typeVersion: 1, parameters: { httpMethod: 'GET', authentication: 'cardWebhookHeader' } });
		expect(triggerNode.webhookId).toMatch(/^[0-9a-f-]{36}$/);
		expect(cardNode.parameters).toMatchObject({ mode: 'fetch', conversationSource: 'inputItem' });
		expect(cardNode.parameters.conversationId).toBeUndefined();
		// the trigger answers with the last node's "html" field (its default): the card Fetch Context Card renders
		expect(triggerNode.parameters.triggerOptions ?? {}).toEqual({});
		expect(cardNode.parameters.fallbackTemplate).toContain('Jira is not available right now');
		expect(workflow.connections).toEqual({ [triggerNode.name]: { main: [[{ node: cardNode.name, type: 'main', index: 0 }]] } });
	});

	it('references credentials by name only', () => {
		expect(triggerNode.credentials).toEqual({ infobipCardWebhookApi: { name: 'Infobip Context Card Webhook account' } });
		expect(cardNode.credentials).toEqual({ jiraSoftwareCloudApi: { name: 'Jira SW Cloud account' } });
		expect(JSON.stringify(workflow)).not.toMatch(/apiToken|password|headerValue|"id":\s*"[^"]*"\s*,\s*"name":\s*"(Jira|Infobip)/);
	});

	it('uses only node types and versions this package declares (no core node whose version could differ between n8n 1.x and 2.x)', () => {
		const declared: Record<string, number | number[]> = {
			'n8n-nodes-infobip-conversations.infobipContextCardTrigger': new InfobipContextCardTrigger().description.version,
			'n8n-nodes-infobip-conversations.infobipContextCard': new InfobipContextCard().description.version,
		};
		for (const n of workflow.nodes) expect([declared[n.type]].flat()).toContain(n.typeVersion);
	});

	for (const version of N8N_VERSIONS) {
		const modules = n8nModules(version);
		const maybe = itWithN8n(n8nInstalled(version));
		/* eslint-disable @typescript-eslint/no-require-imports */
		maybe(`n8n ${version}'s expression engine resolves the trigger's webhook: the example's method, the "html" field as text/html, the raw body`, () => {
			const n8nWorkflow = require(path.join(modules, 'n8n-workflow')) as typeof import('n8n-workflow');
			const type = new InfobipContextCardTrigger();
			const nodeTypes = { getByName: () => type, getByNameAndVersion: () => type, getKnownTypes: () => ({}) };
			const wf = new n8nWorkflow.Workflow({ nodes: [structuredClone(triggerNode)], connections: {}, active: false, nodeTypes: nodeTypes as never });
			const node = wf.getNode(triggerNode.name)!;
			const hook = type.description.webhooks![0];
			const value = (v: unknown, fallback: string | boolean) => wf.expression.getSimpleParameterValue(node, v as string, 'webhook', {}, undefined, fallback as string);
			expect(value(hook.httpMethod, 'GET')).toBe('GET');
			expect(value(hook.responsePropertyName, '')).toBe('html');
			expect(value(hook.responseContentType, '')).toBe('text/html; charset=utf-8');
			expect(value('={{$parameter["options"]["binaryData"]}}', false)).toBe(true);
		});

		// Why the trigger answers with the last node's card and offers no "Using 'Respond to Webhook' Node": Respond to
		// Webhook 1.1+ (the editor adds 1.5) fails unless a parent node is n8n's own Webhook, Form, Chat or Wait node
		// (seen in real n8n too: 2.40.7 answers 500 "Error in workflow", 1.123.81 an empty 200).
		maybe(`n8n ${version}'s Respond to Webhook 1.5 refuses to answer for this trigger`, async () => {
			const { RespondToWebhook } = require(path.join(modules, 'n8n-nodes-base/dist/nodes/RespondToWebhook/RespondToWebhook.node.js')) as {
				RespondToWebhook: new () => { execute(this: unknown): Promise<unknown> };
			};
			const run = async (parentType: string) => {
				const sent: unknown[] = [];
				const ctx = {
					getInputData: () => [{ json: { html: '<b>card</b>' } }],
					getNode: () => ({ name: 'Respond', type: 'n8n-nodes-base.respondToWebhook', typeVersion: 1.5, parameters: {} }),
					getParentNodes: () => [{ name: 'Card Request', type: parentType, typeVersion: 1, disabled: false, parameters: {} }],
					getNodeParameter: (name: string, _i: number, fallback?: unknown) =>
						({ respondWith: 'text', responseBody: '<b>card</b>', options: {} })[name] ?? fallback,
					isStreaming: () => false,
					continueOnFail: () => false,
					sendResponse: async (response: unknown) => void sent.push(response),
					helpers: {},
				};
				await new RespondToWebhook().execute.call(ctx);
				return sent;
			};
			await expect(run(triggerNode.type)).rejects.toThrow('No Webhook node found in the workflow');
			expect(await run('n8n-nodes-base.webhook')).toHaveLength(1);
		});
		/* eslint-enable @typescript-eslint/no-require-imports */
	}
});

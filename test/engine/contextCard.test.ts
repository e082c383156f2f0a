/**
 * examples/context-card-jira.json in n8n's engine: a card request reaches the Infobip Context Card Trigger's
 * webhook() in a real WebhookContext, the execution runs Fetch Context Card with n8n's own Jira credential type
 * (its generic `authenticate`, resolved by n8n's expression engine), the card comes out as binary data stored by
 * this n8n's BinaryDataService, and the response cache lives in the workflow static data n8n saves after a
 * production execution, so a second execution is served from it.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { IBinaryData, INode } from 'n8n-workflow';

import { startTestServer, type TestServer } from '../support/cardWebhookServer';
import { TestN8n, type WorkflowJson } from '../support/engine/engine';
import { binaryBuffer, logs, stopN8n, versions } from '../support/engine/n8n';

const example = JSON.parse(fs.readFileSync(path.join(__dirname, '../../examples/context-card-jira.json'), 'utf8')) as WorkflowJson;
const JIRA_HOST = 'https://your-domain.atlassian.net';
const CARD_SECRET = 'Bearer card-secret-engine-91c2';
const JIRA = { email: 'agent@example.com', apiToken: 'jira-token-engine-123', domain: JIRA_HOST };
const CONVERSATION = '3b0a7a3e-2d57-4c6c-9a49-1b2f8f0d7e11';

let server: TestServer;
beforeAll(async () => {
	server = await startTestServer();
});
afterAll(async () => {
	await server.close();
	await stopN8n();
});

/** The example with its Jira URL pointed at the local Jira-like server, nothing else changed. */
function exampleN8n() {
	const nodes = example.nodes.map((n): INode => {
		if (n.name !== 'Fetch Context Card') return n;
		return { ...n, parameters: { ...n.parameters, url: String(n.parameters.url).replace(JIRA_HOST, server.url) } };
	});
	return new TestN8n({ ...example, nodes }, { infobipCardWebhookApi: { headerName: 'Authorization', headerValue: CARD_SECRET }, jiraSoftwareCloudApi: { ...JIRA } });
}

const jiraCalls = () => server.requests.filter((r) => r.url.startsWith('/rest/api/2/search')).length;

describe('through the card trigger (webhook executions)', () => {
	let n8n: TestN8n;
	let url: string;
	beforeAll(async () => {
		n8n = exampleN8n();
		url = await n8n.serveWebhook('Card Request');
	});
	afterAll(async () => n8n.close());

	async function cardRequest(headers: Record<string, string> = { authorization: CARD_SECRET }) {
		const before = n8n.executions.length;
		const res = await fetch(`${url}?conversationId=${CONVERSATION}&customerNumber=%2B385911234567`, { headers });
		await res.text();
		await n8n.idle();
		return { status: res.status, executions: n8n.executions.slice(before) };
	}

	it('refuses a request without the card header: 401, no execution, Jira not called', async () => {
		const calls = jiraCalls();
		for (const headers of [{}, { authorization: 'Bearer guessed' }] as Array<Record<string, string>>) {
			expect(await cardRequest(headers)).toEqual({ status: 401, executions: [] });
		}
		expect(jiraCalls()).toBe(calls);
	});

	it('renders the Jira card with n8n’s Jira credential; the card is binary data in this n8n’s store', async () => {
		const calls = jiraCalls();
		const { executions } = await cardRequest();
		expect(executions).toHaveLength(1);
		const [execution] = executions;
		expect(execution.mode).toBe('webhook');
		expect(execution.error).toBeUndefined();
		expect(execution.order).toEqual(['Card Request', 'Fetch Context Card']);
		expect(jiraCalls()).toBe(calls + 1);
		const req = server.requests[server.requests.length - 1];
		expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`${JIRA.email}:${JIRA.apiToken}`).toString('base64')}`);

		const [item] = execution.output('Fetch Context Card');
		const html = item.json.html as string;
		expect(html).toContain('<a href="https://jira.example.com/browse/SUP-42" target="_blank" rel="noopener">SUP-42</a>');
		expect(html).toContain('Status: <strong>In Progress</strong>');
		expect(item.json).toMatchObject({ fallback: false, request: { fromCache: false, status: 200 }, conversation: { conversationId: CONVERSATION } });
		expect(item.pairedItem).toEqual({ item: 0 });

		const card = item.binary!.card as IBinaryData;
		expect(card).toMatchObject({ mimeType: 'text/html', fileName: 'card.html', fileExtension: 'html' });
		if (Number(versions.n8n.split('.')[0]) >= 2) {
			// n8n 2.x keeps binary data out of the execution (filesystem mode by default)
			expect(card.id).toMatch(/^filesystem-v2:/);
		} else {
			expect(card.id).toBeUndefined();
		}
		expect((await binaryBuffer(card)).toString('utf8')).toBe(html);
	});

	it('the second request is served from the cache n8n saved in the static data after the first execution', async () => {
		const calls = jiraCalls();
		expect(n8n.row.nodeData('Fetch Context Card')).toBeDefined();
		const { executions } = await cardRequest();
		expect(executions).toHaveLength(1);
		expect(jiraCalls()).toBe(calls);
		const [item] = executions[0].output('Fetch Context Card');
		expect(item.json).toMatchObject({ fallback: false, request: { fromCache: true } });
		expect(item.json.html).toContain('SUP-42');
	});

	it('no secret in the executions, the stored static data or the logs', () => {
		const text = JSON.stringify(n8n.executions.map((e) => e.run)) + n8n.row.staticDataJson + logs.join('\n');
		for (const secret of [CARD_SECRET, JIRA.apiToken, Buffer.from(`${JIRA.email}:${JIRA.apiToken}`).toString('base64')]) {
			expect(text).not.toContain(secret);
		}
	});
});

it('manual executions (the editor) use the cache only within themselves: n8n does not save their static data', async () => {
	const n8n = exampleN8n();
	const calls = jiraCalls();
	const item = [[{ json: { conversationId: CONVERSATION } }]];
	for (let i = 0; i < 2; i++) {
		const execution = await n8n.run({ start: 'Card Request', data: item, mode: 'manual' });
		expect(execution.error).toBeUndefined();
		expect(execution.json('Fetch Context Card')[0]).toMatchObject({ request: { fromCache: false } });
	}
	expect(jiraCalls()).toBe(calls + 2);
	expect(n8n.row.saves).toBe(0);
});

it('a credential saved without a field gets the type’s default, as n8n’s credential helper applies them', async () => {
	const n8n = exampleN8n();
	n8n.credentials.data.jiraSoftwareCloudApi = { email: JIRA.email, domain: JIRA_HOST };
	const execution = await n8n.run({ start: 'Card Request', data: [[{ json: { conversationId: 'conv-none' } }]], mode: 'webhook' });
	expect(execution.error).toBeUndefined();
	const req = server.requests[server.requests.length - 1];
	// the credential type's default for apiToken ('') fills the gap, as n8n's CredentialsHelper does
	expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`${JIRA.email}:`).toString('base64')}`);
	expect(execution.json('Fetch Context Card')[0].html).toBe('<div class="jira-card">No Jira issue mentions conversation conv-none yet.</div>');
});

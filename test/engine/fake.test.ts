/**
 * The hand-made fakes the unit tests use (test/support/n8nContext.ts, test/support/webhookContext.ts) against n8n's
 * real engine: the same node, parameters and input through both must send the same HTTP requests, give the same
 * items and fail the same way; the same webhook requests must get the same answers, items and stored static data.
 * When n8n changes what the fakes copy, this suite says where.
 */
import fs from 'node:fs';
import path from 'node:path';

import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { startEmulator, type RunningEmulator } from '../../emulator';
import { InfobipConversations } from '../../nodes/InfobipConversations/InfobipConversations.node';
import { InfobipConversationsTrigger } from '../../nodes/InfobipConversationsTrigger/InfobipConversationsTrigger.node';
import { createExecuteContext } from '../support/n8nContext';
import { serveTrigger } from '../support/webhookContext';
import { inbound } from '../support/inbound';
import { post } from '../support/httpCall';
import { chain, node, TestN8n, type WorkflowJson } from '../support/engine/engine';
import { stopN8n } from '../support/engine/n8n';

interface Seen {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	body: string;
}

/** Records every request on its way to the emulator. */
async function recordingProxy(target: () => string): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
	const seen: Seen[] = [];
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: body.toString('utf8') });
			const out = httpRequest(`${target()}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(target()).host } }, (answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			});
			out.on('error', () => res.destroy());
			out.end(body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		seen,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)/g;
/** Ids and times differ between two runs; everything else must not. */
const normalise = (value: unknown) => JSON.parse(JSON.stringify(value ?? null).replace(UUID, '<id>').replace(TIME, '<time>')) as unknown;

/**
 * What of a request n8n decides: everything but the connection's own headers. Query parameters are compared in
 * sorted order: n8n hands a collection's values over in the order of the node's description, the fake in the order
 * the test wrote them.
 */
const request = (r: Seen) => {
	const { host: _host, connection: _connection, ...headers } = r.headers;
	const url = new URL(r.url, 'http://x');
	url.searchParams.sort();
	return normalise({ method: r.method, url: `${url.pathname}${url.search}`, headers, body: r.body });
};

let emu: RunningEmulator;
let proxy: Awaited<ReturnType<typeof recordingProxy>>;
beforeAll(async () => {
	emu = await startEmulator({ bot: { agentId: 'bot-1' } });
	proxy = await recordingProxy(() => emu.url);
});
afterAll(async () => {
	await proxy.close();
	await emu.close();
	await stopN8n();
});

const credentials = () => ({ infobipConversationsApi: { baseUrl: proxy.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: emu.botAgentId } });

/**
 * Runs the node through the fake, then through n8n's engine, each on a fresh conversation, with the same
 * parameters (plain values: the fake resolves no expressions) and input item; both outcomes.
 */
async function bothWays(parameters: (conversationId: string) => IDataObject, item: (conversationId: string) => IDataObject = () => ({})) {
	const outcome = async (run: (parameters: IDataObject, items: INodeExecutionData[]) => Promise<INodeExecutionData[]>) => {
		const { conversationId } = await emu.inbound({ from: '385911111111', to: '447860099299', channel: 'WHATSAPP', text: 'hello' });
		emu.state.metadata.set(conversationId, { Kept: 'yes' });
		const first = proxy.seen.length;
		let items: unknown;
		let error: unknown;
		try {
			items = (await run(parameters(conversationId), [{ json: item(conversationId) }])).map((i) => ({ json: i.json, pairedItem: i.pairedItem }));
		} catch (e) {
			const { message, description, httpCode } = e as { message: string; description?: string; httpCode?: string };
			error = { message, description, httpCode };
		}
		return normalise({ items, error, requests: proxy.seen.slice(first).map(request) });
	};
	const fake = await outcome(async (parameters, items) => (await new InfobipConversations().execute.call(createExecuteContext({ parameters, items, credentials: credentials() })))[0]);
	const real = await outcome(async (parameters, items) => {
		const n8n = new TestN8n(chain(node('Input', 'n8n-nodes-base.noOp'), node('Infobip', 'infobipConversations', parameters)), credentials());
		const execution = await n8n.run({ start: 'Input', data: [items] });
		if (execution.error) throw execution.error;
		return execution.output('Infobip');
	});
	return { fake, real };
}

describe('n8nContext (execute) against n8n-core’s ExecuteContext', () => {
	it.each([
		['Send a text', { resource: 'message', operation: 'send', contentType: 'TEXT', text: 'Hi!' }],
		['Set Metadata (Merge)', { resource: 'conversation', operation: 'setMetadata', mode: 'merge', inputMode: 'json', metadataJson: '{"Intent":"agent"}' }],
		['Route', { resource: 'conversation', operation: 'route' }],
		['Get Messages (query string)', { resource: 'conversation', operation: 'getMessages', returnAll: false, limit: 5, options: { direction: 'INBOUND', orderBy: 'createdAt:asc' } }],
		['Get Many with filters (query string)', { resource: 'conversation', operation: 'getMany', returnAll: false, limit: 3, filters: { status: 'OPEN', agentId: 'bot-1' } }],
	])('%s: the same requests and items', async (_name, parameters) => {
		const { fake, real } = await bothWays((conversationId) => ({ conversationId, from: '447860099299', to: '385911111111', channel: 'WHATSAPP', ...parameters }), (conversationId) => ({ conversationId }));
		expect(fake).toEqual(real);
	});

	it('a 404: the same error (message, description, httpCode) after the same requests', async () => {
		const { fake, real } = await bothWays(() => ({ resource: 'conversation', operation: 'route', conversationId: '00000000-0000-4000-8000-000000000000' }));
		expect((fake as { error: unknown }).error).toBeDefined();
		expect(fake).toEqual(real);
	});
});

describe('webhookContext (serveTrigger) against n8n-core’s WebhookContext', () => {
	const example = JSON.parse(fs.readFileSync(path.join(__dirname, '../../examples/external-bot.json'), 'utf8')) as WorkflowJson;
	const shipped = example.nodes.find((n) => n.name === 'Customer message')!;
	// a small body limit, so "too large" is answered before the client has sent much
	const trigger = { ...shipped, parameters: { ...shipped.parameters, triggerOptions: { ...(shipped.parameters.triggerOptions as IDataObject), maxBodySizeKb: 4 } } };
	const SECRET = 'Bearer conformance-secret-1';
	const header = { authorization: SECRET };
	const requests: Array<[string, string | Buffer, Record<string, string>]> = [
		['a message', JSON.stringify(inbound({ id: 'm-1' })), header],
		['its redelivery', JSON.stringify(inbound({ id: 'm-1' })), header],
		['an image', JSON.stringify(inbound({ id: 'm-2', contentType: 'IMAGE', content: { url: 'https://example.com/a.png' } })), header],
		['no header', JSON.stringify(inbound({ id: 'm-3' })), {}],
		['a wrong header', JSON.stringify(inbound({ id: 'm-4' })), { authorization: 'Bearer guessed' }],
		['malformed JSON', '{"conversationId": ', header],
		['not JSON', 'hello', { ...header, 'content-type': 'text/plain' }],
		['too large', JSON.stringify(inbound({ id: 'm-5', content: { text: 'x'.repeat(5000) } })), header],
		['two messages in one request', JSON.stringify([inbound({ id: 'm-6' }), inbound({ id: 'm-7', conversationId: 'conv-2' })]), header],
	];

	it('the same answers, items and stored static data for the same requests', async () => {
		const credentials = { infobipBotWebhookApi: { headerName: 'Authorization', headerValue: SECRET } };
		const fake = await serveTrigger({ node: new InfobipConversationsTrigger(), parameters: trigger.parameters as IDataObject, credentials, nodeName: trigger.name });
		const n8n = new TestN8n({ nodes: [trigger], connections: {} }, credentials);
		const realUrl = await n8n.serveWebhook(trigger.name);
		const outcomes = async (url: string, executions: () => unknown[]) => {
			const out: unknown[] = [];
			for (const [name, body, headers] of requests) {
				const before = executions().length;
				const reply = await post(url, body, headers);
				await n8n.idle();
				out.push({ name, status: reply.status, reply: reply.json, items: executions().slice(before) });
			}
			return normalise(out);
		};
		try {
			const viaFake = await outcomes(fake.url, () => fake.executions.map((e) => e.items.map((i) => i.json)));
			const viaN8n = await outcomes(realUrl, () => n8n.executions.map((e) => e.json(trigger.name)));
			expect(viaFake).toEqual(viaN8n);
			// static data as stored: the same shape, one record per accepted message
			const stored = (nodeData: IDataObject | undefined) => ((nodeData?.dedupe as { entries?: unknown[] } | undefined)?.entries ?? []).length;
			expect(stored(fake.db.nodeData(trigger.name))).toBe(stored(n8n.row.nodeData(trigger.name)));
			expect(stored(n8n.row.nodeData(trigger.name))).toBe(4);
			expect(Object.keys(fake.db.load() ?? {})).toEqual(Object.keys(n8n.row.load() ?? {}));
		} finally {
			await fake.close();
			await n8n.close();
		}
	});
});

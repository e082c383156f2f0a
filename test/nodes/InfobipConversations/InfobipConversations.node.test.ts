import nock from 'nock';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

jest.mock('../../../nodes/InfobipConversations/transport/sleep', () => ({
	sleep: jest.fn(async () => undefined),
}));

import { sleep } from '../../../nodes/InfobipConversations/transport/sleep';
import { InfobipConversations } from '../../../nodes/InfobipConversations/InfobipConversations.node';
import { createExecuteContext, type FakeContext } from '../../support/n8nContext';
import { useNock } from '../../support/nock';

const API_KEY = 'secret-api-key-123';
const BASE = 'https://xyz.api.infobip.com';
const credentials = {
	infobipConversationsApi: { baseUrl: 'xyz.api.infobip.com/', authScheme: 'apiKey', apiKey: API_KEY, defaultAgentId: '' },
};
const inbound = {
	conversationId: 'conv-1',
	messageId: 'm-1',
	from: '385911111111',
	to: '447860099299',
	channel: 'WHATSAPP',
	text: 'hi',
};

function run(parameters: Record<string, unknown>, extra: Partial<Parameters<typeof createExecuteContext>[0]> = {}) {
	const ctx = createExecuteContext({
		parameters,
		items: [{ json: inbound }],
		credentials,
		...extra,
	});
	return { ctx, result: new InfobipConversations().execute.call(ctx) };
}

function scanForSecret(ctx: FakeContext, ...values: unknown[]) {
	const all = JSON.stringify([ctx.logs, ...values.map((v) => (v instanceof Error ? { m: v.message, d: (v as NodeApiError).description } : v))]);
	expect(all).not.toContain(API_KEY);
}

const sendParams = {
	resource: 'message',
	operation: 'send',
	conversationId: 'conv-1',
	agentId: 'bot-agent-1',
	from: inbound.to,
	to: inbound.from,
	channel: 'WHATSAPP',
	contentType: 'TEXT',
	text: 'Hello from the bot',
};

useNock();
afterEach(() => (sleep as jest.Mock).mockClear());

describe('Message → Send', () => {
	it('sends exactly the documented request with x-agent-id and App authorization', async () => {
		const scope = nock(BASE, {
			reqheaders: { authorization: `App ${API_KEY}`, 'x-agent-id': 'bot-agent-1', accept: 'application/json' },
		})
			.post('/ccaas/1/conversations/conv-1/messages', {
				from: '447860099299',
				to: '385911111111',
				channel: 'WHATSAPP',
				contentType: 'TEXT',
				content: { text: 'Hello from the bot' },
			})
			.reply(200, { id: 'out-1', conversationId: 'conv-1', direction: 'OUTBOUND' });
		const { ctx, result } = run(sendParams);
		const out = await result;
		expect(out).toEqual([[{ json: { id: 'out-1', conversationId: 'conv-1', direction: 'OUTBOUND' }, pairedItem: { item: 0 } }]]);
		expect(scope.isDone()).toBe(true);
		scanForSecret(ctx, out);
	});

	it('uses the credential default agent id when the node leaves it empty', async () => {
		const scope = nock(BASE, { reqheaders: { 'x-agent-id': 'cred-bot' } })
			.post('/ccaas/1/conversations/conv-1/messages')
			.reply(200, { id: 'out-2' });
		const ctx = createExecuteContext({
			parameters: { ...sendParams, agentId: '' },
			items: [{ json: inbound }],
			credentials: { infobipConversationsApi: { ...credentials.infobipConversationsApi, defaultAgentId: 'cred-bot' } },
		});
		await new InfobipConversations().execute.call(ctx);
		expect(scope.isDone()).toBe(true);
	});

	it('sends an IMAGE with url and caption', async () => {
		const scope = nock(BASE)
			.post('/ccaas/1/conversations/conv-1/messages', (b) =>
				b.contentType === 'IMAGE' && b.content.url === 'https://example.com/a.jpg' && b.content.caption === 'Look',
			)
			.reply(200, { id: 'img' });
		await run({ ...sendParams, contentType: 'IMAGE', url: 'https://example.com/a.jpg', caption: 'Look' }).result;
		expect(scope.isDone()).toBe(true);
	});

	it('rejects an invalid media URL before any call', async () => {
		const { result } = run({ ...sendParams, contentType: 'IMAGE', url: 'not a url' });
		await expect(result).rejects.toThrow('Invalid IMAGE message: Media URL is not a valid URL');
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('fails clearly when no agent id is configured anywhere', async () => {
		const { result } = run({ ...sendParams, agentId: '' });
		await expect(result).rejects.toThrow('No agent id for x-agent-id');
	});

	it('retries a 429 honouring Retry-After and delivers exactly once', async () => {
		const scope = nock(BASE)
			.post('/ccaas/1/conversations/conv-1/messages')
			.reply(429, { requestError: { serviceException: { messageId: 'TOO_MANY_REQUESTS', text: 'Too many requests' } } }, { 'Retry-After': '2' })
			.post('/ccaas/1/conversations/conv-1/messages')
			.reply(200, { id: 'out-3' });
		const out = await run(sendParams).result;
		expect(out[0][0].json).toEqual({ id: 'out-3' });
		expect(sleep).toHaveBeenCalledTimes(1);
		expect(sleep).toHaveBeenCalledWith(2000);
		expect(scope.isDone()).toBe(true);
	});

	it('after an ambiguous 500 finds the created message instead of sending it again', async () => {
		const created = {
			id: 'out-4',
			to: inbound.from,
			contentType: 'TEXT',
			content: { text: 'Hello from the bot' },
			createdAt: new Date().toISOString(),
		};
		const scope = nock(BASE)
			.post('/ccaas/1/conversations/conv-1/messages')
			.reply(500, { requestError: { serviceException: { messageId: 'GENERAL_ERROR', text: 'Something went wrong.' } } })
			.get('/ccaas/1/conversations/conv-1/messages')
			.query({ direction: 'OUTBOUND', orderBy: 'createdAt:desc', limit: 20 })
			.reply(200, { messages: [created] });
		const out = await run(sendParams).result;
		expect(out[0][0].json).toEqual(created);
		expect(scope.isDone()).toBe(true);
	});

	it('sends LOCATION content with the field names of the API\'s examples (locationName, address)', async () => {
		const scope = nock(BASE)
			.post('/ccaas/1/conversations/conv-1/messages', (b) =>
				JSON.stringify(b.content) === JSON.stringify({ latitude: 45.8, longitude: 15.97, locationName: 'Office', address: 'Main St 1' }),
			)
			.reply(200, { id: 'loc' });
		await run({ ...sendParams, contentType: 'LOCATION', latitude: 45.8, longitude: 15.97, locationName: 'Office', address: 'Main St 1' }).result;
		expect(scope.isDone()).toBe(true);
	});

	it('after an ambiguous 500 recognises its message when Infobip echoes the content with extra null fields in another order', async () => {
		const created = {
			id: 'out-6',
			to: inbound.from,
			contentType: 'IMAGE',
			content: { caption: 'Look', showUrlPreview: null, url: 'https://example.com/a.jpg' },
			createdAt: new Date().toISOString(),
		};
		const scope = nock(BASE)
			.post('/ccaas/1/conversations/conv-1/messages')
			.reply(502, {})
			.get('/ccaas/1/conversations/conv-1/messages')
			.query(true)
			.reply(200, { messages: [created] });
		const out = await run({ ...sendParams, contentType: 'IMAGE', url: 'https://example.com/a.jpg', caption: 'Look' }).result;
		expect(out[0][0].json).toEqual(created);
		expect(scope.isDone()).toBe(true); // no second POST
	});

	it('after an ambiguous 500 with nothing created retries once and delivers', async () => {
		const scope = nock(BASE)
			.post('/ccaas/1/conversations/conv-1/messages')
			.reply(503, {})
			.get('/ccaas/1/conversations/conv-1/messages')
			.query(true)
			.reply(200, { messages: [] })
			.post('/ccaas/1/conversations/conv-1/messages')
			.reply(200, { id: 'out-5' });
		const out = await run(sendParams).result;
		expect(out[0][0].json).toEqual({ id: 'out-5' });
		expect(scope.isDone()).toBe(true);
	});

	it('turns an Infobip 400 body into a clear NodeApiError without secrets', async () => {
		nock(BASE)
			.post('/ccaas/1/conversations/conv-1/messages')
			.reply(400, { statusCode: 'ERROR', message: 'Agent is not assigned to the conversation' });
		const { ctx, result } = run(sendParams);
		const error = await result.catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Infobip: Agent is not assigned to the conversation');
		expect(error.httpCode).toBe('400');
		expect(error.description).toContain('x-agent-id');
		scanForSecret(ctx, error);
	});

	it('401 names the credential to fix', async () => {
		nock(BASE)
			.post('/ccaas/1/conversations/conv-1/messages')
			.reply(401, { requestError: { serviceException: { messageId: 'UNAUTHORIZED', text: 'Invalid login details' } } });
		const error = await run(sendParams).result.catch((e) => e);
		expect(error.message).toBe('Infobip: Invalid login details');
		expect(error.description).toContain('"Infobip Conversations API" credential');
	});

	it('Continue On Fail gives an error item per failed item with pairedItem', async () => {
		nock(BASE).post('/ccaas/1/conversations/c-a/messages').reply(200, { id: 'ok-a' });
		nock(BASE)
			.post('/ccaas/1/conversations/c-b/messages')
			.reply(404, { requestError: { serviceException: { messageId: 'NOT_FOUND', text: 'Conversation not found' } } });
		const ctx = createExecuteContext({
			parameters: (i) => ({ ...sendParams, conversationId: i === 0 ? 'c-a' : 'c-b' }),
			items: [{ json: inbound }, { json: inbound }],
			credentials,
			continueOnFail: true,
		});
		const out = await new InfobipConversations().execute.call(ctx);
		expect(out[0][0]).toEqual({ json: { id: 'ok-a' }, pairedItem: { item: 0 } });
		expect(out[0][1].pairedItem).toEqual({ item: 1 });
		expect(out[0][1].json.error).toBe('Infobip: Conversation not found');
	});
});

describe('Conversation operations', () => {
	it('Route posts without body and returns the conversation', async () => {
		const scope = nock(BASE, { reqheaders: { authorization: `App ${API_KEY}` } })
			.post('/ccaas/1/conversations/conv-1/route')
			.reply(200, { conversations: [{ id: 'conv-1', agentId: null, status: 'OPEN' }] });
		const out = await run({ resource: 'conversation', operation: 'route', conversationId: 'conv-1' }).result;
		expect(out[0][0].json).toEqual({ id: 'conv-1', agentId: null, status: 'OPEN' });
		expect(scope.isDone()).toBe(true);
	});

	it('Assign Agent puts the agent id from a resource locator', async () => {
		const scope = nock(BASE)
			.put('/ccaas/1/conversations/conv-1/assignee', { agentId: 'agent-7' })
			.reply(200, { id: 'conv-1', agentId: 'agent-7' });
		const out = await run({
			resource: 'conversation',
			operation: 'assignAgent',
			conversationId: 'conv-1',
			assignee: { __rl: true, mode: 'id', value: 'agent-7' },
		}).result;
		expect(out[0][0].json.agentId).toBe('agent-7');
		expect(scope.isDone()).toBe(true);
	});

	it('Set Metadata merge uses PATCH with the validated object', async () => {
		const scope = nock(BASE)
			.patch('/ccaas/1/conversations/conv-1/metadata', { Manufacturer: 'Mazda', EnginePower: 90.5 })
			.reply(200, { statusCode: 'SUCCESS', message: 'Metadata added to conversation successfully.' });
		const out = await run({
			resource: 'conversation',
			operation: 'setMetadata',
			conversationId: 'conv-1',
			mode: 'merge',
			inputMode: 'json',
			metadataJson: '{"Manufacturer":"Mazda","EnginePower":90.5}',
		}).result;
		expect(out[0][0].json).toMatchObject({ conversationId: 'conv-1', mode: 'merge', statusCode: 'SUCCESS', writePath: 'PATCH' });
		expect(scope.isDone()).toBe(true);
	});

	it('Set Metadata replace uses PUT; key/value UI', async () => {
		const scope = nock(BASE).put('/ccaas/1/conversations/conv-1/metadata', { Model: 'CX-5' }).reply(200, { statusCode: 'SUCCESS' });
		const out = await run({
			resource: 'conversation',
			operation: 'setMetadata',
			conversationId: 'conv-1',
			mode: 'replace',
			inputMode: 'keyValue',
			metadataUi: { values: [{ key: 'Model', value: 'CX-5' }] },
		}).result;
		expect(out[0][0].json).toMatchObject({ mode: 'replace', writePath: 'PUT' });
		expect(scope.isDone()).toBe(true);
	});

	it('Set Metadata rejects nested values naming the key, before any call', async () => {
		const { result } = run({
			resource: 'conversation',
			operation: 'setMetadata',
			conversationId: 'conv-1',
			inputMode: 'json',
			metadataJson: '{"ok":1,"car":{"model":"x"}}',
		});
		const error = await result.catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Metadata key "car" has a nested object value; only text, numbers and booleans are accepted');
	});

	it('Update uses PATCH with only the given fields', async () => {
		const scope = nock(BASE).patch('/ccaas/1/conversations/conv-1', { status: 'CLOSED' }).reply(200, { id: 'conv-1', status: 'CLOSED' });
		await run({ resource: 'conversation', operation: 'update', conversationId: 'conv-1', updateFields: { status: 'CLOSED' } }).result;
		expect(scope.isDone()).toBe(true);
	});

	it('Get retries a 502 (idempotent) and succeeds', async () => {
		const scope = nock(BASE)
			.get('/ccaas/1/conversations/conv-1')
			.reply(502, 'Bad gateway')
			.get('/ccaas/1/conversations/conv-1')
			.reply(200, { id: 'conv-1' });
		const out = await run({ resource: 'conversation', operation: 'get', conversationId: 'conv-1' }).result;
		expect(out[0][0].json).toEqual({ id: 'conv-1' });
		expect(sleep).toHaveBeenCalledTimes(1);
		expect(scope.isDone()).toBe(true);
	});

	it('Get Many with Return All pages through results with server-side filters', async () => {
		const page = (n: number, count: number) => Array.from({ length: count }, (_, k) => ({ id: `c-${n}-${k}` }));
		const scope = nock(BASE)
			.get('/ccaas/1/conversations')
			.query({ status: 'OPEN', agentId: 'bot', page: 0, limit: 100 })
			.reply(200, { conversations: page(0, 100), pagination: { totalItems: 150, page: 0, limit: 100 } })
			.get('/ccaas/1/conversations')
			.query({ status: 'OPEN', agentId: 'bot', page: 1, limit: 100 })
			.reply(200, { conversations: page(1, 50), pagination: { totalItems: 150, page: 1, limit: 100 } });
		const out = await run({
			resource: 'conversation',
			operation: 'getMany',
			returnAll: true,
			filters: { status: 'OPEN', agentId: 'bot' },
		}).result;
		expect(out[0]).toHaveLength(150);
		expect(out[0][149].json.id).toBe('c-1-49');
		expect(scope.isDone()).toBe(true);
	});

	it('Get Many sends several queue ids as a repeated parameter, as the API documents', async () => {
		const scope = nock(BASE)
			.get('/ccaas/1/conversations')
			.query((q) => JSON.stringify(q) === JSON.stringify({ queueIds: ['q-1', 'q-2'], page: '0', limit: '2' }))
			.reply(200, { conversations: [{ id: 'a' }] });
		const out = await run({ resource: 'conversation', operation: 'getMany', returnAll: false, limit: 2, filters: { queueIds: 'q-1, q-2' } }).result;
		expect(out[0].map((i) => i.json.id)).toEqual(['a']);
		expect(scope.isDone()).toBe(true);
	});

	it('Get Messages asks for the direction and order only (not node options) and pages inside', async () => {
		const scope = nock(BASE, { reqheaders: { authorization: `App ${API_KEY}` } })
			.get('/ccaas/1/conversations/conv-1/messages')
			.query({ orderBy: 'createdAt:asc', direction: 'OUTBOUND', page: 0, limit: 2 })
			.reply(200, { messages: [{ id: 'm1' }, { id: 'm2' }], pagination: { totalItems: 3, page: 0, limit: 2 } });
		const out = await run({
			resource: 'conversation',
			operation: 'getMessages',
			conversationId: 'conv-1',
			returnAll: false,
			limit: 2,
			options: { direction: 'OUTBOUND', orderBy: 'createdAt:asc', concurrency: 3 },
		}).result;
		expect(out[0].map((i) => i.json.id)).toEqual(['m1', 'm2']);
		expect(scope.isDone()).toBe(true);
	});

	it('Get Many with a limit asks only for what it needs', async () => {
		const scope = nock(BASE)
			.get('/ccaas/1/conversations')
			.query({ page: 0, limit: 3 })
			.reply(200, { conversations: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] });
		const out = await run({ resource: 'conversation', operation: 'getMany', returnAll: false, limit: 3, filters: {} }).result;
		expect(out[0].map((i) => i.json.id)).toEqual(['a', 'b', 'c']);
		expect(scope.isDone()).toBe(true);
	});
});

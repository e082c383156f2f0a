/**
 * Infobip Context Card Trigger, served from a real local HTTP server the way n8n serves a production webhook
 * (test/support/webhookContext.ts). What the harness does not model is n8n's "lastNode" answer (the last node's
 * card binary): after an accepted request it records the execution and answers a stand-in 200. That answer —
 * text/html from Fetch Context Card's binary, in n8n 2.40.7 and 1.123.81 — is checked in real n8n by
 * scripts/e2e/scenarios/card.js. Everything the node itself answers (401, 413, 500, 503) and the item it hands n8n
 * are asserted here.
 */
import { Workflow, type IDataObject, type INode, type INodeTypes } from 'n8n-workflow';

import { InfobipCardWebhookApi } from '../../../credentials/InfobipCardWebhookApi.credentials';
import { InfobipBotWebhookApi } from '../../../credentials/InfobipBotWebhookApi.credentials';
import { conversationFromItem } from '../../../nodes/InfobipContextCard/helpers/validation';
import { CARD_VARIABLES } from '../../../nodes/shared/contextCard';
import { InfobipContextCardTrigger, MAX_BODY_BYTES } from '../../../nodes/InfobipContextCardTrigger/InfobipContextCardTrigger.node';
import { CARD_QUERY_STRING } from '../../../nodes/InfobipContextCardTrigger/helpers/request';
import { serveTrigger, type ServedTrigger, type ServeTriggerOptions } from '../../support/webhookContext';
import { servedCardTrigger } from '../../support/cardTriggerServed';
import { call } from '../../support/httpCall';

const SECRET = 'Bearer card-secret-7a41c0';
const CREDENTIALS = { infobipCardWebhookApi: { headerName: 'Authorization', headerValue: SECRET } };
const AUTH = { authorization: SECRET };
const UNAUTHORIZED = { error: 'unauthorized', message: 'Missing or wrong Authorization header' };

const node = new InfobipContextCardTrigger();

/** The query string Infobip renders from CARD_QUERY_STRING for a conversation (url_encode: spaces → +). */
const INFOBIP_QUERY =
	'?conversationId=3b0a7a3e-2d57-4c6c-9a49-1b2f8f0d7e11&agentId=agent-7&agentNumber=447860099299&channel=WHATSAPP' +
	'&customerDisplayName=Ana+Kova%C4%8D+%3Cb%3E&customerNumber=%2B385911234567&priority=HIGH&queueId=queue-support';
const INFOBIP_CONVERSATION = {
	agentNumber: '447860099299',
	agentId: 'agent-7',
	channel: 'WHATSAPP',
	conversationId: '3b0a7a3e-2d57-4c6c-9a49-1b2f8f0d7e11',
	customerDisplayName: 'Ana Kovač <b>',
	customerNumber: '+385911234567',
	priority: 'HIGH',
	queueId: 'queue-support',
};

describe('Infobip Context Card Trigger served like n8n does', () => {
	const servers: ServedTrigger[] = [];
	const start = async (method = 'GET', over: Partial<ServeTriggerOptions> = {}) => {
		const t = await serveTrigger({
			node: servedCardTrigger(method),
			parameters: { httpMethod: method },
			credentials: CREDENTIALS,
			nodeName: 'Card Request',
			...over,
		});
		servers.push(t);
		return t;
	};
	afterEach(async () => {
		await Promise.all(servers.splice(0).map((s) => s.close()));
	});

	describe('authentication: 401 before anything else, no execution', () => {
		it.each([
			['missing', {}],
			['wrong', { authorization: 'Bearer card-secret-7a41cX' }],
			['wrong length', { authorization: 'Bearer card-secret' }],
			['longer', { authorization: `${SECRET}0` }],
			['another case', { authorization: SECRET.toUpperCase() }],
			['right value in another header', { 'x-authorization': SECRET }],
			['right value as a cookie', { cookie: `authorization=${SECRET}` }],
		])('GET, %s header → 401', async (_name, headers) => {
			const t = await start();
			const r = await call(`${t.url}${INFOBIP_QUERY}`, 'GET', headers);
			expect(r.status).toBe(401);
			expect(r.json).toEqual(UNAUTHORIZED);
			expect(r.text).not.toContain(SECRET);
			expect(t.executions).toHaveLength(0);
			expect(t.db.saves).toBe(0);
		});

		it('POST with a wrong header → 401 even with a malformed or an oversized body', async () => {
			const t = await start('POST');
			const bad = { authorization: 'Bearer nope', 'content-type': 'application/json' };
			expect((await call(t.url, 'POST', bad, '{not json')).json).toEqual(UNAUTHORIZED);
			expect((await call(t.url, 'POST', bad, Buffer.alloc(MAX_BODY_BYTES * 2, 'x'))).status).toBe(401);
			expect((await call(t.url, 'POST', { 'content-type': 'application/json' }, '{"conversationId":"c-1"}')).status).toBe(401);
			expect(t.executions).toHaveLength(0);
		});

		it('uses the header name from the credential', async () => {
			const t = await start('GET', { credentials: { infobipCardWebhookApi: { headerName: 'X-Card-Token', headerValue: 'tok-123' } } });
			const wrongHeader = await call(`${t.url}?conversationId=c-1`, 'GET', { authorization: 'tok-123' });
			expect(wrongHeader.json).toEqual({ error: 'unauthorized', message: 'Missing or wrong X-Card-Token header' });
			const ok = await call(`${t.url}?conversationId=c-1`, 'GET', { 'x-card-token': 'tok-123', authorization: 'Basic something-else' });
			expect(ok.status).toBe(200);
			expect(t.executions).toHaveLength(1);
			// neither the secret header nor an Authorization header reaches the item
			const headers = t.executions[0].items[0].json.headers as IDataObject;
			expect(headers['x-card-token']).toBeUndefined();
			expect(headers.authorization).toBeUndefined();
		});

		it('503 when the selected credential cannot be loaded (nothing fetched; Infobip shows the card again later)', async () => {
			const t = await start('GET', { credentialsError: new Error('SQLITE_BUSY: database is locked') });
			const r = await call(`${t.url}?conversationId=c-1`, 'GET', AUTH);
			expect(r.status).toBe(503);
			expect(r.json).toEqual({
				error: 'credential_unavailable',
				message: 'The trigger could not load its Infobip Context Card Webhook credential right now; no card was made, please retry',
			});
			expect(t.executions).toHaveLength(0);
			expect(t.logs.join('\n')).toMatch(/error: Infobip Context Card Trigger: could not load the Infobip Context Card Webhook credential \(SQLITE_BUSY/);
		});

		it('500 "not configured" without a credential or without an Expected Value', async () => {
			const variants: Array<ServeTriggerOptions['credentials']> = [{}, { infobipCardWebhookApi: { headerName: 'Authorization', headerValue: '' } }];
			for (const credentials of variants) {
				const t = await start('GET', { credentials });
				const r = await call(`${t.url}?conversationId=c-1`, 'GET', { authorization: '' });
				expect(r.status).toBe(500);
				expect(r.json).toEqual({
					error: 'not_configured',
					message: 'The trigger has no Infobip Context Card Webhook credential with an Expected Value; no card was made',
				});
				expect(t.executions).toHaveLength(0);
				expect(t.logs.join('\n')).toMatch(/error: Infobip Context Card Trigger: no Infobip Context Card Webhook credential/);
			}
		});

		it('Authentication "None" accepts requests without a header, and the editor shows a warning', async () => {
			const t = await start('GET', { parameters: { httpMethod: 'GET', authentication: 'none' }, credentials: {} });
			const r = await call(`${t.url}?conversationId=c-1`, 'GET');
			expect(r.status).toBe(200);
			expect(t.executions).toHaveLength(1);
			const warning = node.description.properties.find((p) => p.name === 'noAuthWarning')!;
			expect(warning).toMatchObject({ type: 'notice', displayOptions: { show: { authentication: ['none'] } } });
			expect(warning.displayName).toMatch(/^Warning: without authentication anyone who learns this URL gets the card/);
			expect(node.description.credentials).toEqual([
				{ name: 'infobipCardWebhookApi', required: true, displayOptions: { show: { authentication: ['cardWebhookHeader'] } }, testedBy: 'infobipCardWebhookHeader' },
			]);
		});
	});

	describe('accepted requests: one execution with the conversation', () => {
		it('GET with the query string of the setup notice → the 8 variables, decoded', async () => {
			const t = await start();
			const r = await call(`${t.url}${INFOBIP_QUERY}`, 'GET', {
				...AUTH,
				cookie: 'n8n-auth=session',
				'proxy-authorization': 'Basic cHJveHk=',
				'user-agent': 'Infobip-Card/1.0',
				'x-request-id': 'req-1',
			});
			expect(r.status).toBe(200);
			expect(t.executions).toHaveLength(1);
			const { items } = t.executions[0];
			expect(items).toHaveLength(1);
			const json = items[0].json;
			expect(json).toEqual({
				conversationId: INFOBIP_CONVERSATION.conversationId,
				conversation: INFOBIP_CONVERSATION,
				method: 'GET',
				query: { ...INFOBIP_CONVERSATION },
				body: {},
				headers: expect.any(Object),
			});
			const headers = json.headers as IDataObject;
			expect(headers).toMatchObject({ 'user-agent': 'Infobip-Card/1.0', 'x-request-id': 'req-1', host: expect.any(String) });
			for (const hidden of ['authorization', 'cookie', 'proxy-authorization']) expect(headers[hidden]).toBeUndefined();
			expect(JSON.stringify(json)).not.toContain('card-secret');
			// Fetch Context Card's "From Input Item" reads exactly these values, no mapping needed
			expect(conversationFromItem(json)).toEqual(INFOBIP_CONVERSATION);
		});

		it('missing variables are empty strings; a repeated name gives the first value to the variable', async () => {
			const t = await start();
			await call(`${t.url}?conversationId=c-1&conversationId=c-2&foo=bar`, 'GET', AUTH);
			await call(t.url, 'GET', AUTH);
			const [first, second] = t.executions.map((e) => e.items[0].json);
			expect(first.conversation).toEqual({ ...Object.fromEntries(CARD_VARIABLES.map((k) => [k, ''])), conversationId: 'c-1' });
			expect(first.query).toEqual({ conversationId: ['c-1', 'c-2'], foo: 'bar' });
			expect(second).toMatchObject({ conversationId: '', query: {}, body: {} });
			expect(Object.values(second.conversation as IDataObject).every((v) => v === '')).toBe(true);
		});

		it('POST with a JSON body → variables from the body; a non-empty value in the URL wins', async () => {
			const t = await start('POST');
			const body = {
				conversationId: 'from-body',
				customerDisplayName: 'Ana',
				priority: 3,
				conversation: { queueId: 'q-nested', channel: 'SMS' },
				extra: { any: 'thing' },
			};
			const r = await call(`${t.url}?conversationId=from-url&channel=`, 'POST', { ...AUTH, 'content-type': 'application/json' }, JSON.stringify(body));
			expect(r.status).toBe(200);
			const json = t.executions[0].items[0].json;
			expect(json).toMatchObject({
				conversationId: 'from-url',
				method: 'POST',
				query: { conversationId: 'from-url', channel: '' },
				body,
			});
			expect(json.conversation).toEqual({
				agentNumber: '',
				agentId: '',
				channel: 'SMS',
				conversationId: 'from-url',
				customerDisplayName: 'Ana',
				customerNumber: '',
				priority: '3',
				queueId: 'q-nested',
			});
			expect((json.headers as IDataObject).authorization).toBeUndefined();
			expect((json.headers as IDataObject)['content-type']).toBe('application/json');
		});

		it('POST with a form body, and with a body that is not JSON (kept as text, the URL still works)', async () => {
			const t = await start('POST');
			await call(t.url, 'POST', { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' }, 'conversationId=c-form&customerNumber=%2B385+91');
			await call(`${t.url}?conversationId=c-url`, 'POST', { ...AUTH, 'content-type': 'application/json' }, '{"conversationId": broken');
			const [form, broken] = t.executions.map((e) => e.items[0].json);
			expect(form).toMatchObject({ conversationId: 'c-form', body: { conversationId: 'c-form', customerNumber: '+385 91' } });
			expect((form.conversation as IDataObject).customerNumber).toBe('+385 91');
			expect(broken).toMatchObject({ conversationId: 'c-url', body: '{"conversationId": broken' });
		});

		it.each(['PUT', 'PATCH', 'DELETE'])('%s works like POST', async (method) => {
			const t = await start(method);
			const r = await call(`${t.url}?agentId=a-1`, method, { ...AUTH, 'content-type': 'application/json' }, '{"conversationId":"c-9"}');
			expect(r.status).toBe(200);
			expect(t.executions[0].items[0].json).toMatchObject({ conversationId: 'c-9', method, conversation: { agentId: 'a-1', conversationId: 'c-9' } });
		});

		it(`a body larger than ${MAX_BODY_BYTES / 1024} KB → 413, no execution`, async () => {
			const t = await start('POST');
			const r = await call(t.url, 'POST', { ...AUTH, 'content-type': 'application/json' }, `{"x":"${'a'.repeat(MAX_BODY_BYTES)}"}`);
			expect(r.status).toBe(413);
			expect(r.json.error).toBe('payload_too_large');
			expect(t.executions).toHaveLength(0);
		});
	});
});

describe('the node description', () => {
	const nodeTypes = { getByName: () => node, getByNameAndVersion: () => node, getKnownTypes: () => ({}) } as unknown as INodeTypes;
	/** Evaluates a webhook description value the way n8n does (its expression engine over the node's parameters). */
	const evaluate = (parameters: IDataObject, value: unknown, fallback: unknown) => {
		const n: INode = { id: '1', name: 'Card Request', type: 'n8n-nodes-infobip-conversations.infobipContextCardTrigger', typeVersion: 1, position: [0, 0], parameters: parameters as INode['parameters'] };
		const workflow = new Workflow({ nodes: [n], connections: {}, active: false, nodeTypes });
		return workflow.expression.getSimpleParameterValue(workflow.getNode('Card Request')!, value as string, 'webhook', {}, undefined, fallback as string);
	};
	const webhook = node.description.webhooks![0];

	it('answers with the last node\'s card HTML as text/html (field "html" by default, or the option)', () => {
		expect(webhook).toMatchObject({
			name: 'default',
			path: 'card',
			responseMode: 'lastNode',
			responseData: 'firstEntryJson',
			responseContentType: 'text/html; charset=utf-8',
		});
		expect(evaluate({}, webhook.responsePropertyName, undefined)).toBe('html');
		expect(evaluate({ triggerOptions: { cardField: 'card.html' } }, webhook.responsePropertyName, undefined)).toBe('card.html');
	});

	it('listens on the Method parameter (GET by default), with the raw body left to the node', () => {
		expect(evaluate({}, webhook.httpMethod, 'GET')).toBe('GET');
		for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(evaluate({ httpMethod: method }, webhook.httpMethod, 'GET')).toBe(method);
		const methods = node.description.properties.find((p) => p.name === 'httpMethod')!;
		expect(methods.options!.map((o) => (o as { value: string }).value)).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
		expect(evaluate({}, '={{$parameter["options"]["binaryData"]}}', false)).toBe(true);
		expect(evaluate({ httpMethod: 'POST' }, node.description.subtitle, '')).toBe('Card request (POST)');
	});

	it('the setup notice shows where to paste what, with all 8 variables', () => {
		const notice = node.description.properties.find((p) => p.name === 'setupNotice')!.displayName;
		expect(notice).toContain('Conversations → Settings → Integrations → Custom cards');
		expect(notice).toContain('2. Webhook URL: this node\'s Production URL (under Webhook URLs above), followed by ?conversationId=');
		expect(notice).toContain('3. Authorization header: the Expected Value of this node\'s Infobip Context Card Webhook credential');
		// as HTML text (n8n decodes entities in notices), ending at a space so that it copies cleanly
		expect(notice).toContain(` ${CARD_QUERY_STRING.replace(/&/g, '&amp;')} `);
		expect(CARD_QUERY_STRING).toBe(
			'?conversationId={{conversation.conversationId | url_encode}}&agentId={{conversation.agentId | url_encode}}' +
				'&agentNumber={{conversation.agentNumber | url_encode}}&channel={{conversation.channel | url_encode}}' +
				'&customerDisplayName={{conversation.customerDisplayName | url_encode}}&customerNumber={{conversation.customerNumber | url_encode}}' +
				'&priority={{conversation.priority | url_encode}}&queueId={{conversation.queueId | url_encode}}',
		);
		expect([...CARD_VARIABLES].sort()).toEqual(['agentId', 'agentNumber', 'channel', 'conversationId', 'customerDisplayName', 'customerNumber', 'priority', 'queueId']);
	});

	it('the credential has the bot webhook credential\'s shape, with the card\'s setting named', () => {
		const card = new InfobipCardWebhookApi();
		const bot = new InfobipBotWebhookApi();
		expect(card.name).toBe('infobipCardWebhookApi');
		expect(card.displayName).toBe('Infobip Context Card Webhook API');
		const shape = (c: { properties: Array<{ name: string; type: string; default: unknown; typeOptions?: unknown; required?: boolean }> }) =>
			c.properties.map(({ name, type, default: d, typeOptions, required }) => ({ name, type, d, typeOptions, required }));
		expect(shape(card)).toEqual(shape(bot));
		expect(card.properties[0].displayName).toMatch(/"Authorization header" on the custom card in Conversations → Settings → Integrations → Custom cards/);
	});
});

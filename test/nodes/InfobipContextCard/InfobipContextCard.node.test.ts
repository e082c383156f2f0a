/**
 * The Fetch Context Card node end to end in the fake n8n context, against a real HTTP server on 127.0.0.1.
 */
import { NodeApiError, NodeOperationError, type IDataObject, type INodeExecutionData } from 'n8n-workflow';

import { InfobipContextCard } from '../../../nodes/InfobipContextCard/InfobipContextCard.node';
import { CACHE_STATIC_KEY } from '../../../nodes/InfobipContextCard/actions/fetchCard';
import { createExecuteContext, type FakeContext, type FakeContextOptions } from '../../support/n8nContext';
import { startTestServer, type TestServer } from '../../support/cardWebhookServer';

let server: TestServer;
beforeAll(async () => {
	server = await startTestServer();
});
afterAll(async () => {
	await server.close();
});
beforeEach(() => {
	server.requests.length = 0;
});

const triggerItem = {
	conversationId: 'conv-1',
	messageId: 'm-1',
	from: '385911111111',
	to: '447860099299',
	channel: 'WHATSAPP',
	text: 'hi',
	customerDisplayName: 'Jane Doe',
};

const ECHO_CARD = '<pre>{{ response | json }}</pre>';

function params(over: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		mode: 'fetch',
		method: 'GET',
		url: `${server.url}/echo/{{ conversation.conversationId }}`,
		authentication: 'none',
		conversationSource: 'inputItem',
		cardTemplate: ECHO_CARD,
		fallbackTemplate: '',
		options: {},
		...over,
	};
}

type Extra = Partial<FakeContextOptions>;

async function run(over: Record<string, unknown> = {}, extra: Extra = {}) {
	const ctx = createExecuteContext({ parameters: params(over), items: [{ json: triggerItem }], ...extra });
	const out = await new InfobipContextCard().execute.call(ctx);
	return { ctx, out: out[0], item: out[0][0] };
}

async function runError(over: Record<string, unknown> = {}, extra: Extra = {}) {
	const ctx = createExecuteContext({ parameters: params(over), items: [{ json: triggerItem }], ...extra });
	try {
		await new InfobipContextCard().execute.call(ctx);
	} catch (error) {
		return { ctx, error: error as NodeApiError };
	}
	throw new Error('expected the node to fail');
}

function echoed(item: INodeExecutionData) {
	return item.json.response as { method: string; url: string; headers: Record<string, string>; body: string };
}

function html(item: INodeExecutionData): string {
	return item.json.html as string;
}

describe('request', () => {
	it.each(['GET', 'DELETE'])('%s sends no body', async (method) => {
		const { item } = await run({ method });
		expect(echoed(item)).toMatchObject({ method, url: '/echo/conv-1', body: '' });
		expect(item.json.request).toEqual({ method, url: `${server.url}/echo/conv-1`, status: 200, durationMs: expect.any(Number), fromCache: false });
	});

	it.each(['POST', 'PUT', 'PATCH'])('%s sends the rendered JSON body', async (method) => {
		const { item } = await run({
			method,
			sendBody: true,
			bodyContentType: 'json',
			body: '{"conversationId": "{{ conversation.conversationId }}", "name": "{{ conversation.customerDisplayName }}"}',
		});
		const req = echoed(item);
		expect(req.method).toBe(method);
		expect(req.headers['content-type']).toBe('application/json');
		expect(JSON.parse(req.body)).toEqual({ conversationId: 'conv-1', name: 'Jane Doe' });
	});

	it('escapes values in a JSON body so a hostile name cannot break out of its string', async () => {
		const ctx = createExecuteContext({
			parameters: params({ method: 'POST', sendBody: true, bodyContentType: 'json', body: '{"name": "{{ conversation.customerDisplayName }}", "admin": false}' }),
			items: [{ json: { ...triggerItem, customerDisplayName: 'x", "admin": true, "y": "' } }],
		});
		const [[item]] = await new InfobipContextCard().execute.call(ctx);
		expect(JSON.parse(echoed(item).body)).toEqual({ name: 'x", "admin": true, "y": "', admin: false });
	});

	it('sends a text body with its content type', async () => {
		const { item } = await run({
			method: 'POST',
			sendBody: true,
			bodyContentType: 'text',
			textContentType: 'text/csv',
			body: 'id,name\n{{ conversation.conversationId }},{{ conversation.customerDisplayName }}',
		});
		expect(echoed(item).headers['content-type']).toBe('text/csv');
		expect(echoed(item).body).toBe('id,name\nconv-1,Jane Doe');
	});

	it('a body that does not render to JSON fails before any call, naming the Body template', async () => {
		const { error } = await runError({ method: 'POST', sendBody: true, bodyContentType: 'json', body: '{"n": {{ conversation.customerDisplayName }} }' });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/^Body template did not render to valid JSON/);
		expect(server.requests).toHaveLength(0);
	});

	it('substitutes the variables from the trigger item (from = customer, to = agent number)', async () => {
		const { item } = await run({
			url: `${server.url}/echo?c={{ conversation.customerNumber }}&a={{ conversation.agentNumber }}&ch={{ conversation.channel }}&q={{ conversation.queueId }}`,
		});
		expect(echoed(item).url).toBe('/echo?c=385911111111&a=447860099299&ch=WHATSAPP&q=');
		expect(item.json.conversation).toMatchObject({ customerNumber: '385911111111', agentNumber: '447860099299', queueId: '' });
	});

	it('Define Below takes the variables from the node fields (per item, like expressions)', async () => {
		const ctx = createExecuteContext({
			parameters: (i) => params({ conversationSource: 'define', conversationId: `def-${i}`, priority: 'URGENT', url: `${server.url}/echo/{{ conversation.conversationId }}/{{ conversation.priority }}` }),
			items: [{ json: {} }, { json: {} }],
		});
		const [out] = await new InfobipContextCard().execute.call(ctx);
		expect(out.map((o) => echoed(o).url)).toEqual(['/echo/def-0/URGENT', '/echo/def-1/URGENT']);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it.each([
		['../../admin?x=1#', '..%2F..%2Fadmin%3Fx%3D1%23'],
		['a/b', 'a%2Fb'],
		['<script>alert(1)</script>', '%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
		['Zoë 😀 O\'Brien', 'Zo%C3%AB%20%F0%9F%98%80%20O\'Brien'],
		['Jane\r\nX-Injected: yes', 'Jane%0D%0AX-Injected%3A%20yes'],
	])('display name %j reaches the server as one encoded path segment', async (name, encoded) => {
		const ctx = createExecuteContext({
			parameters: params({ url: `${server.url}/echo/customers/{{ conversation.customerDisplayName }}/card?x=1` }),
			items: [{ json: { ...triggerItem, customerDisplayName: name } }],
		});
		const [[item]] = await new InfobipContextCard().execute.call(ctx);
		expect(server.requests.map((r) => r.url)).toEqual([`/echo/customers/${encoded}/card?x=1`]);
		expect(echoed(item).headers['x-injected']).toBeUndefined();
	});

	it('a display name of ".." is refused before any call (it would move the request up a directory)', async () => {
		const ctx = createExecuteContext({
			parameters: params({ url: `${server.url}/echo/customers/{{ conversation.customerDisplayName }}/card` }),
			items: [{ json: { ...triggerItem, customerDisplayName: '..' } }],
		});
		await expect(new InfobipContextCard().execute.call(ctx)).rejects.toThrow(/path contains a "\.\." segment/);
		expect(server.requests).toHaveLength(0);
	});

	it('with "Encode Variables in URL" off, values go in as they are', async () => {
		const ctx = createExecuteContext({
			parameters: params({ url: `${server.url}/echo/{{ conversation.customerDisplayName }}`, options: { encodeUrlVariables: false } }),
			items: [{ json: { ...triggerItem, customerDisplayName: 'a/b' } }],
		});
		const [[item]] = await new InfobipContextCard().execute.call(ctx);
		expect(echoed(item).url).toBe('/echo/a/b');
	});

	it.each([
		['{{ conversation.customerDisplayName }}/x', /cannot come from a variable/],
		['http://{{ conversation.customerDisplayName }}/x', /spell out the scheme and host/],
		['file:///etc/passwd', /must use http or https/],
	])('host must come from the template: %s fails before any call', async (url, message) => {
		const { error } = await runError({ url });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(message);
		expect(error.description).toBe('Nothing was sent.');
		expect(server.requests).toHaveLength(0);
	});

	it('sends extra headers with variables, plus a default Accept', async () => {
		const { item } = await run({
			sendHeaders: true,
			headers: { header: [{ name: 'X-Conversation', value: '{{ conversation.conversationId }}' }, { name: 'X-Static', value: 'yes' }] },
		});
		expect(echoed(item).headers).toMatchObject({ 'x-conversation': 'conv-1', 'x-static': 'yes', accept: 'application/json, text/plain;q=0.9, */*;q=0.8' });
	});

	it('a header value with CR/LF after rendering fails before any call', async () => {
		const ctx = createExecuteContext({
			parameters: params({ sendHeaders: true, headers: { header: [{ name: 'X-Name', value: '{{ conversation.customerDisplayName }}' }] } }),
			items: [{ json: { ...triggerItem, customerDisplayName: 'Jane\r\nX-Evil: 1' } }],
		});
		await expect(new InfobipContextCard().execute.call(ctx)).rejects.toThrow('Header "X-Name" contains a line break after inserting the variables');
		expect(server.requests).toHaveLength(0);
	});
});

describe('template errors are reported before any call', () => {
	it.each([
		[{ cardTemplate: '<div>\n{{ conversation.foo }}</div>' }, /^Card template, line 2, column 4: unknown variable "conversation\.foo"/],
		[{ cardTemplate: '{% for x in response.items %}' }, /^Card template, line 1, column 1 has a Liquid syntax error: tag \{% for x in response\.items %\} not closed/],
		[{ fallbackTemplate: 'x {{ response.a }}' }, /^Fallback Card template, line 1, column 6: "response" is not available in the Fallback Card template/],
		[{ url: 'https://x.test/{{ conversation.customer }}' }, /^Webhook URL template, line 1, column 19: unknown variable "conversation\.customer"/],
		[{ sendHeaders: true, headers: { header: [{ name: 'X-A', value: '{{ conversation.queueId | bogus }}' }] } }, /^Header "X-A" template, line 1, column \d+ has a Liquid syntax error: undefined filter: bogus/],
		[{ method: 'POST', sendBody: true, bodyContentType: 'json', body: '{"a": "{{ request.url }}"}' }, /^Body template, line 1, column 11: "request" is not available in the Body template/],
	])('%j', async (over, message) => {
		const { error } = await runError(over);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(message);
		expect(error.context.itemIndex).toBe(0);
		expect(server.requests).toHaveLength(0);
	});
});

describe('card output', () => {
	it('renders the card, escaping HTML, and outputs it as JSON and as an HTML binary property', async () => {
		const ctx = createExecuteContext({
			parameters: params({
				cardTemplate: '<h3>{{ conversation.customerDisplayName }}</h3><p>{{ response.method }} {{ request.status }} {{ request.fromCache }}</p>',
				options: { binaryPropertyName: 'ctx' },
			}),
			items: [{ json: { ...triggerItem, customerDisplayName: '<script>alert(1)</script>' } }],
		});
		const [[item]] = await new InfobipContextCard().execute.call(ctx);
		expect(html(item)).toBe('<h3>&lt;script&gt;alert(1)&lt;/script&gt;</h3><p>GET 200 false</p>');
		expect(item.binary?.ctx).toMatchObject({ mimeType: 'text/html', fileName: 'ctx.html' });
		expect(Buffer.from(item.binary!.ctx.data, 'base64').toString('utf8')).toBe(html(item));
		expect(item.json.fallback).toBe(false);
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('text responses (Auto) and the Include Response option', async () => {
		const { item } = await run({ url: `${server.url}/text`, cardTemplate: '[{{ response }}]', options: { includeResponse: false } });
		expect(html(item)).toBe('[plain answer]');
		expect(item.json.response).toBeUndefined();
	});
});

describe('preview mode', () => {
	it('renders from the sample Response and Portal Data without calling anything', async () => {
		const { item } = await run({
			mode: 'preview',
			url: `${server.url}/echo/{{ conversation.conversationId }}`,
			sampleResponse: '{"issues":[{"key":"SUP-1","fields":{"summary":"Login <broken>"}}]}',
			portalData: '{"conversation":{"conversationId":"portal-7","customerDisplayName":"Ann"}}',
			cardTemplate: '{% assign i = response.issues[0] %}{{ i.key }}: {{ i.fields.summary }} for {{ conversation.customerDisplayName }} ({{ request.url }})',
		});
		expect(server.requests).toHaveLength(0);
		expect(html(item)).toBe(`SUP-1: Login &lt;broken&gt; for Ann (${server.url}/echo/portal-7)`);
		expect(item.json).toMatchObject({ preview: true, fallback: false, request: { status: 200, fromCache: false, durationMs: 0 } });
		expect(item.binary?.card.mimeType).toBe('text/html');
	});

	it('can preview the fallback card', async () => {
		const { item } = await run({
			mode: 'preview',
			sampleResponse: '{}',
			portalData: '{}',
			previewFallback: true,
			fallbackTemplate: 'unavailable ({{ error.status }} {{ error.code }})',
		});
		expect(html(item)).toBe('unavailable (503 HTTP_STATUS)');
		expect(item.json.fallback).toBe(true);
		expect(server.requests).toHaveLength(0);
	});

	it('needs no Webhook URL (optional in Preview, required in Fetch): request.url is then null', async () => {
		const { item } = await run({ mode: 'preview', url: '', sampleResponse: '{"a":1}', portalData: '{}', cardTemplate: '{{ response.a }} [{{ request.url }}]' });
		expect(html(item)).toBe('1 []');
		expect(item.json.request).toMatchObject({ url: null, status: 200 });
		expect(server.requests).toHaveLength(0);
		// one parameter for both modes, not required (n8n would refuse a Preview without it); Fetch checks it itself
		const urls = new InfobipContextCard().description.properties.filter((p) => p.name === 'url');
		expect(urls.map((p) => [p.displayOptions, p.required ?? false])).toEqual([[undefined, false]]);
		expect(urls[0].description).toMatch(/^Required in Fetch\. Optional in Preview/);
		const { error } = await runError({ mode: 'fetch', url: '   ' });
		expect(error.message).toMatch(/Webhook URL is empty/);
	});

	it('does not render Fetch\'s headers and body (it does not show them): stale ones from Fetch cannot fail a preview', async () => {
		const { item } = await run({
			mode: 'preview',
			method: 'POST',
			sampleResponse: '{}',
			portalData: '{}',
			sendHeaders: true,
			headers: { header: [{ name: 'X Bad Name', value: '{{ nope }}' }] },
			sendBody: true,
			bodyContentType: 'json',
			body: '{ not json {{ conversation.nope }}',
			cardTemplate: '{{ request.method }} ok',
		});
		expect(html(item)).toBe('POST ok');
		expect(server.requests).toHaveLength(0);
	});

	it('invalid sample JSON is a clear error', async () => {
		const { error } = await runError({ mode: 'preview', sampleResponse: '{nope', portalData: '{}' });
		expect(error.message).toMatch(/^"Sample Response" is not valid JSON/);
	});
});

describe('failed calls: fallback card or a clear error', () => {
	const fallbackTemplate = 'No data ({{ error.code }} {{ error.status }}): {{ error.message }} [{{ request.method }} {{ request.status }}]';

	it.each([
		[500, 'The webhook answered HTTP 500 Internal Server Error'],
		[404, 'The webhook answered HTTP 404 Not Found'],
	])('HTTP %s renders the fallback card', async (status, message) => {
		const { item } = await run({ url: `${server.url}/status/${status}`, fallbackTemplate });
		expect(html(item)).toBe(`No data (HTTP_STATUS ${status}): ${message} [GET ${status}]`);
		expect(item.json).toMatchObject({ fallback: true, error: { code: 'HTTP_STATUS', status, message } });
		expect(item.json.response).toBeUndefined();
	});

	it('without a fallback, fails with NodeApiError carrying the status', async () => {
		const { error } = await runError({ url: `${server.url}/status/503` });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('The webhook answered HTTP 503 Service Unavailable');
		expect(error.httpCode).toBe('503');
		expect(error.description).toContain(`GET ${server.url}/status/503`);
		expect(error.description).toContain('Add a Fallback Card');
	});

	it('redirects are not followed', async () => {
		const { item } = await run({ url: `${server.url}/redirect`, fallbackTemplate });
		expect(item.json.error).toMatchObject({ code: 'REDIRECT', status: 302 });
		expect(server.requests.map((r) => r.url)).toEqual(['/redirect']);
	});

	it('a timeout before the headers arrive', async () => {
		const { item } = await run({ url: `${server.url}/slow-headers?ms=3000`, fallbackTemplate, options: { timeout: 200 } });
		expect(item.json.error).toEqual({ code: 'TIMEOUT', status: null, message: 'The webhook did not answer completely within 200 ms' });
	});

	it('a timeout while the body is still dripping (the deadline covers the whole call)', async () => {
		const { error } = await runError({ url: `${server.url}/drip`, options: { timeout: 300 } });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('The webhook did not answer completely within 300 ms');
		expect(error.httpCode).toBeNull();
	});

	it('the deadline also holds when the call goes through httpRequestWithAuthentication (which drops our abort signal)', async () => {
		const { item } = await run(
			{ url: `${server.url}/drip`, fallbackTemplate, options: { timeout: 300 }, authentication: 'genericCredentialType', genericAuthType: 'httpHeaderAuth' },
			{ credentials: { httpHeaderAuth: { name: 'X-Api-Key', value: 'k-123456' } } },
		);
		expect(item.json.error).toMatchObject({ code: 'TIMEOUT' });
	});

	it('an execution cancelled by n8n stops the call (no fallback card)', async () => {
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 150);
		const { error } = await runError({ url: `${server.url}/drip`, fallbackTemplate, options: { timeout: 10_000 } }, { cancelSignal: controller.signal });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The execution was cancelled');
	});

	it('a large streamed response: reading stops past the limit and the connection is closed', async () => {
		const { item } = await run({ url: `${server.url}/big?bytes=${50 * 1024 * 1024}`, fallbackTemplate, options: { maxResponseKb: 64 } });
		expect(item.json.error).toEqual({ code: 'TOO_LARGE', status: null, message: 'The webhook response is larger than the limit of 65,536 bytes; reading stopped' });
		await new Promise((r) => setTimeout(r, 100));
		expect(server.big.closedEarly).toBe(true);
		expect(server.big.written).toBeLessThan(server.big.total / 4);
	});

	it('a Content-Length over the limit fails without reading the body', async () => {
		const { item } = await run({ url: `${server.url}/big?bytes=${2 * 1024 * 1024}&length=1`, fallbackTemplate, options: { maxResponseKb: 1024 } });
		expect(item.json.error).toMatchObject({ code: 'TOO_LARGE' });
	});

	it('a response under the limit is read fully', async () => {
		const { item } = await run({ url: `${server.url}/big?bytes=100000`, cardTemplate: '{{ response | size }}', options: { maxResponseKb: 1024 } });
		expect(html(item)).toBe('100000');
	});

	it('Response Format JSON: a non-JSON answer is a failure', async () => {
		const { item } = await run({ url: `${server.url}/html`, fallbackTemplate, options: { responseFormat: 'json' } });
		expect(item.json.error).toMatchObject({ code: 'INVALID_JSON', status: null });
		expect((item.json.error as IDataObject).message).toMatch(/^The webhook response is not valid JSON/);
	});

	it('an unreachable host is a NETWORK failure', async () => {
		const { item } = await run({ url: 'http://127.0.0.1:1/x', fallbackTemplate });
		expect(item.json.error).toMatchObject({ code: 'NETWORK', message: 'Could not reach http://127.0.0.1:1 (ECONNREFUSED)' });
	});

	it('Continue On Fail: one error item per failed item, pairedItem kept, other items still processed', async () => {
		const ctx = createExecuteContext({
			parameters: (i) => params({ url: i === 1 ? `${server.url}/status/500` : `${server.url}/echo/{{ conversation.conversationId }}` }),
			items: [{ json: triggerItem }, { json: triggerItem }, { json: triggerItem }],
			continueOnFail: true,
		});
		const [out] = await new InfobipContextCard().execute.call(ctx);
		expect(out).toHaveLength(3);
		// the error also rides at item level, so "Continue (using error output)" sends the item to the error output
		expect(out[1]).toEqual({
			json: { error: 'The webhook answered HTTP 500 Internal Server Error', description: expect.stringContaining('Fallback Card') },
			error: expect.objectContaining({ message: 'The webhook answered HTTP 500 Internal Server Error' }),
			pairedItem: { item: 1 },
		});
		expect(out[0].json.fallback).toBe(false);
		expect(out[2].pairedItem).toEqual({ item: 2 });
	});

	it('a fallback template error is reported as such', async () => {
		const { error } = await runError({ url: `${server.url}/status/500`, fallbackTemplate: '{{ error.message | divided_by: "x" | nope }}' });
		expect(error.message).toMatch(/^Fallback Card template, line 1/);
	});
});

describe('cache', () => {
	const cacheOpts = { cacheTtl: 60 };

	async function runWith(staticData: IDataObject, over: Record<string, unknown> = {}, item: IDataObject = triggerItem) {
		const ctx = createExecuteContext({ parameters: params({ options: cacheOpts, ...over }), items: [{ json: item }], staticData, mode: 'webhook' });
		const [[out]] = await new InfobipContextCard().execute.call(ctx);
		return out;
	}

	afterEach(() => jest.restoreAllMocks());

	it('miss, then hit (no second call), then expiry; the store lives in static data under a hashed key', async () => {
		const staticData: IDataObject = {};
		const first = await runWith(staticData);
		expect(first.json.request).toMatchObject({ fromCache: false, status: 200 });
		const second = await runWith(staticData);
		expect(second.json.request).toMatchObject({ fromCache: true, status: 200, durationMs: 0 });
		expect(second.json.response).toEqual(first.json.response);
		expect(server.hits('/echo')).toBe(1);
		const store = staticData[CACHE_STATIC_KEY] as IDataObject;
		expect(Object.keys(store)).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
		expect(JSON.stringify(Object.keys(store))).not.toContain('conv-1');

		const now = Date.now();
		jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
		const third = await runWith(staticData);
		expect(third.json.request).toMatchObject({ fromCache: false });
		expect(server.hits('/echo')).toBe(2);
	});

	it('another conversation is another key; failures are not cached; no cache without a TTL', async () => {
		const staticData: IDataObject = {};
		await runWith(staticData);
		await runWith(staticData, {}, { ...triggerItem, conversationId: 'conv-2' });
		expect(server.hits('/echo')).toBe(2);
		await runWith(staticData, { url: `${server.url}/status/500`, fallbackTemplate: 'x' });
		await runWith(staticData, { url: `${server.url}/status/500`, fallbackTemplate: 'x' });
		expect(server.hits('/status')).toBe(2);
		const noTtl: IDataObject = {};
		await runWith(noTtl, { options: {} });
		expect(noTtl).toEqual({});
	});

	it('respects Cache Max Entries', async () => {
		const staticData: IDataObject = {};
		for (const id of ['a', 'b', 'c']) await runWith(staticData, { options: { cacheTtl: 60, cacheMaxEntries: 2 } }, { ...triggerItem, conversationId: id });
		expect(Object.keys(staticData[CACHE_STATIC_KEY] as IDataObject)).toHaveLength(2);
	});
});

describe('authentication', () => {
	const SECRETS = {
		header: 'hdr-secret-9f8e7d',
		bearer: 'bearer-secret-1a2b3c',
		basic: 'basic-pass-4d5e6f',
		query: 'query-secret-7a8b9c',
		customHeader: 'custom-secret-0x0y0z',
		customQs: 'custom-qs-secret-5566',
		oauth: 'oauth-access-token-123abc',
		refresh: 'oauth-refresh-token-456def',
		clientSecret: 'oauth-client-secret-789',
		jira: 'jira-api-token-aa11bb22',
		hubspot: 'hubspot-oauth-token-cc33',
	};
	const credentials = {
		httpHeaderAuth: { name: 'X-Api-Key', value: SECRETS.header },
		httpBearerAuth: { token: SECRETS.bearer },
		httpBasicAuth: { user: 'card-user', password: SECRETS.basic },
		httpQueryAuth: { name: 'api_key', value: SECRETS.query },
		httpCustomAuth: { json: JSON.stringify({ headers: { 'X-Custom': SECRETS.customHeader }, qs: { token: SECRETS.customQs } }) },
		oAuth2Api: { clientSecret: SECRETS.clientSecret, oauthTokenData: { access_token: SECRETS.oauth, refresh_token: SECRETS.refresh } },
		jiraSoftwareCloudApi: { email: 'agent@example.com', apiToken: SECRETS.jira, domain: 'https://example.atlassian.net' },
		hubspotOAuth2Api: { oauthTokenData: { access_token: SECRETS.hubspot } },
	};
	// n8n's Jira Cloud credential: `authenticate: { type: 'generic', properties: { auth: { username: email, password: apiToken } } }`
	const authenticators = {
		jiraSoftwareCloudApi: (c: IDataObject, o: IDataObject) => ({ ...o, auth: { username: String(c.email), password: String(c.apiToken) } }),
	};

	function scan(ctx: FakeContext, ...values: unknown[]) {
		const all = JSON.stringify([
			ctx.logs,
			...values.map((v) => (v instanceof Error ? { m: v.message, d: (v as NodeApiError).description } : v)),
		]);
		const binaries = values
			.flatMap((v) => (Array.isArray(v) ? v : [v]))
			.flatMap((v) => Object.values((v as INodeExecutionData)?.binary ?? {}))
			.map((b) => Buffer.from(b.data, 'base64').toString('utf8'))
			.join('\n');
		for (const secret of Object.values(SECRETS)) {
			expect(all).not.toContain(secret);
			expect(binaries).not.toContain(secret);
			expect(all).not.toContain(Buffer.from(`card-user:${secret}`).toString('base64'));
		}
	}

	async function runAuth(authentication: string, typeParam: Record<string, string>, over: Record<string, unknown> = {}) {
		const ctx = createExecuteContext({
			parameters: params({ authentication, ...typeParam, url: `${server.url}/echo/{{ conversation.conversationId }}?x=1`, ...over }),
			items: [{ json: triggerItem }],
			credentials,
			authenticators: authenticators as never,
			node: { credentials: { [Object.values(typeParam)[0]]: { id: 'cred-7', name: 'My credential' } } },
		});
		const spies = {
			withAuth: jest.spyOn(ctx.helpers, 'httpRequestWithAuthentication'),
			plain: jest.spyOn(ctx.helpers, 'httpRequest'),
		};
		const [[item]] = await new InfobipContextCard().execute.call(ctx);
		scan(ctx, item, [item]);
		return { item, ctx, spies, req: server.requests[server.requests.length - 1] };
	}

	it('Header Auth through httpRequestWithAuthentication', async () => {
		const { req, spies, item } = await runAuth('genericCredentialType', { genericAuthType: 'httpHeaderAuth' });
		expect(req.headers['x-api-key']).toBe(SECRETS.header);
		expect(spies.withAuth).toHaveBeenCalledWith('httpHeaderAuth', expect.objectContaining({ encoding: 'stream', disableFollowRedirect: true }));
		expect(html(item)).toContain('[redacted]');
	});

	it('Bearer Auth through httpRequestWithAuthentication', async () => {
		const { req, spies } = await runAuth('genericCredentialType', { genericAuthType: 'httpBearerAuth' });
		expect(req.headers.authorization).toBe(`Bearer ${SECRETS.bearer}`);
		expect(spies.withAuth).toHaveBeenCalledWith('httpBearerAuth', expect.anything());
	});

	it('Basic Auth is applied by the node (n8n\'s type has no authenticate) and sent with httpRequest', async () => {
		const { req, spies } = await runAuth('genericCredentialType', { genericAuthType: 'httpBasicAuth' });
		expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`card-user:${SECRETS.basic}`).toString('base64')}`);
		expect(spies.withAuth).not.toHaveBeenCalled();
		expect(spies.plain).toHaveBeenCalledTimes(1);
	});

	it('Query Auth: the secret goes into the query, request.url is the URL before auth', async () => {
		const { req, item, spies } = await runAuth('genericCredentialType', { genericAuthType: 'httpQueryAuth' });
		expect(req.url).toBe(`/echo/conv-1?x=1&api_key=${SECRETS.query}`);
		expect((item.json.request as IDataObject).url).toBe(`${server.url}/echo/conv-1?x=1`);
		expect(spies.withAuth).not.toHaveBeenCalled();
	});

	it('Custom Auth: headers and query from the credential JSON', async () => {
		const { req } = await runAuth('genericCredentialType', { genericAuthType: 'httpCustomAuth' });
		expect(req.headers['x-custom']).toBe(SECRETS.customHeader);
		expect(req.url).toBe(`/echo/conv-1?x=1&token=${SECRETS.customQs}`);
	});

	it('OAuth2 (generic) through httpRequestWithAuthentication with OAuth2 options, a non-2xx left to throw (token refresh on 401)', async () => {
		const { req, spies } = await runAuth('genericCredentialType', { genericAuthType: 'oAuth2Api' });
		expect(req.headers.authorization).toBe(`Bearer ${SECRETS.oauth}`);
		expect(spies.withAuth).toHaveBeenCalledWith(
			'oAuth2Api',
			expect.objectContaining({ encoding: 'stream', disableFollowRedirect: true, ignoreHttpStatusErrors: false }),
			{ oauth2: { tokenType: 'Bearer' } },
		);
	});

	it('OAuth2: an endpoint answering 503 (thrown by n8n\'s OAuth2 path) is a status failure like any other, shown in the fallback card', async () => {
		const { item } = await runAuth('genericCredentialType', { genericAuthType: 'oAuth2Api' }, {
			url: `${server.url}/status/503`,
			fallbackTemplate: 'Unavailable: {{ error.status }} {{ error.code }}',
		});
		expect(item.json).toMatchObject({ fallback: true, request: { status: 503 } });
		expect(html(item)).toBe('Unavailable: 503 HTTP_STATUS');
	});

	it('predefined Jira Software Cloud API credential through httpRequestWithAuthentication', async () => {
		const { req, spies } = await runAuth('predefinedCredentialType', { nodeCredentialType: 'jiraSoftwareCloudApi' });
		expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`agent@example.com:${SECRETS.jira}`).toString('base64')}`);
		expect(spies.withAuth).toHaveBeenCalledWith('jiraSoftwareCloudApi', expect.anything());
	});

	it('predefined HubSpot OAuth2 credential through httpRequestWithAuthentication with HubSpot\'s OAuth2 options', async () => {
		const { req, spies } = await runAuth('predefinedCredentialType', { nodeCredentialType: 'hubspotOAuth2Api' });
		expect(req.headers.authorization).toBe(`Bearer ${SECRETS.hubspot}`);
		expect(spies.withAuth).toHaveBeenCalledWith('hubspotOAuth2Api', expect.anything(), { oauth2: { tokenType: 'Bearer', includeCredentialsOnRefreshOnBody: true } });
	});

	it('the cache key includes the credential: a second credential does not see the first one\'s cached response', async () => {
		const staticData: IDataObject = {};
		for (const genericAuthType of ['httpHeaderAuth', 'httpBearerAuth', 'httpHeaderAuth']) {
			const ctx = createExecuteContext({
				parameters: params({ authentication: 'genericCredentialType', genericAuthType, options: { cacheTtl: 60 } }),
				items: [{ json: triggerItem }],
				credentials,
				staticData,
			});
			await new InfobipContextCard().execute.call(ctx);
		}
		expect(server.hits('/echo')).toBe(2);
		expect(JSON.stringify(staticData)).not.toContain(SECRETS.header);
	});

	it('secrets echoed by the endpoint never reach outputs or errors, even in a fallback or failure', async () => {
		const ctx = createExecuteContext({
			parameters: params({
				authentication: 'genericCredentialType',
				genericAuthType: 'httpQueryAuth',
				url: `${server.url}/status/401`,
			}),
			items: [{ json: triggerItem }],
			credentials,
		});
		let caught: unknown;
		try {
			await new InfobipContextCard().execute.call(ctx);
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(NodeApiError);
		expect((caught as NodeApiError).httpCode).toBe('401');
		scan(ctx, caught);
	});

	it('an unsupported predefined type is refused clearly', async () => {
		const ctx = createExecuteContext({
			parameters: params({ authentication: 'predefinedCredentialType', nodeCredentialType: 'slackApi' }),
			items: [{ json: triggerItem }],
			credentials,
		});
		await expect(new InfobipContextCard().execute.call(ctx)).rejects.toThrow('Credential Type "slackApi" is not supported by this node');
		expect(server.requests).toHaveLength(0);
	});
});

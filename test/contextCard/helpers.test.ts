import { cacheGet, cacheKey, cachePut, pruneExpired, type CacheStore } from '../../nodes/InfobipContextCard/helpers/cache';
import { collectSecrets, Redactor, REDACTED } from '../../nodes/InfobipContextCard/helpers/redact';
import { checkRenderedUrl, templateOrigin, UrlRuleError } from '../../nodes/InfobipContextCard/helpers/urlSafety';
import {
	checkHeaderName,
	checkHeaderValue,
	checkJsonBody,
	conversationFromFields,
	conversationFromItem,
	conversationFromPortalData,
	ValidationError,
} from '../../nodes/InfobipContextCard/helpers/validation';
import { parseResponse } from '../../nodes/InfobipContextCard/helpers/response';

describe('host-from-template rule', () => {
	it.each([
		['https://jira.example.com/rest/api/2/search?jql={{ conversation.conversationId }}', 'https://jira.example.com'],
		['http://127.0.0.1:8080/x/{{ conversation.queueId }}', 'http://127.0.0.1:8080'],
		['https://api.example.com?id={{ conversation.conversationId }}', 'https://api.example.com'],
		['  https://api.example.com/static  ', 'https://api.example.com'],
		['HTTPS://API.Example.com:443/a', 'https://api.example.com'],
	])('accepts %s', (tpl, origin) => {
		expect(templateOrigin(tpl)).toBe(origin);
	});

	it.each([
		['{{ conversation.customerDisplayName }}', /cannot come from a variable/],
		['https://{{ conversation.queueId }}.example.com/', /spell out the scheme and host, followed by "\/"/],
		['https://api.example.com{{ conversation.queueId }}', /spell out the scheme and host/],
		['https://api.example.{% if x %}com{% endif %}/', /spell out the scheme and host/],
		['ftp://files.example.com/a', /must use http or https, not "ftp:"/],
		['javascript:alert(1)', /must use http or https/],
		['api.example.com/{{ conversation.queueId }}', /must start with http:\/\/ or https:\/\//],
		['https://user:pw@api.example.com/{{ conversation.queueId }}', /must not contain a user name or password/],
		['', /is empty/],
	])('rejects %j', (tpl, message) => {
		expect(() => templateOrigin(tpl)).toThrow(UrlRuleError);
		expect(() => templateOrigin(tpl)).toThrow(message);
	});

	it('checks the rendered URL: origin kept, no control characters, no dot segments', () => {
		const origin = 'https://api.example.com';
		expect(checkRenderedUrl('https://api.example.com/c/a%2Fb?q=1', origin)).toBe('https://api.example.com/c/a%2Fb?q=1');
		expect(() => checkRenderedUrl('https://api.example.com/c/a\r\nX: 1', origin)).toThrow(/contains a line break after inserting the variables/);
		expect(() => checkRenderedUrl('https://api.example.com/c/a\tb', origin)).toThrow(/contains a control character/);
		expect(checkRenderedUrl('https://api.example.com/search?jql=text ~ "conv-1"', origin)).toBe('https://api.example.com/search?jql=text%20~%20%22conv-1%22');
		expect(() => checkRenderedUrl('https://api.example.com.evil.test/x', origin)).toThrow(/changed the Webhook URL's host/);
		expect(() => checkRenderedUrl('https://api.example.com/cards/../admin', origin)).toThrow(/contains a "\.\." segment/);
		expect(() => checkRenderedUrl('https://api.example.com/cards/%2e%2E/admin', origin)).toThrow(/contains a "\.\." segment/);
		expect(() => checkRenderedUrl('https://api.example.com/cards/./x', origin)).toThrow(/contains a "\." segment/);
		expect(checkRenderedUrl('https://api.example.com/cards?name=..', origin)).toBe('https://api.example.com/cards?name=..');
	});
});

describe('response cache (static data)', () => {
	const limits = { maxEntries: 3, maxEntryChars: 100 };

	it('keys on method, URL, headers (case-insensitive order), body, credential and format', () => {
		const base = { method: 'GET', url: 'https://a/x', headers: { A: '1', b: '2' }, responseFormat: 'auto' };
		const k = cacheKey(base);
		expect(k).toMatch(/^[0-9a-f]{64}$/);
		expect(cacheKey({ ...base, headers: { b: '2', a: '1' } })).toBe(k);
		for (const change of [
			{ method: 'POST' },
			{ url: 'https://a/y' },
			{ headers: { A: '1', b: '3' } },
			{ body: '{}' },
			{ credentialType: 'httpHeaderAuth' },
			{ credentialType: 'httpHeaderAuth', credentialId: '2' },
			{ responseFormat: 'text' },
		]) {
			expect(cacheKey({ ...base, ...change })).not.toBe(k);
		}
	});

	it('hit before expiry, miss after; expired entries are removed', () => {
		const store: CacheStore = {};
		expect(cachePut(store, 'k', { status: 200, response: { a: 1 } }, 1000, 10_000, limits)).toBe(true);
		expect(cacheGet(store, 'k', 10_999)).toMatchObject({ status: 200, response: { a: 1 }, storedAt: 10_000, expiresAt: 11_000 });
		expect(cacheGet(store, 'k', 11_000)).toBeUndefined();
		expect(store).toEqual({});
	});

	it('evicts expired entries first, then the oldest, and skips large responses', () => {
		const store: CacheStore = {};
		cachePut(store, 'old', { status: 200, response: 1 }, 100, 0, limits);
		cachePut(store, 'a', { status: 200, response: 2 }, 10_000, 10, limits);
		cachePut(store, 'b', { status: 200, response: 3 }, 10_000, 20, limits);
		cachePut(store, 'c', { status: 200, response: 4 }, 10_000, 200, limits); // 'old' expired at 100
		expect(Object.keys(store).sort()).toEqual(['a', 'b', 'c']);
		cachePut(store, 'd', { status: 200, response: 5 }, 10_000, 300, limits); // full: evicts oldest 'a'
		expect(Object.keys(store).sort()).toEqual(['b', 'c', 'd']);
		expect(cachePut(store, 'e', { status: 200, response: 'x'.repeat(200) }, 10_000, 400, limits)).toBe(false);
		expect(store.e).toBeUndefined();
		expect(cachePut(store, 'f', { status: 200, response: 1 }, 0, 400, limits)).toBe(false);
		store.junk = 'not an entry' as never;
		pruneExpired(store, 500);
		expect(store.junk).toBeUndefined();
	});
});

describe('secret redaction', () => {
	const secret = 'sk_live_Secret/Value+1';
	const r = new Redactor([secret, 'abc']);

	it('redacts clear, URL-encoded, JSON-escaped and base64 (Basic) forms, ignores too-short values', () => {
		const basic = Buffer.from(`user@example.com:${secret}`).toString('base64');
		const text = `a ${secret} b ${encodeURIComponent(secret)} c Basic ${basic} d abc`;
		expect(r.text(text)).toBe(`a ${REDACTED} b ${REDACTED} c Basic ${REDACTED} d abc`);
		expect(r.deep({ list: [secret], [secret]: 1, n: 5 })).toEqual({ list: [REDACTED], [REDACTED]: 1, n: 5 });
	});

	it('collects secret fields, including nested OAuth2 token data', () => {
		expect(
			collectSecrets({ apiToken: 'tok-123456', email: 'a@b.c', oauthTokenData: { access_token: 'acc-123456', expires_in: 3600 } }, [
				'apiToken',
				'oauthTokenData.access_token',
				'missing',
			]),
		).toEqual(['tok-123456', 'acc-123456']);
	});
});

describe('conversation data', () => {
	it('reads the Infobip Conversations Trigger shape (from = customer, to = agent number)', () => {
		expect(
			conversationFromItem({ conversationId: 'c1', channel: 'WHATSAPP', from: '385911111111', to: '447860099299', text: 'hi', priority: 'HIGH' }),
		).toEqual({
			agentNumber: '447860099299',
			agentId: '',
			channel: 'WHATSAPP',
			conversationId: 'c1',
			customerDisplayName: '',
			customerNumber: '385911111111',
			priority: 'HIGH',
			queueId: '',
		});
	});

	it('a conversation object wins over top-level fields; non-scalars are ignored', () => {
		const vars = conversationFromItem({ conversationId: 'top', conversation: { conversationId: 'nested', queueId: 7, agentId: { x: 1 } } });
		expect(vars.conversationId).toBe('nested');
		expect(vars.queueId).toBe('7');
		expect(vars.agentId).toBe('');
	});

	it('Define Below fields and Portal Data', () => {
		expect(conversationFromFields({ conversationId: 'c2', priority: 'LOW' })).toMatchObject({ conversationId: 'c2', priority: 'LOW', channel: '' });
		expect(conversationFromPortalData('{"conversation":{"customerDisplayName":"Jane"}}').customerDisplayName).toBe('Jane');
		expect(conversationFromPortalData({ conversationId: 'flat' }).conversationId).toBe('flat');
		expect(() => conversationFromPortalData('{nope')).toThrow(/"Portal Data" is not valid JSON/);
		expect(() => conversationFromPortalData('[1]')).toThrow(ValidationError);
	});
});

describe('headers and bodies', () => {
	it('header names must be tokens and not hop-by-hop; values must be one line', () => {
		expect(() => checkHeaderName('X-Customer')).not.toThrow();
		expect(() => checkHeaderName('X Customer')).toThrow(/is not valid/);
		expect(() => checkHeaderName('Host')).toThrow(/cannot be overridden/);
		expect(() => checkHeaderValue('X-Name', 'Jane\r\nX-Evil: 1')).toThrow('Header "X-Name" contains a line break after inserting the variables');
		expect(() => checkHeaderValue('X-Name', 'Jane\tDoe')).not.toThrow();
	});

	it('JSON bodies must parse', () => {
		expect(checkJsonBody('{"a":1}')).toEqual({ a: 1 });
		expect(() => checkJsonBody('{"a": Jane}')).toThrow(/^Body template did not render to valid JSON/);
	});
});

describe('response formats', () => {
	const res = (text: string, contentType = '') => ({
		body: Buffer.from(text),
		headers: (contentType ? { 'content-type': contentType } : {}) as Record<string, string>,
	});
	it('auto: JSON when it is JSON, otherwise text', () => {
		expect(parseResponse(res('{"a":1}', 'application/json'), 'auto')).toEqual({ a: 1 });
		expect(parseResponse(res('[1]'), 'auto')).toEqual([1]);
		expect(parseResponse(res('42', 'text/plain'), 'auto')).toBe('42');
		expect(parseResponse(res('{broken', 'application/json'), 'auto')).toBe('{broken');
		expect(parseResponse(res(''), 'auto')).toBeNull();
	});
	it('json: not JSON is an INVALID_JSON failure; text: always text; charset honoured', () => {
		expect(() => parseResponse(res('<html>'), 'json')).toThrow(expect.objectContaining({ code: 'INVALID_JSON' }));
		expect(parseResponse(res('{"a":1}'), 'text')).toBe('{"a":1}');
		expect(parseResponse({ body: Buffer.from([0x5a, 0xe9]), headers: { 'content-type': 'text/plain; charset=iso-8859-1' } }, 'text')).toBe('Zé');
	});
});

/**
 * The stages of Fetch Context Card's item processing on their own, without n8n: build the request, Preview's
 * outcome, render the card and the output item. (The whole node, through the fake n8n context: ../InfobipContextCard.node.test.ts.)
 */
import { CardCallError } from '../../../../nodes/InfobipContextCard/helpers/errors';
import { Redactor } from '../../../../nodes/InfobipContextCard/helpers/redact';
import { TemplateError } from '../../../../nodes/InfobipContextCard/helpers/templating';
import { UrlRuleError } from '../../../../nodes/InfobipContextCard/helpers/urlSafety';
import { ValidationError } from '../../../../nodes/InfobipContextCard/helpers/validation';
import { previewOutcome, type Outcome } from '../../../../nodes/InfobipContextCard/actions/fetch';
import { readOptions, type CardParams } from '../../../../nodes/InfobipContextCard/actions/params';
import { cardJson, renderCard } from '../../../../nodes/InfobipContextCard/actions/render';
import { buildRequest, DEFAULT_ACCEPT } from '../../../../nodes/InfobipContextCard/actions/request';

const item = { conversationId: 'conv-1', from: '385911111111', customerDisplayName: 'Ana <b>' };

function params(over: Partial<CardParams> = {}): CardParams {
	return {
		mode: 'fetch',
		method: 'GET',
		urlTemplate: 'https://crm.example.com/c/{{ conversation.conversationId }}',
		conversation: { from: 'item', json: item },
		headers: [],
		cardTemplate: '<b>{{ response.name }}</b> {{ request.status }}',
		fallbackTemplate: '',
		options: readOptions({}),
		auth: { authentication: 'none', credentialType: '' },
		...over,
	};
}

const ok = (response: unknown, over: Partial<Outcome> = {}): Outcome => ({
	status: 200,
	durationMs: 12,
	fromCache: false,
	response,
	redactor: new Redactor([]),
	...over,
});

describe('read parameters: options', () => {
	it('clamps numbers to their ranges and falls back on defaults', () => {
		expect(readOptions({})).toEqual({
			responseFormat: 'auto',
			timeoutMs: 5000,
			maxBytes: 1024 * 1024,
			binaryName: 'card',
			includeResponse: true,
			cacheTtlMs: 0,
			cacheMaxEntries: 50,
			encodeUrlVariables: true,
			escapeJsonBody: true,
		});
		expect(readOptions({ timeout: 1, maxResponseKb: 1e9, cacheTtl: -5, cacheMaxEntries: 9999, binaryPropertyName: '  ' })).toMatchObject({
			timeoutMs: 100,
			maxBytes: 102_400 * 1024,
			cacheTtlMs: 0,
			cacheMaxEntries: 500,
			binaryName: 'card',
		});
	});
});

describe('build the request (pure)', () => {
	it('renders URL, headers and a JSON body with the conversation; adds Accept and Content-Type', () => {
		const built = buildRequest(
			params({
				method: 'POST',
				headers: [{ name: ' X-Conv ', value: '{{ conversation.conversationId }}' }, { name: '', value: 'ignored' }],
				body: { template: '{"name": "{{ conversation.customerDisplayName }}"}', json: true, contentType: 'application/json' },
			}),
		);
		expect(built.conversation).toMatchObject({ conversationId: 'conv-1', customerNumber: '385911111111' });
		expect(built.request).toEqual({
			method: 'POST',
			url: 'https://crm.example.com/c/conv-1',
			origin: 'https://crm.example.com',
			headers: { 'X-Conv': 'conv-1', Accept: DEFAULT_ACCEPT, 'Content-Type': 'application/json' },
			body: '{"name": "Ana <b>"}',
			jsonBody: true,
		});
		expect(built.templates.fallback).toBeUndefined();
	});

	it('keeps the user\'s own Accept and Content-Type', () => {
		const { request } = buildRequest(
			params({
				method: 'PUT',
				headers: [{ name: 'accept', value: 'text/csv' }, { name: 'content-type', value: 'text/x-mine' }],
				body: { template: 'a', json: false, contentType: 'text/plain' },
			}),
		);
		expect(request.headers).toEqual({ accept: 'text/csv', 'content-type': 'text/x-mine' });
	});

	it('Preview without a URL: no URL and no origin', () => {
		const { request } = buildRequest(params({ mode: 'preview', urlTemplate: '  ', conversation: { from: 'portalData', value: '{}' } }));
		expect(request).toMatchObject({ url: '', origin: '' });
	});

	it.each([
		['a URL whose host comes from a variable', { urlTemplate: '{{ conversation.channel }}/x' }, UrlRuleError],
		['an empty URL in Fetch', { urlTemplate: '' }, UrlRuleError],
		['a bad header name', { headers: [{ name: 'X Bad', value: '1' }] }, ValidationError],
		['an unknown variable in the card', { cardTemplate: '{{ conversation.nope }}' }, TemplateError],
		['a body that is not JSON', { method: 'POST' as const, body: { template: '{', json: true, contentType: 'application/json' } }, ValidationError],
		['Portal Data that is not JSON', { mode: 'preview' as const, conversation: { from: 'portalData' as const, value: '{nope' } }, ValidationError],
	])('refuses %s with its error type', (_what, over, type) => {
		expect(() => buildRequest(params(over))).toThrow(type);
	});

	it('checks every template before rendering any: a broken Fallback Card fails even though the URL renders', () => {
		expect(() => buildRequest(params({ fallbackTemplate: '{% if %}' }))).toThrow(/^Fallback Card template/);
	});
});

describe('Preview outcome (pure)', () => {
	it('is the sample as a 200, or a sample 503 for the Fallback Card', () => {
		expect(previewOutcome({ sampleResponse: '{"a":1}', previewFallback: false }, params())).toMatchObject({ status: 200, response: { a: 1 }, failure: undefined });
		const failed = previewOutcome({ sampleResponse: '{}', previewFallback: true }, params());
		expect(failed.failure).toMatchObject({ code: 'HTTP_STATUS', status: 503 });
		expect(() => previewOutcome({ sampleResponse: '{x', previewFallback: false }, params())).toThrow(ValidationError);
	});
});

describe('render the card and the item (pure)', () => {
	it('the card sees response, request and conversation; the item keeps the key order n8n shows', () => {
		const built = buildRequest(params());
		const card = renderCard(built, ok({ name: 'Ann' }));
		expect(card.html).toBe('<b>Ann</b> 200');
		const json = cardJson('fetch', true, built, ok({ name: 'Ann' }), card);
		expect(Object.keys(json)).toEqual(['html', 'fallback', 'request', 'conversation', 'response']);
		expect(json.request).toEqual({ method: 'GET', url: 'https://crm.example.com/c/conv-1', status: 200, durationMs: 12, fromCache: false });
		expect(Object.keys(cardJson('preview', false, built, ok({}), card))).toEqual(['html', 'fallback', 'request', 'conversation', 'preview']);
	});

	it('a failure renders the Fallback Card with error; secrets are redacted from card and item', () => {
		const built = buildRequest(params({ fallbackTemplate: 'down: {{ error.message }} ({{ error.code }} {{ request.status }})' }));
		const failure = new CardCallError('The webhook said token-secret-123 is wrong', 'HTTP_STATUS', 401);
		const outcome = ok(undefined, { status: 401, failure, redactor: new Redactor(['token-secret-123']) });
		const card = renderCard(built, outcome);
		expect(card.html).toBe('down: The webhook said [redacted] is wrong (HTTP_STATUS 401)');
		const json = cardJson('fetch', true, built, outcome, card);
		expect(json).toMatchObject({ fallback: true, error: { code: 'HTTP_STATUS', status: 401 } });
		expect(JSON.stringify(json)).not.toContain('token-secret-123');
	});

	it('Preview without a URL shows request.url as null', () => {
		const built = buildRequest(params({ mode: 'preview', urlTemplate: '', conversation: { from: 'portalData', value: '{}' }, cardTemplate: '[{{ request.url }}]' }));
		expect(renderCard(built, ok(null)).request.url).toBeNull();
	});
});

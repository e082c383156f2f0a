/**
 * Fetch Context Card's item processing: stage 2, build the request, without n8n: rendered URL, headers and body, and every check before any call.
 */
import { TemplateError } from '../../../../nodes/InfobipContextCard/helpers/templating';
import { UrlRuleError } from '../../../../nodes/InfobipContextCard/helpers/urlSafety';
import { ValidationError } from '../../../../nodes/InfobipContextCard/helpers/validation';
import { buildRequest, DEFAULT_ACCEPT } from '../../../../nodes/InfobipContextCard/actions/request';
import { cardParams } from '../../../support/cardStages';

describe('build the request (pure)', () => {
	it('renders URL, headers and a JSON body with the conversation; adds Accept and Content-Type', () => {
		const built = buildRequest(
			cardParams({
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
			cardParams({
				method: 'PUT',
				headers: [{ name: 'accept', value: 'text/csv' }, { name: 'content-type', value: 'text/x-mine' }],
				body: { template: 'a', json: false, contentType: 'text/plain' },
			}),
		);
		expect(request.headers).toEqual({ accept: 'text/csv', 'content-type': 'text/x-mine' });
	});

	it('Preview without a URL: no URL and no origin', () => {
		const { request } = buildRequest(cardParams({ mode: 'preview', urlTemplate: '  ', conversation: { from: 'portalData', value: '{}' } }));
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
		expect(() => buildRequest(cardParams(over))).toThrow(type);
	});

	it('checks every template before rendering any: a broken Fallback Card fails even though the URL renders', () => {
		expect(() => buildRequest(cardParams({ fallbackTemplate: '{% if %}' }))).toThrow(/^Fallback Card template/);
	});
});

/**
 * Fetch Context Card's item processing: stage 4, render the card and the output item, without n8n.
 */
import { CardCallError } from '../../../../nodes/InfobipContextCard/helpers/errors';
import { Redactor } from '../../../../nodes/InfobipContextCard/helpers/redact';
import { cardJson, renderCard } from '../../../../nodes/InfobipContextCard/actions/render';
import { buildRequest } from '../../../../nodes/InfobipContextCard/actions/request';
import { cardParams, okOutcome } from '../../../support/cardStages';

describe('render the card and the item (pure)', () => {
	it('the card sees response, request and conversation; the item keeps the key order n8n shows', () => {
		const built = buildRequest(cardParams());
		const card = renderCard(built, okOutcome({ name: 'Ann' }));
		expect(card.html).toBe('<b>Ann</b> 200');
		const json = cardJson('fetch', true, built, okOutcome({ name: 'Ann' }), card);
		expect(Object.keys(json)).toEqual(['html', 'fallback', 'request', 'conversation', 'response']);
		expect(json.request).toEqual({ method: 'GET', url: 'https://crm.example.com/c/conv-1', status: 200, durationMs: 12, fromCache: false });
		expect(Object.keys(cardJson('preview', false, built, okOutcome({}), card))).toEqual(['html', 'fallback', 'request', 'conversation', 'preview']);
	});

	it('a failure renders the Fallback Card with error; secrets are redacted from card and item', () => {
		const built = buildRequest(cardParams({ fallbackTemplate: 'down: {{ error.message }} ({{ error.code }} {{ request.status }})' }));
		const failure = new CardCallError('The webhook said token-secret-123 is wrong', 'HTTP_STATUS', 401);
		const outcome = okOutcome(undefined, { status: 401, failure, redactor: new Redactor(['token-secret-123']) });
		const card = renderCard(built, outcome);
		expect(card.html).toBe('down: The webhook said [redacted] is wrong (HTTP_STATUS 401)');
		const json = cardJson('fetch', true, built, outcome, card);
		expect(json).toMatchObject({ fallback: true, error: { code: 'HTTP_STATUS', status: 401 } });
		expect(JSON.stringify(json)).not.toContain('token-secret-123');
	});

	it('Preview without a URL shows request.url as null', () => {
		const built = buildRequest(cardParams({ mode: 'preview', urlTemplate: '', conversation: { from: 'portalData', value: '{}' }, cardTemplate: '[{{ request.url }}]' }));
		expect(renderCard(built, okOutcome(null)).request.url).toBeNull();
	});
});

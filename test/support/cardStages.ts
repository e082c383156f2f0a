/**
 * Fetch Context Card's stage inputs for tests of the stages without n8n (test/nodes/InfobipContextCard/actions/):
 * the parameters of a Fetch of https://crm.example.com for a trigger-like item, and a successful outcome.
 */
import { Redactor } from '../../nodes/InfobipContextCard/helpers/redact';
import type { Outcome } from '../../nodes/InfobipContextCard/actions/fetch';
import { readOptions, type CardParams } from '../../nodes/InfobipContextCard/actions/params';

export const CARD_ITEM = { conversationId: 'conv-1', from: '385911111111', customerDisplayName: 'Ana <b>' };

export function cardParams(over: Partial<CardParams> = {}): CardParams {
	return {
		mode: 'fetch',
		method: 'GET',
		urlTemplate: 'https://crm.example.com/c/{{ conversation.conversationId }}',
		conversation: { from: 'item', json: CARD_ITEM },
		headers: [],
		cardTemplate: '<b>{{ response.name }}</b> {{ request.status }}',
		fallbackTemplate: '',
		options: readOptions({}),
		auth: { authentication: 'none', credentialType: '' },
		...over,
	};
}

/** A 2xx call's outcome: the answer, 12 ms, not from the cache, nothing to redact. */
export function okOutcome(response: unknown, over: Partial<Outcome> = {}): Outcome {
	return { status: 200, durationMs: 12, fromCache: false, response, redactor: new Redactor([]), ...over };
}

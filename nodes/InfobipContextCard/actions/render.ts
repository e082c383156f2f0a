/**
 * Stage 4: the card, rendered from the answer (or the Fallback Card from the failure), and the output item's JSON.
 * Pure: template errors are TemplateError; secrets are redacted from the card and the item.
 */
import type { IDataObject } from 'n8n-workflow';

import type { CardCallError } from '../helpers/errors';
import { render } from '../helpers/templating';
import type { Outcome } from './fetch';
import type { Mode } from './params';
import type { BuiltCard, CardRequest } from './request';

/** What the templates see as `request`. */
export interface RequestScope {
	method: string;
	url: string | null;
	status: number | null;
	durationMs: number;
	fromCache: boolean;
}

export type ErrorScope = ReturnType<CardCallError['toScope']>;

export interface RenderedCard {
	html: string;
	request: RequestScope;
	/** the failure the Fallback Card shows */
	error?: ErrorScope;
}

export function requestScope(request: CardRequest, outcome: Outcome): RequestScope {
	const { status, durationMs, fromCache } = outcome;
	return { method: request.method, url: request.url || null, status, durationMs, fromCache };
}

/** The card, or the Fallback Card when the call failed (the caller makes sure there is one). */
export function renderCard(built: BuiltCard, outcome: Outcome): RenderedCard {
	const { conversation, templates } = built;
	const { failure, redactor } = outcome;
	const request = requestScope(built.request, outcome);
	if (failure && templates.fallback) {
		const error = redactor.deep(failure.toScope());
		const html = render(templates.fallback, { conversation, request, error }, 'Fallback Card');
		return { html: redactor.text(html), request, error };
	}
	const html = render(templates.card, { conversation, request, response: outcome.response }, 'Card');
	return { html: redactor.text(html), request };
}

/** The output item's JSON: the card, whether it is the fallback, the request, the conversation, and the answer. */
export function cardJson(mode: Mode, includeResponse: boolean, built: BuiltCard, outcome: Outcome, card: RenderedCard): IDataObject {
	const json: IDataObject = {
		html: card.html,
		fallback: !!outcome.failure,
		request: { ...card.request },
		conversation: { ...built.conversation },
	};
	if (mode === 'preview') json.preview = true;
	if (outcome.failure) json.error = card.error;
	else if (includeResponse) json.response = outcome.response as IDataObject;
	return outcome.redactor.deep(json);
}

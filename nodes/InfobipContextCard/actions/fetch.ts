/**
 * Stage 3: the answer the card is rendered from. Fetch calls the webhook (or takes a cached answer); Preview takes
 * its sample and calls nothing. A failed call is an outcome too (the Fallback Card shows it), except a cancelled
 * execution and errors that are not about the call.
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { toNodeError } from '../../shared/errors';
import { cacheGet, cacheKey, cachePut, DEFAULT_CACHE_LIMITS, type CacheStore } from '../helpers/cache';
import { CardCallError, statusError } from '../helpers/errors';
import { Redactor } from '../helpers/redact';
import { parseResponse } from '../helpers/response';
import { sampleResponse } from '../helpers/validation';
import { callWebhook, type WebhookResponse } from '../transport';
import { resolveAuth, type ResolvedAuth } from './auth';
import type { CardParams, PreviewParams } from './params';
import type { CardRequest } from './request';

export interface Outcome {
	status: number | null;
	durationMs: number;
	fromCache: boolean;
	/** the parsed (and redacted) answer, when the call succeeded */
	response?: unknown;
	failure?: CardCallError;
	/** hides the credential's secrets in everything the node outputs */
	redactor: Redactor;
}

/** Preview: the sample answer as a successful call, or a sample 503 for the Fallback Card. Pure. */
export function previewOutcome(preview: PreviewParams, params: CardParams): Outcome {
	const response = sampleResponse(preview.sampleResponse, params.options.responseFormat);
	const failure = preview.previewFallback
		? new CardCallError('Preview of the fallback card: the webhook answered HTTP 503 Service Unavailable', 'HTTP_STATUS', 503)
		: undefined;
	return { status: 200, durationMs: 0, fromCache: false, response, failure, redactor: new Redactor([]) };
}

/** A failed call as the card sees it; anything else fails the item. */
function callFailure(ctx: IExecuteFunctions, i: number, error: unknown): CardCallError {
	if (!(error instanceof CardCallError)) throw toNodeError(ctx.getNode(), error, i);
	if (error.code === 'CANCELLED') throw new NodeOperationError(ctx.getNode(), error.message, { itemIndex: i });
	return error;
}

async function call(
	ctx: IExecuteFunctions,
	auth: ResolvedAuth,
	params: CardParams,
	request: CardRequest,
): Promise<{ res: WebhookResponse } | { error: unknown }> {
	const { method, url, headers, body, jsonBody, origin } = request;
	const { timeoutMs, maxBytes } = params.options;
	try {
		return { res: await callWebhook.call(ctx, auth.spec, { method, url, headers, body, jsonBody, timeoutMs, maxBytes, origin }) };
	} catch (error) {
		return { error };
	}
}

/** The answer of a 2xx call, parsed by Response Format and redacted (an answer that is not the format is a failure). */
function parsed(res: WebhookResponse, params: CardParams, redactor: Redactor): { response: unknown } | { error: unknown } {
	try {
		return { response: redactor.deep(parseResponse(res, params.options.responseFormat)) };
	} catch (error) {
		return { error };
	}
}

/** Fetch: the cached answer, or the call. */
export async function fetchOutcome(ctx: IExecuteFunctions, i: number, params: CardParams, request: CardRequest, cache?: CacheStore): Promise<Outcome> {
	const auth = await resolveAuth(ctx, i, params.auth ?? { authentication: 'none', credentialType: '' });
	const redactor = new Redactor(auth.secrets);
	const { cacheTtlMs, cacheMaxEntries, responseFormat } = params.options;
	const { method, url, headers, body } = request;
	const key =
		cacheTtlMs > 0 && cache
			? cacheKey({ method, url, headers, body, credentialType: auth.credentialType, credentialId: auth.credentialId, responseFormat })
			: undefined;
	const hit = key && cache ? cacheGet(cache, key, Date.now()) : undefined;
	if (hit) return { status: hit.status, durationMs: 0, fromCache: true, response: hit.response, redactor };

	const done = await call(ctx, auth, params, request);
	if ('error' in done) return { status: null, durationMs: 0, fromCache: false, failure: callFailure(ctx, i, done.error), redactor };
	const { status, durationMs } = done.res;
	if (status < 200 || status >= 300) {
		return { status, durationMs, fromCache: false, failure: callFailure(ctx, i, statusError(status, done.res.headers.location)), redactor };
	}
	const answer = parsed(done.res, params, redactor);
	if ('error' in answer) return { status, durationMs, fromCache: false, failure: callFailure(ctx, i, answer.error), redactor };
	if (key && cache) {
		cachePut(cache, key, { status, response: answer.response }, cacheTtlMs, Date.now(), { ...DEFAULT_CACHE_LIMITS, maxEntries: cacheMaxEntries });
	}
	return { status, durationMs, fromCache: false, response: answer.response, redactor };
}

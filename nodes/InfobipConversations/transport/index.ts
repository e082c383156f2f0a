import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { toNodeError } from '../../shared/errors';
import { AMBIGUOUS_CODES, NOT_SENT_CODES, networkCode } from '../../shared/network';
import { hintForStatus, infobipErrorText } from '../helpers/errors';
import { pacerOf } from './pacer';
import { sleep } from './sleep';

export const CREDENTIAL_TYPE = 'infobipConversationsApi';
export const MAX_ATTEMPTS = 4;
export const BASE_DELAY_MS = 500;
export const MAX_RETRY_WAIT_MS = 30_000;
export const REQUEST_TIMEOUT_MS = 30_000;

type Ctx = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions;

export interface InfobipRequest {
	method: IHttpRequestMethods;
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	headers?: Record<string, string>;
	/** default: GET/PUT/PATCH/DELETE 'idempotent', POST 'onlyIfNotProcessed' */
	retry?: 'idempotent' | 'onlyIfNotProcessed';
	/** After an ambiguous failure of a non-idempotent call: find what we tried to create. */
	reconcile?: () => Promise<IDataObject | undefined>;
	/**
	 * Attempts for this call (default MAX_ATTEMPTS), for a call that matters more than most; the backoff starts
	 * over every MAX_ATTEMPTS attempts, so the waits stay as short as the default's.
	 */
	attempts?: number;
}

interface FullResponse {
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
}

/** Retry-After in seconds or as an HTTP date, capped. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (!value) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.min(Math.max(0, seconds * 1000), MAX_RETRY_WAIT_MS);
	const date = Date.parse(value);
	if (Number.isFinite(date)) return Math.min(Math.max(0, date - now), MAX_RETRY_WAIT_MS);
	return undefined;
}

export function backoffMs(attempt: number, random = Math.random): number {
	const cap = Math.min(MAX_RETRY_WAIT_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
	return Math.round(random() * cap);
}

function apiError(ctx: Ctx, status: number, body: unknown, req: InfobipRequest, attempts: number): NodeApiError {
	const { text, messageId, validation } = infobipErrorText(body);
	const base = text ? `Infobip: ${text}` : `Infobip answered HTTP ${status}`;
	const message = status === 429 ? `${base} (rate limited after ${attempts} attempts)` : base;
	const description = [
		`${req.method} ${req.path} → ${status}${messageId ? ` ${messageId}` : ''}`,
		validation ? `Invalid fields: ${validation}` : '',
		hintForStatus(status),
	]
		.filter(Boolean)
		.join('\n');
	return new NodeApiError(ctx.getNode(), { message, status, messageId: messageId ?? null } as JsonObject, {
		message,
		description,
		httpCode: String(status),
	});
}

function networkError(ctx: Ctx, code: string | undefined, req: InfobipRequest): NodeApiError {
	const message = `Could not reach Infobip (${code ?? 'network error'}) for ${req.method} ${req.path}`;
	return new NodeApiError(ctx.getNode(), { message, code: code ?? null } as JsonObject, {
		message,
		description: 'Check the base URL in the "Infobip Conversations API" credential and the network/proxy settings of n8n.',
	});
}

/**
 * The one way this package calls the Conversations API.
 * Status codes are handled here (ignoreHttpStatusErrors), so retries and error messages are ours:
 * 429 is always retried (the server refused it, nothing happened) honouring Retry-After;
 * 5xx, timeouts and resets are retried only for idempotent calls; a non-idempotent call (Send)
 * is retried after an ambiguous failure only when `reconcile` proves nothing was created.
 */
export async function infobipApiRequest(this: Ctx, req: InfobipRequest): Promise<IDataObject> {
	return (await infobipApiRequestWithHeaders.call(this, req)).body;
}

export interface InfobipResponse {
	body: IDataObject;
	/** Response headers, lower-case names (empty when a reconcile lookup answered instead). */
	headers: Record<string, string | string[] | undefined>;
}

/** Like infobipApiRequest, and also gives the response headers (e.g. `date` for the server's clock). */
export async function infobipApiRequestWithHeaders(this: Ctx, req: InfobipRequest): Promise<InfobipResponse> {
	const idempotent = (req.retry ?? (req.method === 'POST' ? 'onlyIfNotProcessed' : 'idempotent')) === 'idempotent';
	const options: IHttpRequestOptions = {
		method: req.method,
		url: req.path,
		qs: req.qs,
		// list filters such as queueIds are repeated (queueIds=a&queueIds=b), as the API documents them
		arrayFormat: 'repeat',
		body: req.body,
		headers: req.headers,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: REQUEST_TIMEOUT_MS,
	};
	let lastStatus = 0;
	let lastBody: unknown;
	const pacer = pacerOf(this);
	const maxAttempts = Math.max(1, req.attempts ?? MAX_ATTEMPTS);
	const backoff = (attempt: number) => backoffMs(((attempt - 1) % MAX_ATTEMPTS) + 1);
	for (let attempt = 1; attempt <= maxAttempts; attempt++) {
		let response: FullResponse;
		// "Max Requests per Second": every attempt waits for its start slot
		if (pacer) await pacer.take();
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_TYPE,
				{ ...options },
			)) as FullResponse;
		} catch (error) {
			if (error instanceof NodeOperationError) throw toNodeError(this.getNode(), error);
			const code = networkCode(error);
			const notSent = code !== undefined && NOT_SENT_CODES.has(code);
			const ambiguous = !notSent && (code === undefined || AMBIGUOUS_CODES.has(code));
			if (attempt < maxAttempts && (notSent || (ambiguous && idempotent))) {
				await sleep(backoff(attempt));
				continue;
			}
			if (attempt < maxAttempts && ambiguous && req.reconcile) {
				const found = await req.reconcile();
				if (found) return { body: found, headers: {} };
				await sleep(backoff(attempt));
				continue;
			}
			throw networkError(this, code, req);
		}
		const { statusCode, body } = response;
		if (statusCode >= 200 && statusCode < 300) {
			return { body: body && typeof body === 'object' ? (body as IDataObject) : {}, headers: response.headers ?? {} };
		}
		lastStatus = statusCode;
		lastBody = body;
		if (attempt < maxAttempts && statusCode === 429) {
			await sleep(retryAfterMs(response.headers?.['retry-after']) ?? backoff(attempt));
			continue;
		}
		// 501 Not Implemented is an answer about the method, not a passing failure: never retried
		if (attempt < maxAttempts && statusCode >= 500 && statusCode !== 501) {
			if (idempotent) {
				await sleep(backoff(attempt));
				continue;
			}
			if (req.reconcile) {
				const found = await req.reconcile();
				if (found) return { body: found, headers: {} };
				await sleep(backoff(attempt));
				continue;
			}
		}
		throw apiError(this, statusCode, body, req, attempt);
	}
	throw apiError(this, lastStatus, lastBody, req, maxAttempts);
}

/** Streams a paged list endpoint page by page (0-based `page`, `limit` up to 999). */
export async function* infobipPaginate(
	this: Ctx,
	path: string,
	qs: IDataObject,
	itemsKey: string,
	options: { pageSize?: number; limit?: number } = {},
): AsyncGenerator<IDataObject[]> {
	const pageSize = Math.min(999, Math.max(1, options.pageSize ?? 100));
	let remaining = options.limit ?? Infinity;
	for (let page = 0; remaining > 0; page++) {
		const size = Math.min(pageSize, remaining);
		const body = await infobipApiRequest.call(this, { method: 'GET', path, qs: { ...qs, page, limit: size } });
		const items = (body[itemsKey] as IDataObject[] | undefined) ?? [];
		const chunk = items.slice(0, Math.min(items.length, remaining));
		if (chunk.length) yield chunk;
		remaining -= chunk.length;
		const total = (body.pagination as IDataObject | undefined)?.totalItems as number | undefined;
		if (items.length < size || (total !== undefined && (page + 1) * size >= total)) break;
	}
}

export async function getAll(
	this: Ctx,
	path: string,
	qs: IDataObject,
	itemsKey: string,
	limit?: number,
): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	for await (const chunk of infobipPaginate.call(this, path, qs, itemsKey, { limit, pageSize: limit && limit < 100 ? limit : 100 })) {
		out.push(...chunk);
	}
	return out;
}

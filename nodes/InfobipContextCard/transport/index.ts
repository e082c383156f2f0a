/**
 * The one place the Fetch Context Card node calls out. It
 * - sends through n8n's helpers, so n8n's proxy settings, SSRF protection and credential handling apply:
 *   `httpRequest` (no credential, or Basic/Query/Custom Auth applied here because n8n's generic types have no
 *   `authenticate`), `httpRequestWithAuthentication` (Header/Bearer Auth and predefined API-key types),
 *   and for OAuth2 types too (n8n routes them to its OAuth2 helper, which refreshes an expired token on a 401: so
 *   for OAuth2 a non-2xx answer is let throw and its status read from the error);
 * - never follows redirects (credentials must not travel to another address);
 * - reads the body as a stream and stops as soon as it passes the size limit;
 * - enforces one deadline over the whole call, body included (axios' own timeout is only an idle timeout, and
 *   httpRequestWithAuthentication replaces any abort signal we pass).
 */
import {
	NodeOperationError,
	jsonParse,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type IOAuth2Options,
} from 'n8n-workflow';

import { CardCallError, networkCode, networkError, timeoutError, tooLargeError } from '../helpers/errors';

export type AuthSpec =
	| { kind: 'none' }
	/** credential types with an `authenticate` definition */
	| { kind: 'n8n'; type: string }
	/** generic OAuth2 and types extending oAuth2Api */
	| { kind: 'oauth2'; type: string; options?: IOAuth2Options }
	/** n8n's generic types without `authenticate`, applied here */
	| { kind: 'manual'; type: 'httpBasicAuth' | 'httpQueryAuth' | 'httpCustomAuth'; creds: ICredentialDataDecryptedObject };

export interface WebhookCall {
	method: IHttpRequestMethods;
	url: string;
	headers: Record<string, string>;
	body?: string;
	/** whether `body` is JSON (Custom Auth body fields are merged into it) */
	jsonBody?: boolean;
	timeoutMs: number;
	maxBytes: number;
	/** for messages only */
	origin: string;
}

export interface WebhookResponse {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
	durationMs: number;
}

/** A response body stream as n8n's helpers return it (`encoding: 'stream'`): Node's Readable, described here. */
interface BodyStream {
	on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
	on(event: string, listener: (...args: never[]) => void): unknown;
	once(event: string, listener: (...args: never[]) => void): unknown;
	off(event: string, listener: (...args: never[]) => void): unknown;
	resume(): unknown;
	destroy(error?: Error): unknown;
}

interface RawResponse {
	body: unknown;
	headers?: Record<string, unknown>;
	statusCode: number;
}

function isStream(value: unknown): value is BodyStream {
	return !!value && typeof (value as BodyStream).on === 'function' && typeof (value as BodyStream).destroy === 'function';
}

function discard(body: unknown): void {
	if (isStream(body)) body.destroy();
}

function flatHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	if (!headers) return out;
	const source = typeof (headers as { toJSON?: () => unknown }).toJSON === 'function' ? ((headers as { toJSON: () => Record<string, unknown> }).toJSON()) : headers;
	for (const [k, v] of Object.entries(source)) {
		if (v === undefined || v === null) continue;
		out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
	}
	return out;
}

/** Reads a body up to `maxBytes`; past it, stops reading and closes the connection. */
export function readLimited(body: unknown, maxBytes: number, signal: AbortSignal, onAbort: () => CardCallError): Promise<Buffer> {
	if (body === undefined || body === null) return Promise.resolve(Buffer.alloc(0));
	if (!isStream(body)) {
		const buf = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
		return buf.length > maxBytes ? Promise.reject(tooLargeError(maxBytes)) : Promise.resolve(buf);
	}
	return new Promise<Buffer>((resolve, reject) => {
		const chunks: Buffer[] = [];
		let total = 0;
		let done = false;
		const finish = (error?: Error) => {
			if (done) return;
			done = true;
			body.off('data', onData);
			body.off('end', onEnd);
			body.off('error', onError);
			body.off('close', onClose);
			signal.removeEventListener('abort', onSignal);
			if (error) {
				body.destroy();
				reject(error);
			} else {
				resolve(Buffer.concat(chunks, total));
			}
		};
		const onData = (chunk: Buffer | string) => {
			const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
			total += buf.length;
			if (total > maxBytes) return finish(tooLargeError(maxBytes));
			chunks.push(buf);
		};
		const onEnd = () => finish();
		const onError = (error: Error) => finish(signal.aborted ? onAbort() : new CardCallError(`The connection broke while reading the response (${networkCode(error) ?? 'stream error'})`, 'NETWORK'));
		const onClose = () => finish(signal.aborted ? onAbort() : new CardCallError('The connection closed before the response was complete', 'NETWORK'));
		const onSignal = () => finish(onAbort());
		if (signal.aborted) return finish(onAbort());
		body.on('data', onData);
		body.once('end', onEnd);
		body.once('error', onError);
		body.once('close', onClose);
		signal.addEventListener('abort', onSignal, { once: true });
		body.resume();
	});
}

/** Resolves with the call, or rejects when the signal fires first (then discards the late response). */
function raceSignal<T extends RawResponse>(call: Promise<T>, signal: AbortSignal, onAbort: () => CardCallError): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const onSignal = () => {
			reject(onAbort());
			call.then((late) => discard(late?.body), () => undefined);
		};
		if (signal.aborted) return onSignal();
		signal.addEventListener('abort', onSignal, { once: true });
		call.then(
			(response) => {
				signal.removeEventListener('abort', onSignal);
				if (signal.aborted) discard(response?.body);
				else resolve(response);
			},
			(error) => {
				signal.removeEventListener('abort', onSignal);
				reject(error);
			},
		);
	});
}

function applyManual(ctx: IExecuteFunctions, auth: Extract<AuthSpec, { kind: 'manual' }>, options: IHttpRequestOptions, call: WebhookCall): void {
	const creds = auth.creds;
	if (auth.type === 'httpBasicAuth') {
		options.auth = { username: String(creds.user ?? ''), password: String(creds.password ?? '') };
		return;
	}
	if (auth.type === 'httpQueryAuth') {
		options.qs = { ...(options.qs ?? {}), [String(creds.name ?? '')]: String(creds.value ?? '') };
		return;
	}
	const custom = jsonParse<{ headers?: IDataObject; qs?: IDataObject; body?: IDataObject }>(String(creds.json || '{}'), {
		errorMessage: 'The Custom Auth credential does not contain valid JSON',
	});
	if (custom.headers) options.headers = { ...(options.headers ?? {}), ...(custom.headers as Record<string, string>) };
	if (custom.qs) options.qs = { ...(options.qs ?? {}), ...custom.qs };
	if (custom.body && Object.keys(custom.body).length) {
		let base: IDataObject = {};
		if (call.body !== undefined) {
			const parsed = call.jsonBody ? (JSON.parse(call.body) as unknown) : undefined;
			if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
				throw new NodeOperationError(
					ctx.getNode(),
					'The Custom Auth credential adds body fields, which needs a JSON object body: set "Body Content Type" to JSON with an object template',
				);
			}
			base = parsed as IDataObject;
		} else if (call.method === 'GET' || call.method === 'DELETE') {
			throw new NodeOperationError(ctx.getNode(), `The Custom Auth credential adds body fields, which a ${call.method} request cannot carry`);
		}
		options.body = JSON.stringify({ ...base, ...custom.body });
		options.headers = { 'Content-Type': 'application/json', ...(options.headers ?? {}) };
	}
}

/** The HTTP status of an error n8n's request helpers threw for a non-2xx answer (NodeApiError or axios-like). */
function statusOfError(error: unknown): number | undefined {
	const e = error as { httpCode?: unknown; response?: { status?: unknown }; cause?: { response?: { status?: unknown } } } | undefined;
	const status = Number(e?.httpCode ?? e?.response?.status ?? e?.cause?.response?.status);
	return Number.isInteger(status) && status >= 300 && status < 600 ? status : undefined;
}

async function send(ctx: IExecuteFunctions, auth: AuthSpec, call: WebhookCall, signal: AbortSignal): Promise<RawResponse> {
	const options: IHttpRequestOptions = {
		method: call.method,
		url: call.url,
		headers: { ...call.headers },
		body: call.body,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		timeout: call.timeoutMs,
		abortSignal: signal,
	};
	if (auth.kind === 'oauth2') {
		// n8n routes OAuth2 credential types to its OAuth2 helper, which refreshes an expired token only when the
		// request fails with 401: so here a non-2xx answer must throw, and its status is read from the error.
		let response: RawResponse | undefined;
		let failure: unknown;
		try {
			response = (await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				auth.type,
				{ ...options, ignoreHttpStatusErrors: false },
				{ oauth2: auth.options },
			)) as RawResponse;
		} catch (error) {
			failure = error;
		}
		if (response) return response;
		const status = statusOfError(failure);
		if (status !== undefined) return { statusCode: status, headers: {}, body: undefined };
		throw failure;
	}
	if (auth.kind === 'n8n') {
		return (await ctx.helpers.httpRequestWithAuthentication.call(ctx, auth.type, options)) as RawResponse;
	}
	if (auth.kind === 'manual') applyManual(ctx, auth, options, call);
	return (await ctx.helpers.httpRequest(options)) as RawResponse;
}

/** Calls the webhook. Failures of the call itself are CardCallError; any HTTP status is returned. */
export async function callWebhook(this: IExecuteFunctions, auth: AuthSpec, call: WebhookCall): Promise<WebhookResponse> {
	const started = performance.now();
	// one deadline over the whole call, and the execution's cancel signal
	const deadline = AbortSignal.timeout(call.timeoutMs);
	const cancel = typeof this.getExecutionCancelSignal === 'function' ? this.getExecutionCancelSignal() : undefined;
	const signal = cancel ? AbortSignal.any([deadline, cancel]) : deadline;
	const onAbort = () => (deadline.aborted ? timeoutError(call.timeoutMs) : new CardCallError('The execution was cancelled', 'CANCELLED'));
	let raw: RawResponse | undefined;
	let failure: unknown;
	try {
		raw = await raceSignal(send(this, auth, call, signal), signal, onAbort);
	} catch (error) {
		failure = error;
	}
	if (!raw) throw callFailure(failure, signal, onAbort, call);
	const headers = flatHeaders(raw.headers);
	const status = Number(raw.statusCode);
	if (status < 200 || status >= 300) {
		discard(raw.body);
		return { status, headers, body: Buffer.alloc(0), durationMs: Math.round(performance.now() - started) };
	}
	const length = Number(headers['content-length']);
	if (Number.isFinite(length) && length > call.maxBytes) {
		discard(raw.body);
		throw tooLargeError(call.maxBytes);
	}
	const body = await readLimited(raw.body, call.maxBytes, signal, onAbort);
	return { status, headers, body, durationMs: Math.round(performance.now() - started) };
}

/** What a failed call is to the node: the deadline, a cancellation, or a network failure named by its code. */
function callFailure(error: unknown, signal: AbortSignal, onAbort: () => CardCallError, call: WebhookCall): Error {
	if (error instanceof CardCallError || error instanceof NodeOperationError) return error;
	if (signal.aborted) return onAbort();
	const code = networkCode(error);
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED') return timeoutError(call.timeoutMs);
	return networkError(call.origin, code);
}

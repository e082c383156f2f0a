/**
 * The one place the Fetch Context Card node calls out. It
 * - sends through n8n's helpers, so n8n's proxy settings, SSRF protection and credential handling apply:
 *   `httpRequest` (no credential, or Basic/Query/Custom Auth applied here because n8n's generic types have no
 *   `authenticate`), `httpRequestWithAuthentication` (Header/Bearer Auth and predefined API-key types),
 *   `requestOAuth2` (OAuth2: the only helper that signs generic oAuth2Api and refreshes expired tokens while
 *   still returning non-2xx statuses, in n8n 1.x and 2.x);
 * - never follows redirects (credentials must not travel to another address);
 * - reads the body as a stream and stops as soon as it passes the size limit;
 * - enforces one deadline over the whole call, body included (axios' own timeout is only an idle timeout, and
 *   httpRequestWithAuthentication replaces any abort signal we pass).
 */
import type { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';

import {
	NodeOperationError,
	jsonParse,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type IOAuth2Options,
	type IRequestOptions,
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

interface RawResponse {
	body: unknown;
	headers?: Record<string, unknown>;
	statusCode: number;
}

function isStream(value: unknown): value is Readable {
	return !!value && typeof (value as Readable).on === 'function' && typeof (value as Readable).destroy === 'function';
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

async function send(ctx: IExecuteFunctions, auth: AuthSpec, call: WebhookCall, signal: AbortSignal): Promise<RawResponse> {
	if (auth.kind === 'oauth2') {
		const legacy: IRequestOptions = {
			method: call.method,
			uri: call.url,
			headers: { ...call.headers },
			body: call.body,
			json: false,
			useStream: true,
			resolveWithFullResponse: true,
			simple: false,
			followRedirect: false,
			followAllRedirects: false,
			timeout: call.timeoutMs,
		};
		return (await ctx.helpers.requestOAuth2.call(ctx, auth.type, legacy, auth.options)) as RawResponse;
	}
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
	if (auth.kind === 'n8n') {
		return (await ctx.helpers.httpRequestWithAuthentication.call(ctx, auth.type, options)) as RawResponse;
	}
	if (auth.kind === 'manual') applyManual(ctx, auth, options, call);
	return (await ctx.helpers.httpRequest(options)) as RawResponse;
}

/** Calls the webhook. Failures of the call itself are CardCallError; any HTTP status is returned. */
export async function callWebhook(this: IExecuteFunctions, auth: AuthSpec, call: WebhookCall): Promise<WebhookResponse> {
	const started = performance.now();
	const controller = new AbortController();
	let reason: 'timeout' | 'cancelled' | undefined;
	const onAbort = () => (reason === 'cancelled' ? new CardCallError('The execution was cancelled', 'CANCELLED') : timeoutError(call.timeoutMs));
	const timer = setTimeout(() => {
		reason = 'timeout';
		controller.abort();
	}, call.timeoutMs);
	const cancel = typeof this.getExecutionCancelSignal === 'function' ? this.getExecutionCancelSignal() : undefined;
	const onCancel = () => {
		reason ??= 'cancelled';
		controller.abort();
	};
	if (cancel?.aborted) onCancel();
	cancel?.addEventListener('abort', onCancel, { once: true });
	try {
		let raw: RawResponse;
		try {
			raw = await raceSignal(send(this, auth, call, controller.signal), controller.signal, onAbort);
		} catch (error) {
			if (error instanceof CardCallError || error instanceof NodeOperationError) throw error;
			if (controller.signal.aborted) throw onAbort();
			const code = networkCode(error);
			if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED') throw timeoutError(call.timeoutMs);
			throw networkError(call.origin, code);
		}
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
		const body = await readLimited(raw.body, call.maxBytes, controller.signal, onAbort);
		return { status, headers, body, durationMs: Math.round(performance.now() - started) };
	} finally {
		clearTimeout(timer);
		cancel?.removeEventListener('abort', onCancel);
	}
}

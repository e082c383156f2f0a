import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import {
	GENERIC_CREDENTIALS,
	OAUTH2_SECRETS,
	PREDEFINED_CREDENTIALS,
} from '../descriptions/credentials';
import { cacheGet, cacheKey, cachePut, DEFAULT_CACHE_LIMITS, type CacheStore } from '../helpers/cache';
import { CardCallError, invalidJsonError, statusError } from '../helpers/errors';
import { collectSecrets, Redactor } from '../helpers/redact';
import {
	prepare,
	render,
	TemplateError,
	type CompiledTemplate,
	type ConversationVars,
} from '../helpers/templating';
import { checkRenderedUrl, templateOrigin, UrlRuleError } from '../helpers/urlSafety';
import {
	checkHeaderName,
	checkHeaderValue,
	checkJsonBody,
	conversationFromFields,
	conversationFromItem,
	conversationFromPortalData,
	sampleResponse,
	ValidationError,
} from '../helpers/validation';
import { errorItem, toNodeError } from '../../shared/errors';
import { callWebhook, type AuthSpec, type WebhookResponse } from '../transport';

export const CACHE_STATIC_KEY = 'contextCardCache';
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const DEFAULT_ACCEPT = 'application/json, text/plain;q=0.9, */*;q=0.8';

type ResponseFormat = 'auto' | 'json' | 'text';

interface RequestInfo {
	method: string;
	url: string | null;
	status: number | null;
	durationMs: number;
	fromCache: boolean;
}

interface ResolvedAuth {
	spec: AuthSpec;
	secrets: string[];
	credentialType?: string;
	credentialId?: string;
}

interface RunState {
	cache?: CacheStore;
}

/** Template, URL and input problems: reported before any call, as NodeOperationError with what to fix. */
function userError(ctx: IExecuteFunctions, error: unknown, i: number): never {
	if (error instanceof TemplateError || error instanceof UrlRuleError || error instanceof ValidationError) {
		const description =
			error instanceof TemplateError
				? 'Liquid template fields are not n8n expressions. Fix the template named above; nothing was sent.'
				: 'Nothing was sent.';
		throw new NodeOperationError(ctx.getNode(), error.message, { itemIndex: i, description });
	}
	throw error;
}

function leafStrings(value: unknown, out: string[] = []): string[] {
	if (typeof value === 'string') out.push(value);
	else if (value && typeof value === 'object') for (const v of Object.values(value)) leafStrings(v, out);
	return out;
}

async function resolveAuth(this: IExecuteFunctions, i: number): Promise<ResolvedAuth> {
	const authentication = this.getNodeParameter('authentication', i, 'none') as string;
	if (authentication === 'none') return { spec: { kind: 'none' }, secrets: [] };
	const credentialParam = authentication === 'genericCredentialType' ? 'genericAuthType' : 'nodeCredentialType';
	const type = this.getNodeParameter(credentialParam, i, '') as string;
	const credentialId = this.getNode().credentials?.[type]?.id ?? undefined;
	if (authentication === 'genericCredentialType') {
		const generic = GENERIC_CREDENTIALS.find((c) => c.name === type);
		if (!generic) throw new NodeOperationError(this.getNode(), `Generic Auth Type "${type}" is not supported`, { itemIndex: i });
		const creds = await this.getCredentials(type, i);
		let secrets = collectSecrets(creds, generic.secrets);
		if (type === 'httpCustomAuth') {
			try {
				secrets = leafStrings(JSON.parse(String(creds.json || '{}')));
			} catch {
				secrets = [String(creds.json ?? '')];
			}
		}
		if (generic.apply === 'oauth2') {
			return { spec: { kind: 'oauth2', type, options: { tokenType: 'Bearer' } }, secrets: collectSecrets(creds, OAUTH2_SECRETS), credentialType: type, credentialId };
		}
		if (generic.apply === 'manual') {
			return {
				spec: { kind: 'manual', type: type as 'httpBasicAuth' | 'httpQueryAuth' | 'httpCustomAuth', creds },
				secrets,
				credentialType: type,
				credentialId,
			};
		}
		return { spec: { kind: 'n8n', type }, secrets, credentialType: type, credentialId };
	}
	if (authentication === 'predefinedCredentialType') {
		const predefined = PREDEFINED_CREDENTIALS.find((c) => c.name === type);
		if (!predefined) {
			throw new NodeOperationError(this.getNode(), `Credential Type "${type}" is not supported by this node`, {
				itemIndex: i,
				description: 'Pick one from the list, or use a Generic Credential Type.',
			});
		}
		const creds = await this.getCredentials(type, i);
		const secrets = collectSecrets(creds, predefined.oauth2 ? [...predefined.secrets, ...OAUTH2_SECRETS] : predefined.secrets);
		const spec: AuthSpec = predefined.oauth2 ? { kind: 'oauth2', type, options: predefined.oauth2Options } : { kind: 'n8n', type };
		return { spec, secrets, credentialType: type, credentialId };
	}
	throw new NodeOperationError(this.getNode(), `Authentication "${authentication}" is not supported`, { itemIndex: i });
}

function decode(body: Buffer, contentType: string): string {
	const charset = /charset="?([\w-]+)"?/i.exec(contentType)?.[1];
	if (charset && !/^utf-?8$/i.test(charset)) {
		try {
			return new TextDecoder(charset).decode(body);
		} catch {
			// unknown charset label: fall back to UTF-8
		}
	}
	return body.toString('utf8');
}

export function parseResponse(res: Pick<WebhookResponse, 'body' | 'headers'>, format: ResponseFormat): unknown {
	const contentType = res.headers['content-type'] ?? '';
	const text = decode(res.body, contentType);
	if (format === 'text') return text;
	if (format === 'json') {
		if (!text.trim()) return null;
		try {
			return JSON.parse(text);
		} catch (error) {
			throw invalidJsonError((error as Error).message);
		}
	}
	if (!text.trim()) return null;
	if (/json/i.test(contentType) || /^\s*[[{]/.test(text)) {
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	}
	return text;
}

function clampNumber(value: unknown, fallback: number, min: number, max: number): number {
	const n = Number(value);
	if (!Number.isFinite(n)) return fallback;
	return Math.min(max, Math.max(min, n));
}

async function processItem(this: IExecuteFunctions, i: number, item: INodeExecutionData, state: RunState): Promise<INodeExecutionData> {
	const node = this.getNode();
	const mode = this.getNodeParameter('mode', i, 'fetch') as 'fetch' | 'preview';
	const method = String(this.getNodeParameter('method', i, 'GET')).toUpperCase() as IHttpRequestMethods;
	const urlTemplate = String(this.getNodeParameter('url', i, '') ?? '');
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const responseFormat = (options.responseFormat as ResponseFormat | undefined) ?? 'auto';
	const timeoutMs = clampNumber(options.timeout, 5000, 100, 120_000);
	const maxBytes = Math.round(clampNumber(options.maxResponseKb, 1024, 1, 102_400) * 1024);
	const binaryName = String(options.binaryPropertyName ?? 'card').trim() || 'card';
	const includeResponse = options.includeResponse !== false;
	const cacheTtlMs = clampNumber(options.cacheTtl, 0, 0, 30 * 24 * 3600) * 1000;

	let conversation: ConversationVars;
	let urlTpl: CompiledTemplate | undefined;
	let origin: string;
	const headerTpls: Array<{ name: string; tpl: CompiledTemplate }> = [];
	let bodyTpl: CompiledTemplate | undefined;
	let bodyIsJson = false;
	let cardTpl: CompiledTemplate;
	let fallbackTpl: CompiledTemplate | undefined;
	let url: string;
	const headers: Record<string, string> = {};
	let body: string | undefined;

	// Everything the user wrote is checked, and the request is rendered, before anything is sent.
	try {
		if (mode === 'preview') {
			conversation = conversationFromPortalData(this.getNodeParameter('portalData', i, '{}'));
		} else if (this.getNodeParameter('conversationSource', i, 'inputItem') === 'define') {
			const fields: Record<string, unknown> = {};
			for (const key of ['agentNumber', 'agentId', 'channel', 'conversationId', 'customerDisplayName', 'customerNumber', 'priority', 'queueId']) {
				fields[key] = this.getNodeParameter(key, i, '');
			}
			conversation = conversationFromFields(fields);
		} else {
			conversation = conversationFromItem(item.json);
		}

		// Preview calls nothing, so its URL is optional: without one, request.url is null
		const withUrl = mode !== 'preview' || urlTemplate.trim() !== '';
		origin = withUrl ? templateOrigin(urlTemplate) : '';
		urlTpl = withUrl ? prepare(options.encodeUrlVariables === false ? 'urlRaw' : 'url', urlTemplate.trim(), 'url', 'Webhook URL') : undefined;
		if (this.getNodeParameter('sendHeaders', i, false)) {
			const rows = ((this.getNodeParameter('headers', i, {}) as IDataObject).header ?? []) as Array<{ name?: string; value?: string }>;
			for (const row of rows) {
				const name = String(row.name ?? '').trim();
				if (!name) continue;
				checkHeaderName(name);
				headerTpls.push({ name, tpl: prepare('text', String(row.value ?? ''), 'header', `Header "${name}"`) });
			}
		}
		if (BODY_METHODS.has(method) && this.getNodeParameter('sendBody', i, false)) {
			bodyIsJson = this.getNodeParameter('bodyContentType', i, 'json') === 'json';
			const engine = bodyIsJson && options.escapeJsonBody !== false ? 'json' : 'text';
			bodyTpl = prepare(engine, String(this.getNodeParameter('body', i, '') ?? ''), 'body', 'Body');
		}
		cardTpl = prepare('html', String(this.getNodeParameter('cardTemplate', i, '') ?? ''), 'card', 'Card');
		const fallbackText = String(this.getNodeParameter('fallbackTemplate', i, '') ?? '');
		if (fallbackText.trim()) fallbackTpl = prepare('html', fallbackText, 'fallback', 'Fallback Card');

		const scope = { conversation };
		url = urlTpl ? checkRenderedUrl(render(urlTpl, scope, 'Webhook URL'), origin) : '';
		for (const { name, tpl } of headerTpls) {
			const value = render(tpl, scope, `Header "${name}"`).trim();
			checkHeaderValue(name, value);
			headers[name] = value;
		}
		if (!Object.keys(headers).some((h) => h.toLowerCase() === 'accept')) headers.Accept = DEFAULT_ACCEPT;
		if (bodyTpl) {
			body = render(bodyTpl, scope, 'Body');
			const contentType = bodyIsJson ? 'application/json' : String(this.getNodeParameter('textContentType', i, 'text/plain') || 'text/plain');
			if (bodyIsJson) checkJsonBody(body);
			checkHeaderValue('Content-Type', contentType);
			if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = contentType;
		}
	} catch (error) {
		userError(this, error, i);
	}

	const request: RequestInfo = { method, url: url || null, status: null, durationMs: 0, fromCache: false };
	let response: unknown;
	let failure: CardCallError | undefined;
	let redactor = new Redactor([]);

	if (mode === 'preview') {
		try {
			response = sampleResponse(this.getNodeParameter('sampleResponse', i, 'null'), responseFormat);
		} catch (error) {
			userError(this, error, i);
		}
		request.status = 200;
		if (this.getNodeParameter('previewFallback', i, false)) {
			failure = new CardCallError('Preview of the fallback card: the webhook answered HTTP 503 Service Unavailable', 'HTTP_STATUS', 503);
		}
	} else {
		const auth = await resolveAuth.call(this, i);
		redactor = new Redactor(auth.secrets);
		const key =
			cacheTtlMs > 0 && state.cache
				? cacheKey({ method, url, headers, body, credentialType: auth.credentialType, credentialId: auth.credentialId, responseFormat })
				: undefined;
		const hit = key && state.cache ? cacheGet(state.cache, key, Date.now()) : undefined;
		if (hit) {
			response = hit.response;
			request.status = hit.status;
			request.fromCache = true;
		} else {
			try {
				const res = await callWebhook.call(this, auth.spec, {
					method,
					url,
					headers,
					body,
					jsonBody: bodyIsJson,
					timeoutMs,
					maxBytes,
					origin,
				});
				request.status = res.status;
				request.durationMs = res.durationMs;
				if (res.status < 200 || res.status >= 300) throw statusError(res.status, res.headers.location);
				response = redactor.deep(parseResponse(res, responseFormat));
				if (key && state.cache) {
					cachePut(state.cache, key, { status: res.status, response }, cacheTtlMs, Date.now(), {
						...DEFAULT_CACHE_LIMITS,
						maxEntries: clampNumber(options.cacheMaxEntries, DEFAULT_CACHE_LIMITS.maxEntries, 1, 500),
					});
				}
			} catch (error) {
				if (!(error instanceof CardCallError)) throw toNodeError(node, error, i);
				if (error.code === 'CANCELLED') throw new NodeOperationError(node, error.message, { itemIndex: i });
				failure = error;
			}
		}
	}

	let html: string;
	let errorScope: ReturnType<CardCallError['toScope']> | undefined;
	if (failure) {
		errorScope = redactor.deep(failure.toScope());
		if (!fallbackTpl) {
			const message = errorScope.message;
			const description = redactor.text(
				[`${method} ${url}`, failure.hint, 'Add a Fallback Card to show a placeholder card instead of failing.'].filter(Boolean).join('\n'),
			);
			// keys outside NodeApiError's status lookup, so a TIMEOUT code is never mistaken for an HTTP status
			throw new NodeApiError(node, { message, failure: failure.code, httpStatus: failure.status } as JsonObject, {
				message,
				description,
				httpCode: failure.status !== null ? String(failure.status) : undefined,
				itemIndex: i,
			});
		}
		try {
			html = render(fallbackTpl, { conversation, request, error: errorScope }, 'Fallback Card');
		} catch (error) {
			userError(this, error, i);
		}
	} else {
		try {
			html = render(cardTpl, { conversation, request, response }, 'Card');
		} catch (error) {
			userError(this, error, i);
		}
	}
	html = redactor.text(html);

	const json: IDataObject = {
		html,
		fallback: !!failure,
		request: { ...request },
		conversation: { ...conversation },
	};
	if (mode === 'preview') json.preview = true;
	if (failure) json.error = errorScope;
	else if (includeResponse) json.response = response as IDataObject;
	const binary = await this.helpers.prepareBinaryData(Buffer.from(html, 'utf8'), `${binaryName}.html`, 'text/html');
	return { json: redactor.deep(json), binary: { [binaryName]: binary }, pairedItem: { item: i } };
}

/** Runs the node: one output item per input item, in order. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const state: RunState = {};
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const mode = this.getNodeParameter('mode', i, 'fetch');
			const ttl = Number((this.getNodeParameter('options', i, {}) as IDataObject).cacheTtl ?? 0);
			if (mode === 'fetch' && ttl > 0 && !state.cache) {
				const staticData = this.getWorkflowStaticData('node');
				const existing = staticData[CACHE_STATIC_KEY];
				if (!existing || typeof existing !== 'object' || Array.isArray(existing)) staticData[CACHE_STATIC_KEY] = {};
				state.cache = staticData[CACHE_STATIC_KEY] as unknown as CacheStore;
			}
			out.push(await processItem.call(this, i, items[i], state));
		} catch (error) {
			if (this.continueOnFail()) {
				out.push(errorItem(error, i));
				continue;
			}
			throw toNodeError(this.getNode(), error, i);
		}
	}
	return [out];
}

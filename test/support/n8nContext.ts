/**
 * A faithful-enough stand-in for n8n's IExecuteFunctions, for unit and integration tests of the nodes.
 *
 * - Parameters are read like n8n reads them (dotted paths, defaults, resource locators with extractValue).
 * - `helpers.httpRequestWithAuthentication` applies the credential type's `authenticate` exactly as n8n does
 *   (this package's credential classes are used as they are; n8n's generic types are reproduced below), then
 *   sends the request with axios using the same option mapping as n8n's own `httpRequest`
 *   (@n8n/backend-network: qs→params, json→Accept, ignoreHttpStatusErrors→validateStatus,
 *   returnFullResponse→{body, headers, statusCode, statusMessage}, `User-Agent: n8n` unless set, no Content-Type
 *   without a body); errors are wrapped in NodeApiError as n8n does.
 *   So nock (unit) and the real emulator (integration) see the same HTTP requests a real n8n would send;
 *   test/engine/fake.test.ts compares them with n8n-core's (npm run test:integration).
 * - Everything the nodes log is captured in `ctx.logs`, so tests can scan it for secrets.
 */
import axios, { type AxiosRequestConfig } from 'axios';
import {
	NodeApiError,
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type IRequestOptions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { InfobipConversationsApi } from '../../credentials/InfobipConversationsApi.credentials';

/**
 * n8n's axios defaults (n8n-core 1.x axios-config, @n8n/backend-network 2.x configureGlobalAxiosDefaults): no
 * Content-Type at all on a request without a body, query strings as qs `indices`.
 */
const n8nAxios = axios.create();
n8nAxios.interceptors.request.use((config) => {
	if (config.data === undefined) config.headers.setContentType(false, false);
	return config;
});

export type ParamSource = Record<string, unknown> | ((itemIndex: number) => Record<string, unknown>);

export interface FakeContextOptions {
	/** Node parameters; a function gives per-item values (like expressions resolving per item). */
	parameters: ParamSource;
	/** Input items (default: one empty item). */
	items?: INodeExecutionData[];
	/** Credentials by type name. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Custom authenticate functions for credential types not reproduced here (predefined types). */
	authenticators?: Record<
		string,
		(creds: ICredentialDataDecryptedObject, opts: IHttpRequestOptions) => IHttpRequestOptions | Promise<IHttpRequestOptions>
	>;
	continueOnFail?: boolean;
	node?: Partial<INode>;
	/** Workflow static data shared between contexts to model n8n's persisted static data. */
	staticData?: IDataObject;
	/** Execution mode, as getMode() answers. */
	mode?: 'manual' | 'trigger' | 'webhook' | 'internal';
	/** What getExecutionCancelSignal() answers (n8n's signal for a cancelled execution). */
	cancelSignal?: AbortSignal;
}

export interface HttpLogEntry {
	method: string;
	url: string;
	headers: Record<string, string>;
	body?: unknown;
}

export interface FakeContext extends IExecuteFunctions {
	logs: string[];
	httpLog: HttpLogEntry[];
}

function getPath(obj: Record<string, unknown>, path: string): unknown {
	let cur: unknown = obj;
	for (const part of path.split('.')) {
		if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
		cur = (cur as Record<string, unknown>)[part];
	}
	return cur;
}

/** n8n's own generic credential types, reproduced from their `authenticate` definitions. */
function applyGenericCredential(
	type: string,
	creds: ICredentialDataDecryptedObject,
	opts: IHttpRequestOptions,
): IHttpRequestOptions | undefined {
	const headers = { ...(opts.headers ?? {}) } as Record<string, string>;
	switch (type) {
		case 'httpHeaderAuth':
			headers[String(creds.name)] = String(creds.value);
			return { ...opts, headers };
		case 'httpBearerAuth':
			headers.Authorization = `Bearer ${String(creds.token)}`;
			return { ...opts, headers };
		case 'httpBasicAuth':
			return { ...opts, auth: { username: String(creds.user), password: String(creds.password) } };
		case 'httpQueryAuth':
			return { ...opts, qs: { ...(opts.qs ?? {}), [String(creds.name)]: String(creds.value) } };
		case 'oAuth2Api':
			headers.Authorization = `Bearer ${String((creds.oauthTokenData as IDataObject | undefined)?.access_token ?? '')}`;
			return { ...opts, headers };
		default:
			return undefined;
	}
}

/** What `qs.stringify(params, { arrayFormat })` gives for the flat parameter objects our nodes send. */
function serializeQuery(params: Record<string, unknown>, arrayFormat: NonNullable<IHttpRequestOptions['arrayFormat']>): string {
	const parts: string[] = [];
	const enc = encodeURIComponent;
	for (const [key, value] of Object.entries(params)) {
		if (value === undefined) continue;
		if (Array.isArray(value)) {
			if (arrayFormat === 'comma') parts.push(`${enc(key)}=${enc(value.join(','))}`);
			else value.forEach((v, i) => parts.push(`${enc(arrayFormat === 'repeat' ? key : arrayFormat === 'brackets' ? `${key}[]` : `${key}[${i}]`)}=${enc(String(v))}`));
		} else {
			parts.push(`${enc(key)}=${enc(value === null ? '' : String(value))}`);
		}
	}
	return parts.join('&');
}

/** The option mapping of n8n's httpRequest (see the module comment). */
export async function n8nHttpRequest(opts: IHttpRequestOptions): Promise<unknown> {
	const headers: Record<string, string> = { ...((opts.headers as Record<string, string>) ?? {}) };
	if (opts.json && !Object.keys(headers).some((h) => h.toLowerCase() === 'accept')) {
		headers.Accept = 'application/json';
	}
	if (!Object.keys(headers).some((h) => h.toLowerCase() === 'user-agent')) headers['User-Agent'] = 'n8n';
	const method = (opts.method ?? 'GET').toUpperCase();
	const config: AxiosRequestConfig = {
		method,
		url: opts.url,
		baseURL: opts.baseURL,
		headers,
		params: opts.qs,
		timeout: opts.timeout,
		auth: opts.auth as AxiosRequestConfig['auth'],
		maxBodyLength: Infinity,
		maxContentLength: Infinity,
		signal: opts.abortSignal as AxiosRequestConfig['signal'],
	};
	if (opts.qs) {
		// n8n serialises qs with `qs.stringify(params, { arrayFormat })`, `indices` unless the request says otherwise
		config.paramsSerializer = { serialize: (params: Record<string, unknown>) => serializeQuery(params, opts.arrayFormat ?? 'indices') };
	}
	if (opts.encoding !== undefined) config.responseType = opts.encoding as AxiosRequestConfig['responseType'];
	if (opts.disableFollowRedirect) config.maxRedirects = 0;
	const body = opts.body as unknown;
	if (method !== 'GET' && body !== undefined && body !== null) {
		if (typeof body === 'string' || Buffer.isBuffer(body) || (typeof body === 'object' && Object.keys(body as object).length > 0)) {
			config.data = body;
		}
	}
	if (opts.ignoreHttpStatusErrors) config.validateStatus = () => true;
	const result = await n8nAxios.request(config);
	if (opts.returnFullResponse) {
		return { body: result.data, headers: result.headers, statusCode: result.status, statusMessage: result.statusText };
	}
	return result.data;
}

/** The option mapping of n8n's legacy `request` (used by requestOAuth2): uri, useStream, simple, resolveWithFullResponse. */
export async function n8nLegacyRequest(opts: IRequestOptions): Promise<unknown> {
	const method = String(opts.method ?? 'GET').toUpperCase();
	const config: AxiosRequestConfig = {
		method,
		url: opts.uri ?? opts.url,
		headers: { ...((opts.headers as Record<string, string>) ?? {}) },
		params: opts.qs,
		timeout: opts.timeout,
		maxBodyLength: Infinity,
		maxContentLength: Infinity,
		maxRedirects: opts.followRedirect === false && !opts.followAllRedirects ? 0 : undefined,
		data: method !== 'GET' ? opts.body : undefined,
	};
	if (opts.useStream) config.responseType = 'stream';
	if (opts.json === false || opts.json === undefined) config.transformResponse = (res: unknown) => res;
	if (opts.simple === false) config.validateStatus = () => true;
	const result = await n8nAxios.request(config);
	return opts.resolveWithFullResponse
		? { body: result.data, headers: { ...result.headers }, statusCode: result.status, statusMessage: result.statusText }
		: result.data;
}

/** pretty-bytes, as n8n formats fileSize: '43 B', '1.5 kB', '43.2 kB'. */
function prettyBytes(n: number): string {
	const units = ['B', 'kB', 'MB', 'GB'];
	let i = 0;
	while (n >= 1000 && i < units.length - 1) {
		n /= 1000;
		i++;
	}
	return `${i === 0 ? n : Number(n.toPrecision(3))} ${units[i]}`;
}

/** n8n's fileType (from the MIME type) and fileExtension (from the MIME type, else the file name). */
function binaryFileType(mimeType: string | undefined, fileName: string | undefined): { fileType?: string; fileExtension?: string } {
	const out: { fileType?: string; fileExtension?: string } = {};
	if (mimeType === 'text/html') out.fileType = 'html';
	else if (mimeType === 'application/json') out.fileType = 'json';
	else if (mimeType?.startsWith('text/')) out.fileType = 'text';
	else if (mimeType?.startsWith('image/')) out.fileType = 'image';
	const ext = mimeType === 'text/html' ? 'html' : fileName?.includes('.') ? fileName.split('.').pop() : undefined;
	if (ext) out.fileExtension = ext;
	return out;
}

export function createExecuteContext(options: FakeContextOptions): FakeContext {
	const items = options.items ?? [{ json: {} }];
	const node: INode = {
		id: 'node-1',
		name: 'Infobip',
		type: 'n8n-nodes-infobip-conversations.test',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		...options.node,
	};
	const logs: string[] = [];
	const httpLog: HttpLogEntry[] = [];
	const staticData = options.staticData ?? {};
	const paramsFor = (i: number) =>
		typeof options.parameters === 'function' ? options.parameters(i) : options.parameters;
	const infobipCred = new InfobipConversationsApi();

	const getCredentials = async (type: string) => {
		const c = options.credentials?.[type];
		if (!c) throw new NodeOperationError(node, `Node "${node.name}" does not have any credentials of type "${type}" set`);
		return { ...c };
	};

	const logFn = (level: string) => (message: string, meta?: unknown) => {
		logs.push(`${level}: ${message}${meta ? ' ' + JSON.stringify(meta) : ''}`);
	};

	const ctx = {
		logs,
		httpLog,
		getNode: () => node,
		getMode: () => options.mode ?? 'manual',
		getInputData: () => items,
		continueOnFail: () => options.continueOnFail ?? false,
		getCredentials,
		getWorkflowStaticData: () => staticData,
		getExecutionId: () => 'test-execution',
		getWorkflow: () => ({ id: 'wf-1', name: 'Test workflow', active: false }),
		getExecutionCancelSignal: () => options.cancelSignal,
		getTimezone: () => 'UTC',
		logger: { debug: logFn('debug'), info: logFn('info'), warn: logFn('warn'), error: logFn('error') },
		getNodeParameter(name: string, itemIndex: number, fallback?: unknown, opts?: { extractValue?: boolean }) {
			let value = getPath(paramsFor(itemIndex), name);
			if (value === undefined) {
				if (arguments.length >= 3) return fallback;
				throw new NodeOperationError(node, `Could not get parameter "${name}"`);
			}
			if (opts?.extractValue && value && typeof value === 'object' && (value as IDataObject).__rl) {
				value = (value as IDataObject).value;
			}
			return value;
		},
		helpers: {
			returnJsonArray: (data: IDataObject | IDataObject[]) =>
				(Array.isArray(data) ? data : [data]).map((json) => ({ json })),
			constructExecutionMetaData: (data: INodeExecutionData[], meta: { itemData: { item: number } | Array<{ item: number }> }) =>
				data.map((d) => ({ ...d, pairedItem: meta.itemData })),
			// n8n's in-memory binary data (1.x default; 2.x stores a file and adds id and bytes): checked against the
			// real prepareBinaryData by test/engine/contextCard.test.ts
			prepareBinaryData: async (buffer: Buffer, fileName?: string, mimeType?: string) => ({
				mimeType: mimeType ?? 'application/octet-stream',
				...binaryFileType(mimeType, fileName),
				data: buffer.toString('base64'),
				fileName,
				fileSize: prettyBytes(buffer.length),
			}),
			httpRequest: async (opts: IHttpRequestOptions) => {
				httpLog.push({ method: opts.method ?? 'GET', url: `${opts.baseURL ?? ''}${opts.url}`, headers: (opts.headers ?? {}) as Record<string, string>, body: opts.body });
				try {
					return await n8nHttpRequest(opts);
				} catch (error) {
					throw error;
				}
			},
			async httpRequestWithAuthentication(type: string, opts: IHttpRequestOptions, extra?: { oauth2?: { tokenType?: string; keepBearer?: boolean } }) {
				// like n8n: the caller's abort signal is replaced by the execution's cancel signal
				opts = { ...opts, abortSignal: options.cancelSignal };
				let final: IHttpRequestOptions;
				try {
					const creds = await getCredentials(type);
					if (extra?.oauth2 || /OAuth2Api$/.test(type)) {
						// n8n's OAuth2 path: signs with the stored access token (token refresh is not modelled)
						const token = String((creds.oauthTokenData as IDataObject | undefined)?.access_token ?? '');
						final = { ...opts, headers: { ...(opts.headers ?? {}), Authorization: extra?.oauth2?.keepBearer === false ? token : `Bearer ${token}` } };
					} else if (type === 'infobipConversationsApi') {
						final = await infobipCred.authenticate(creds, opts);
					} else if (options.authenticators?.[type]) {
						final = await options.authenticators[type](creds, opts);
					} else {
						const applied = applyGenericCredential(type, creds, opts);
						if (!applied) throw new Error(`test harness: no authenticator for credential type "${type}"`);
						final = applied;
					}
				} catch (error) {
					if (error instanceof NodeOperationError) throw error;
					throw new NodeApiError(node, error as never);
				}
				httpLog.push({
					method: final.method ?? 'GET',
					url: `${final.baseURL ?? ''}${final.url}`,
					headers: (final.headers ?? {}) as Record<string, string>,
					body: final.body,
				});
				try {
					return await n8nHttpRequest(final);
				} catch (error) {
					throw new NodeApiError(node, error as never);
				}
			},
			/** n8n's requestOAuth2 (legacy options): signs with the stored access token (token refresh is not modelled). */
			async requestOAuth2(type: string, opts: IRequestOptions, oAuth2Options?: { tokenType?: string; keepBearer?: boolean }) {
				const creds = await getCredentials(type);
				const token = String((creds.oauthTokenData as IDataObject | undefined)?.access_token ?? '');
				const headers = { ...((opts.headers as Record<string, string>) ?? {}) };
				headers.Authorization = oAuth2Options?.keepBearer === false ? token : `Bearer ${token}`;
				const final = { ...opts, headers };
				httpLog.push({ method: String(final.method ?? 'GET'), url: String(final.uri ?? final.url), headers, body: final.body });
				return await n8nLegacyRequest(final);
			},
		},
	};
	return ctx as unknown as FakeContext;
}

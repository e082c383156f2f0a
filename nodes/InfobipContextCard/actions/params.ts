/**
 * Stage 1 of an item: the node's parameters, read once into plain data (the only stage that reads them; the
 * credential itself is loaded by the fetch stage). Nothing is checked here: buildRequest checks and renders.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, INodeExecutionData } from 'n8n-workflow';

import { CARD_VARIABLES } from '../../shared/contextCard';
import { DEFAULT_CACHE_LIMITS } from '../helpers/cache';
import type { ResponseFormat } from '../helpers/response';

export type Mode = 'fetch' | 'preview';

export const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Where the conversation variables come from, as the parameters say. */
export type ConversationSource =
	| { from: 'portalData'; value: unknown }
	| { from: 'fields'; fields: Record<string, unknown> }
	| { from: 'item'; json: IDataObject };

export interface HeaderRow {
	name?: string;
	value?: string;
}

export interface BodyParams {
	template: string;
	json: boolean;
	/** application/json, or the Content Type of a text body */
	contentType: string;
}

export interface CardOptions {
	responseFormat: ResponseFormat;
	timeoutMs: number;
	maxBytes: number;
	binaryName: string;
	includeResponse: boolean;
	/** 0: no cache */
	cacheTtlMs: number;
	cacheMaxEntries: number;
	encodeUrlVariables: boolean;
	escapeJsonBody: boolean;
}

export interface CardParams {
	mode: Mode;
	method: IHttpRequestMethods;
	urlTemplate: string;
	conversation: ConversationSource;
	/** the header rows as entered; empty when Send Headers is off, and in Preview */
	headers: HeaderRow[];
	/** only for POST, PUT and PATCH with Send Body on, in Fetch */
	body?: BodyParams;
	cardTemplate: string;
	fallbackTemplate: string;
	options: CardOptions;
	/** Fetch only: how the call is signed */
	auth?: AuthParams;
	/** Preview only: the sample answer */
	preview?: PreviewParams;
}

export interface AuthParams {
	authentication: string;
	/** the credential type picked under Generic Auth Type or Credential Type ('' for none) */
	credentialType: string;
}

export interface PreviewParams {
	sampleResponse: unknown;
	previewFallback: boolean;
}

export function clampNumber(value: unknown, fallback: number, min: number, max: number): number {
	const n = Number(value);
	if (!Number.isFinite(n)) return fallback;
	return Math.min(max, Math.max(min, n));
}

export function readOptions(options: IDataObject): CardOptions {
	return {
		responseFormat: (options.responseFormat as ResponseFormat | undefined) ?? 'auto',
		timeoutMs: clampNumber(options.timeout, 5000, 100, 120_000),
		maxBytes: Math.round(clampNumber(options.maxResponseKb, 1024, 1, 102_400) * 1024),
		binaryName: String(options.binaryPropertyName ?? 'card').trim() || 'card',
		includeResponse: options.includeResponse !== false,
		cacheTtlMs: clampNumber(options.cacheTtl, 0, 0, 30 * 24 * 3600) * 1000,
		cacheMaxEntries: clampNumber(options.cacheMaxEntries, DEFAULT_CACHE_LIMITS.maxEntries, 1, 500),
		encodeUrlVariables: options.encodeUrlVariables !== false,
		escapeJsonBody: options.escapeJsonBody !== false,
	};
}

function readConversation(ctx: IExecuteFunctions, i: number, mode: Mode, item: INodeExecutionData): ConversationSource {
	if (mode === 'preview') return { from: 'portalData', value: ctx.getNodeParameter('portalData', i, '{}') };
	if (ctx.getNodeParameter('conversationSource', i, 'inputItem') !== 'define') return { from: 'item', json: item.json };
	const fields: Record<string, unknown> = {};
	for (const key of CARD_VARIABLES) fields[key] = ctx.getNodeParameter(key, i, '');
	return { from: 'fields', fields };
}

function readBody(ctx: IExecuteFunctions, i: number, method: string): BodyParams | undefined {
	if (!BODY_METHODS.has(method) || !ctx.getNodeParameter('sendBody', i, false)) return undefined;
	const json = ctx.getNodeParameter('bodyContentType', i, 'json') === 'json';
	return {
		template: String(ctx.getNodeParameter('body', i, '') ?? ''),
		json,
		contentType: json ? 'application/json' : String(ctx.getNodeParameter('textContentType', i, 'text/plain') || 'text/plain'),
	};
}

export function readParameters(ctx: IExecuteFunctions, i: number, item: INodeExecutionData): CardParams {
	const mode = ctx.getNodeParameter('mode', i, 'fetch') as Mode;
	const method = String(ctx.getNodeParameter('method', i, 'GET')).toUpperCase() as IHttpRequestMethods;
	// headers and body are Fetch's (Preview neither shows nor renders them)
	const fetch = mode !== 'preview';
	const sendHeaders = fetch && !!ctx.getNodeParameter('sendHeaders', i, false);
	const headers = sendHeaders ? (((ctx.getNodeParameter('headers', i, {}) as IDataObject).header ?? []) as HeaderRow[]) : [];
	return {
		mode,
		method,
		urlTemplate: String(ctx.getNodeParameter('url', i, '') ?? ''),
		conversation: readConversation(ctx, i, mode, item),
		headers,
		body: fetch ? readBody(ctx, i, method) : undefined,
		cardTemplate: String(ctx.getNodeParameter('cardTemplate', i, '') ?? ''),
		fallbackTemplate: String(ctx.getNodeParameter('fallbackTemplate', i, '') ?? ''),
		options: readOptions(ctx.getNodeParameter('options', i, {}) as IDataObject),
		...(mode === 'preview' ? { preview: readPreview(ctx, i) } : { auth: readAuth(ctx, i) }),
	};
}

function readAuth(ctx: IExecuteFunctions, i: number): AuthParams {
	const authentication = String(ctx.getNodeParameter('authentication', i, 'none'));
	if (authentication === 'none') return { authentication, credentialType: '' };
	const param = authentication === 'genericCredentialType' ? 'genericAuthType' : 'nodeCredentialType';
	return { authentication, credentialType: String(ctx.getNodeParameter(param, i, '')) };
}

function readPreview(ctx: IExecuteFunctions, i: number): PreviewParams {
	return {
		sampleResponse: ctx.getNodeParameter('sampleResponse', i, 'null'),
		previewFallback: !!ctx.getNodeParameter('previewFallback', i, false),
	};
}

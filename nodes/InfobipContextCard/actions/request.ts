/**
 * Stage 2: the request, built from the parameters before anything is sent. Every template is compiled and checked,
 * then the URL, headers and body are rendered with the conversation and checked again. Pure: it throws
 * TemplateError, UrlRuleError or ValidationError, which the node reports as "nothing was sent".
 */
import type { IHttpRequestMethods } from 'n8n-workflow';

import type { ConversationVars } from '../../shared/contextCard';
import { prepare, render, type CompiledTemplate } from '../helpers/templating';
import { checkRenderedUrl, templateOrigin } from '../helpers/urlSafety';
import {
	checkHeaderName,
	checkHeaderValue,
	checkJsonBody,
	conversationFromFields,
	conversationFromItem,
	conversationFromPortalData,
} from '../helpers/validation';
import type { BodyParams, CardParams, ConversationSource } from './params';

export const DEFAULT_ACCEPT = 'application/json, text/plain;q=0.9, */*;q=0.8';

export interface CardRequest {
	method: IHttpRequestMethods;
	/** the rendered URL; '' in Preview without one */
	url: string;
	/** the origin the template spells out ('' without a URL) */
	origin: string;
	headers: Record<string, string>;
	body?: string;
	/** whether `body` is JSON */
	jsonBody: boolean;
}

export interface CardTemplates {
	card: CompiledTemplate;
	fallback?: CompiledTemplate;
}

export interface BuiltCard {
	conversation: ConversationVars;
	request: CardRequest;
	templates: CardTemplates;
}

interface Compiled extends CardTemplates {
	url?: CompiledTemplate;
	origin: string;
	headers: Array<{ name: string; tpl: CompiledTemplate }>;
	body?: CompiledTemplate;
}

export function resolveConversation(source: ConversationSource): ConversationVars {
	if (source.from === 'portalData') return conversationFromPortalData(source.value);
	if (source.from === 'fields') return conversationFromFields(source.fields);
	return conversationFromItem(source.json);
}

function compileTemplates(params: CardParams): Compiled {
	// Preview calls nothing, so its URL is optional: without one, request.url is null
	const withUrl = params.mode !== 'preview' || params.urlTemplate.trim() !== '';
	const origin = withUrl ? templateOrigin(params.urlTemplate) : '';
	const url = withUrl
		? prepare(params.options.encodeUrlVariables ? 'url' : 'urlRaw', params.urlTemplate.trim(), 'url', 'Webhook URL')
		: undefined;
	const headers: Compiled['headers'] = [];
	for (const row of params.headers) {
		const name = String(row.name ?? '').trim();
		if (!name) continue;
		checkHeaderName(name);
		headers.push({ name, tpl: prepare('text', String(row.value ?? ''), 'header', `Header "${name}"`) });
	}
	const body = params.body ? compileBody(params.body, params.options.escapeJsonBody) : undefined;
	const card = prepare('html', params.cardTemplate, 'card', 'Card');
	const fallback = params.fallbackTemplate.trim() ? prepare('html', params.fallbackTemplate, 'fallback', 'Fallback Card') : undefined;
	return { url, origin, headers, body, card, fallback };
}

function compileBody(body: BodyParams, escapeJson: boolean): CompiledTemplate {
	return prepare(body.json && escapeJson ? 'json' : 'text', body.template, 'body', 'Body');
}

const hasHeader = (headers: Record<string, string>, name: string) => Object.keys(headers).some((h) => h.toLowerCase() === name);

function renderRequest(params: CardParams, compiled: Compiled, conversation: ConversationVars): CardRequest {
	const scope = { conversation };
	const url = compiled.url ? checkRenderedUrl(render(compiled.url, scope, 'Webhook URL'), compiled.origin) : '';
	const headers: Record<string, string> = {};
	for (const { name, tpl } of compiled.headers) {
		const value = render(tpl, scope, `Header "${name}"`).trim();
		checkHeaderValue(name, value);
		headers[name] = value;
	}
	if (!hasHeader(headers, 'accept')) headers.Accept = DEFAULT_ACCEPT;
	const request: CardRequest = { method: params.method, url, origin: compiled.origin, headers, jsonBody: !!params.body?.json };
	if (compiled.body && params.body) {
		request.body = render(compiled.body, scope, 'Body');
		if (params.body.json) checkJsonBody(request.body);
		checkHeaderValue('Content-Type', params.body.contentType);
		if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = params.body.contentType;
	}
	return request;
}

/** The conversation, the checked templates and the rendered request of one item. */
export function buildRequest(params: CardParams): BuiltCard {
	const conversation = resolveConversation(params.conversation);
	const compiled = compileTemplates(params);
	return {
		conversation,
		request: renderRequest(params, compiled, conversation),
		templates: { card: compiled.card, fallback: compiled.fallback },
	};
}

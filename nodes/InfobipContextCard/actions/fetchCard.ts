/**
 * Fetch Context Card's execute: each item goes through the stages read parameters (params.ts) → build the request
 * (request.ts: every template and URL rule checked before any call) → fetch, or Preview's sample, or the cache
 * (fetch.ts) → render the card or the Fallback Card (render.ts) → the output item.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { attempt } from '../../shared/attempt';
import { errorItem, toNodeError } from '../../shared/errors';
import type { CacheStore } from '../helpers/cache';
import type { CardCallError } from '../helpers/errors';
import { TemplateError } from '../helpers/templating';
import { UrlRuleError } from '../helpers/urlSafety';
import { ValidationError } from '../helpers/validation';
import { fetchOutcome, previewOutcome, type Outcome } from './fetch';
import { readParameters, type CardParams } from './params';
import { cardJson, renderCard } from './render';
import { buildRequest, type CardRequest } from './request';

export const CACHE_STATIC_KEY = 'contextCardCache';

interface RunState {
	cache?: CacheStore;
}

/** Template, URL and input problems: reported as NodeOperationError with what to fix; other errors as they are. */
function userError(node: INode, error: Error, i: number): Error {
	if (error instanceof TemplateError || error instanceof UrlRuleError || error instanceof ValidationError) {
		const description =
			error instanceof TemplateError
				? 'Liquid template fields are not n8n expressions. Fix the template named above; nothing was sent.'
				: 'Nothing was sent.';
		return new NodeOperationError(node, error.message, { itemIndex: i, description });
	}
	return error;
}

/** Runs a pure stage; what it throws is reported as a user error. */
function stage<T>(node: INode, i: number, fn: () => T): T {
	const result = attempt(fn);
	if (result.ok) return result.value;
	throw userError(node, result.error, i);
}

/** A failed call without a Fallback Card fails the item, with the status and what to do. */
function callFailedError(node: INode, i: number, request: CardRequest, failure: CardCallError, outcome: Outcome): NodeApiError {
	const { redactor } = outcome;
	const message = redactor.deep(failure.toScope()).message;
	const description = redactor.text(
		[`${request.method} ${request.url}`, failure.hint, 'Add a Fallback Card to show a placeholder card instead of failing.'].filter(Boolean).join('\n'),
	);
	// keys outside NodeApiError's status lookup, so a TIMEOUT code is never mistaken for an HTTP status
	return new NodeApiError(node, { message, failure: failure.code, httpStatus: failure.status } as JsonObject, {
		message,
		description,
		httpCode: failure.status !== null ? String(failure.status) : undefined,
		itemIndex: i,
	});
}

/** The response cache in the workflow's static data, opened once per run when an item asks for it. */
function openCache(ctx: IExecuteFunctions, params: CardParams, state: RunState): CacheStore | undefined {
	if (params.mode !== 'fetch' || params.options.cacheTtlMs <= 0) return state.cache;
	if (!state.cache) {
		const staticData = ctx.getWorkflowStaticData('node');
		const existing = staticData[CACHE_STATIC_KEY];
		if (!existing || typeof existing !== 'object' || Array.isArray(existing)) staticData[CACHE_STATIC_KEY] = {};
		state.cache = staticData[CACHE_STATIC_KEY] as unknown as CacheStore;
	}
	return state.cache;
}

async function processItem(this: IExecuteFunctions, i: number, item: INodeExecutionData, state: RunState): Promise<INodeExecutionData> {
	const node = this.getNode();
	const params = readParameters(this, i, item);
	const cache = openCache(this, params, state);
	const built = stage(node, i, () => buildRequest(params));
	const { preview } = params;
	const outcome = preview
		? stage(node, i, () => previewOutcome(preview, params))
		: await fetchOutcome(this, i, params, built.request, cache);
	if (outcome.failure && !built.templates.fallback) throw callFailedError(node, i, built.request, outcome.failure, outcome);
	const card = stage(node, i, () => renderCard(built, outcome));
	const json = cardJson(params.mode, params.options.includeResponse, built, outcome, card);
	const { binaryName } = params.options;
	const binary = await this.helpers.prepareBinaryData(Buffer.from(card.html, 'utf8'), `${binaryName}.html`, 'text/html');
	return { json, binary: { [binaryName]: binary }, pairedItem: { item: i } };
}

/** Runs the node: one output item per input item, in order. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const state: RunState = {};
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			out.push(await processItem.call(this, i, items[i], state));
		} catch (error) {
			if (this.continueOnFail()) {
				out.push(errorItem(this.getNode(), error, i));
				continue;
			}
			throw toNodeError(this.getNode(), error, i);
		}
	}
	return [out];
}

/**
 * Conversation metadata: the one place that reads and writes `/ccaas/1/conversations/{id}/metadata`.
 *
 * Infobip's public API reference pages show only `GET` and `PUT` ("overwrites old metadata"); `PATCH` (set the
 * given keys, keep the others) appears only in an OpenAPI description. So a merge tries `PATCH` first and, when the
 * account refuses it (404, 405 or 501), merges here: `GET`, merge, `PUT`. That is a read-modify-write: a key another
 * writer sets between our GET and our PUT is overwritten (the window is one API round trip; see docs/sweep.md).
 *
 * "PATCH refused" is remembered for the rest of the node execution only, against the execution's context object (a
 * WeakMap entry that goes away with the context, as transport/pacer.ts keeps its pacer): nothing is shared between
 * executions, workers or nodes, and each execution finds out again (one refused PATCH) what its account accepts.
 * A 404 may also mean "no such conversation", so it is remembered only once the fallback PUT has succeeded.
 */
import { NodeApiError, NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { toNodeError } from '../../shared/errors';
import { conversationPath } from '../helpers/params';
import { infobipApiRequestWithHeaders, type InfobipResponse } from './index';

/** How a merge was written: one PATCH, or GET (or the caller's own fresh read) + merge + PUT. */
export type MetadataWritePath = 'PATCH' | 'GET+PUT';

/** Answers to PATCH …/metadata that mean "this account does not take PATCH here": merge with GET + PUT instead. */
export const PATCH_REFUSED_STATUSES: readonly string[] = ['404', '405', '501'];

export interface MetadataCallOptions {
	/** Sees the headers of every successful answer (the sweep reads the server's clock from `date`). */
	onHeaders?: (headers: InfobipResponse['headers']) => void;
}

export interface MergeOptions extends MetadataCallOptions {
	/**
	 * The conversation's metadata as the caller has just read it: used instead of a GET when the merge has to be
	 * done with PUT (the sweep's claim, whose read → write time is what its timing rule measures).
	 */
	current?: IDataObject;
}

export interface MergeResult {
	/** Infobip's answer to the write. */
	body: IDataObject;
	writePath: MetadataWritePath;
}

/** Execution context → the HTTP status with which PATCH was refused in this execution. */
const patchRefused = new WeakMap<object, string>();

/** The status with which PATCH …/metadata was refused in this execution, if it was. */
export function patchRefusedIn(ctx: object): string | undefined {
	return patchRefused.get(ctx);
}

function httpCodeOf(error: unknown): string | undefined {
	return error instanceof NodeApiError && error.httpCode ? String(error.httpCode) : undefined;
}

async function call(
	ctx: IExecuteFunctions,
	method: 'GET' | 'PUT' | 'PATCH',
	id: string,
	options: MetadataCallOptions,
	body?: IDataObject,
): Promise<IDataObject> {
	const res = await infobipApiRequestWithHeaders.call(ctx, { method, path: conversationPath(id, '/metadata'), ...(body ? { body } : {}) });
	options.onHeaders?.(res.headers);
	return res.body;
}

/** GET …/metadata answers the flat object; a `{metadata: {…}}` wrapper is accepted as well. */
export function metadataOf(body: IDataObject): IDataObject {
	const inner = body.metadata;
	return inner && typeof inner === 'object' && !Array.isArray(inner) && Object.keys(body).length === 1 ? (inner as IDataObject) : body;
}

/**
 * The conversation's metadata; `{}` when there is none (a conversation without metadata may answer 404). An answer
 * that is not a metadata object (a list, say) is an error: merging into it would write only the new keys and so
 * erase the others.
 */
export async function readMetadata(ctx: IExecuteFunctions, id: string, options: MetadataCallOptions = {}): Promise<IDataObject> {
	let body: IDataObject;
	try {
		body = metadataOf(await call(ctx, 'GET', id, options));
	} catch (error) {
		if (httpCodeOf(error) === '404') return {};
		throw toNodeError(ctx.getNode(), error);
	}
	if (Array.isArray(body)) {
		throw new NodeOperationError(ctx.getNode(), `Infobip answered GET …/metadata of conversation ${id} with a list, not a metadata object`, {
			description: 'Nothing was written: a merge needs the current keys to keep them. Check the base URL of the credential (a proxy in between?).',
		});
	}
	return body;
}

/** PUT …/metadata: the conversation's metadata becomes exactly `values`. */
export async function replaceMetadata(
	ctx: IExecuteFunctions,
	id: string,
	values: IDataObject,
	options: MetadataCallOptions = {},
): Promise<IDataObject> {
	return await call(ctx, 'PUT', id, options, values);
}

/**
 * Sets `values`, keeps the other keys: PATCH, or where the account refuses PATCH, GET + merge + PUT (see the module
 * comment). Any other error (400, 401, 403, 429 or 5xx after the transport's retries, network) is thrown as it is.
 */
export async function mergeMetadata(ctx: IExecuteFunctions, id: string, values: IDataObject, options: MergeOptions = {}): Promise<MergeResult> {
	let refusedNow: string | undefined;
	if (!patchRefused.has(ctx)) {
		try {
			return { body: await call(ctx, 'PATCH', id, options, values), writePath: 'PATCH' };
		} catch (error) {
			const status = httpCodeOf(error);
			if (!status || !PATCH_REFUSED_STATUSES.includes(status)) throw toNodeError(ctx.getNode(), error);
			refusedNow = status;
			// 405 and 501 say it of the method; a 404 may be about the conversation, so it waits for the PUT
			if (status !== '404') patchRefused.set(ctx, status);
		}
	}
	const current = options.current ?? (await readMetadata(ctx, id, options));
	let body: IDataObject;
	try {
		body = await call(ctx, 'PUT', id, options, { ...current, ...values });
	} catch (error) {
		if (refusedNow === '404' && httpCodeOf(error) === '404') {
			const e = error as NodeApiError;
			if (/^Infobip answered HTTP 404$/.test(e.message)) e.message = `Infobip: conversation ${id} not found`;
			e.description = [
				`Conversation ${id} was not found: PATCH and PUT of its metadata both answered 404.`,
				e.description,
			]
				.filter(Boolean)
				.join('\n');
		}
		throw toNodeError(ctx.getNode(), error);
	}
	if (refusedNow) patchRefused.set(ctx, refusedNow);
	return { body, writePath: 'GET+PUT' };
}

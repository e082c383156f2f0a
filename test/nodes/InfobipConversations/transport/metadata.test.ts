/**
 * Set Metadata "Merge" on an account that refuses PATCH …/metadata (Infobip's public pages show only GET and PUT):
 * the exact requests of the fallback (GET, merge, PUT), its per-execution memory, and what never triggers it.
 */
import nock from 'nock';
import { NodeApiError } from 'n8n-workflow';

jest.mock('../../../../nodes/InfobipConversations/transport/sleep', () => ({
	sleep: jest.fn(async () => undefined),
}));

import { InfobipConversations } from '../../../../nodes/InfobipConversations/InfobipConversations.node';
import { MAX_ATTEMPTS } from '../../../../nodes/InfobipConversations/transport';
import { patchRefusedIn } from '../../../../nodes/InfobipConversations/transport/metadata';
import { createExecuteContext, type FakeContext } from '../../../support/n8nContext';
import { useNock } from '../../../support/nock';

const API_KEY = 'secret-api-key-456';
const BASE = 'https://xyz.api.infobip.com';
const credentials = {
	infobipConversationsApi: { baseUrl: 'xyz.api.infobip.com', authScheme: 'apiKey', apiKey: API_KEY, defaultAgentId: '' },
};
const SUCCESS = { statusCode: 'SUCCESS', message: 'Metadata added to conversation successfully.' };
const refusal = (messageId: string, text: string) => ({ requestError: { serviceException: { messageId, text } } });
const METHOD_NOT_ALLOWED = refusal('METHOD_NOT_ALLOWED', 'Method not allowed');

/** Set Metadata Merge for the given conversation ids (one item each), one at a time unless said otherwise. */
function context(ids: string[], extra: { continueOnFail?: boolean; values?: (i: number) => Record<string, unknown>; concurrency?: number } = {}): FakeContext {
	return createExecuteContext({
		parameters: (i) => ({
			resource: 'conversation',
			operation: 'setMetadata',
			conversationId: ids[i],
			mode: 'merge',
			inputMode: 'json',
			metadataJson: JSON.stringify(extra.values?.(i) ?? { Intent: 'agent', Score: 0.9 }),
			options: { concurrency: extra.concurrency ?? 1 },
		}),
		items: ids.map((conversationId) => ({ json: { conversationId } })),
		credentials,
		continueOnFail: extra.continueOnFail,
	});
}

async function execute(ctx: FakeContext) {
	return (await new InfobipConversations().execute.call(ctx))[0];
}

const calls = (ctx: FakeContext) => ctx.httpLog.map((r) => `${r.method} ${r.url.replace(BASE, '')}`);
const path = (id: string) => `/ccaas/1/conversations/${id}/metadata`;

useNock();

describe('Set Metadata: the write path', () => {
	it('Merge where PATCH works: one PATCH, writePath "PATCH"; Replace: one PUT, writePath "PUT"', async () => {
		const scope = nock(BASE).patch(path('c1'), { Intent: 'agent', Score: 0.9 }).reply(200, SUCCESS);
		const ctx = context(['c1']);
		expect((await execute(ctx))[0].json).toEqual({ conversationId: 'c1', mode: 'merge', metadata: { Intent: 'agent', Score: 0.9 }, ...SUCCESS, writePath: 'PATCH' });
		expect(scope.isDone()).toBe(true);
		expect(patchRefusedIn(ctx)).toBeUndefined();

		const put = nock(BASE).put(path('c1'), { Model: 'CX-5' }).reply(200, SUCCESS);
		const replace = createExecuteContext({
			parameters: { resource: 'conversation', operation: 'setMetadata', conversationId: 'c1', mode: 'replace', inputMode: 'json', metadataJson: '{"Model":"CX-5"}' },
			credentials,
		});
		expect((await execute(replace))[0].json).toMatchObject({ mode: 'replace', writePath: 'PUT' });
		expect(put.isDone()).toBe(true);
		expect(calls(replace)).toEqual(['PUT /ccaas/1/conversations/c1/metadata']);
	});
});

describe('Set Metadata Merge: PATCH refused → GET + merge + PUT', () => {
	it('refuses to PUT when the GET does not answer a metadata object (a merge would erase the other keys)', async () => {
		const scope = nock(BASE).patch(path('c1')).reply(405, METHOD_NOT_ALLOWED).get(path('c1')).reply(200, ['Model', 'CX-5']);
		const ctx = context(['c1']);
		await expect(execute(ctx)).rejects.toThrow(/answered GET …\/metadata of conversation c1 with a list/);
		expect(scope.isDone()).toBe(true);
		expect(calls(ctx)).not.toContain('PUT /ccaas/1/conversations/c1/metadata');
	});

	// 501 Not Implemented is about the method: the transport does not retry it (other 5xx it does)
	it.each([
		[405, METHOD_NOT_ALLOWED, 1],
		[501, refusal('NOT_IMPLEMENTED', 'Not implemented'), 1],
	])('PATCH %i: GET, then PUT of the merged metadata; the next item of the execution goes straight to GET + PUT', async (status, body, attempts) => {
		const scope = nock(BASE, { reqheaders: { authorization: `App ${API_KEY}` } })
			.patch(path('c1'), { Intent: 'agent', Score: 0.9 })
			.times(attempts)
			.reply(status, body)
			.get(path('c1'))
			.reply(200, { Model: 'CX-5', Intent: 'old' })
			.put(path('c1'), (b) => JSON.stringify(b) === JSON.stringify({ Model: 'CX-5', Intent: 'agent', Score: 0.9 }))
			.reply(200, SUCCESS)
			// second item: no PATCH at all
			.get(path('c2'))
			.reply(200, { metadata: { Channel: 'SMS' } })
			.put(path('c2'), (b) => JSON.stringify(b) === JSON.stringify({ Channel: 'SMS', Intent: 'agent', Score: 0.9 }))
			.reply(200, SUCCESS);
		const ctx = context(['c1', 'c2']);
		const out = await execute(ctx);
		expect(scope.isDone()).toBe(true);
		expect(calls(ctx)).toEqual([
			...Array(attempts).fill('PATCH /ccaas/1/conversations/c1/metadata'),
			'GET /ccaas/1/conversations/c1/metadata',
			'PUT /ccaas/1/conversations/c1/metadata',
			'GET /ccaas/1/conversations/c2/metadata',
			'PUT /ccaas/1/conversations/c2/metadata',
		]);
		expect(out.map((i) => [i.json.conversationId, i.json.writePath, i.pairedItem])).toEqual([
			['c1', 'GET+PUT', { item: 0 }],
			['c2', 'GET+PUT', { item: 1 }],
		]);
		// the item shows what was asked for, not the whole merged object
		expect(out[0].json).toEqual({ conversationId: 'c1', mode: 'merge', metadata: { Intent: 'agent', Score: 0.9 }, ...SUCCESS, writePath: 'GET+PUT' });
		expect(patchRefusedIn(ctx)).toBe(String(status));
		expect(JSON.stringify([out, ctx.logs])).not.toContain(API_KEY);
	});

	it('nothing survives the execution: the next execution tries PATCH again', async () => {
		nock(BASE).patch(path('c1')).reply(405, METHOD_NOT_ALLOWED).get(path('c1')).reply(200, {}).put(path('c1')).reply(200, SUCCESS);
		const first = context(['c1']);
		await execute(first);
		const scope = nock(BASE).patch(path('c1')).reply(200, SUCCESS);
		const second = context(['c1']);
		expect((await execute(second))[0].json.writePath).toBe('PATCH');
		expect(scope.isDone()).toBe(true);
		expect(calls(second)).toEqual(['PATCH /ccaas/1/conversations/c1/metadata']);
	});

	it('a conversation without metadata (GET 404) is merged into {}', async () => {
		const scope = nock(BASE)
			.patch(path('c1'))
			.reply(405, METHOD_NOT_ALLOWED)
			.get(path('c1'))
			.reply(404, refusal('NOT_FOUND', 'Metadata not found'))
			.put(path('c1'), { Intent: 'agent', Score: 0.9 })
			.reply(200, SUCCESS);
		const out = await execute(context(['c1']));
		expect(scope.isDone()).toBe(true);
		expect(out[0].json.writePath).toBe('GET+PUT');
	});

	it('PATCH 404 then PUT 200: PATCH is taken as refused for the rest of the execution', async () => {
		const scope = nock(BASE)
			.patch(path('c1'))
			.reply(404, refusal('NOT_FOUND', 'Not found'))
			.get(path('c1'))
			.reply(200, { Model: 'CX-5' })
			.put(path('c1'), { Model: 'CX-5', Intent: 'agent', Score: 0.9 })
			.reply(200, SUCCESS)
			.get(path('c2'))
			.reply(200, {})
			.put(path('c2'))
			.reply(200, SUCCESS);
		const ctx = context(['c1', 'c2']);
		await execute(ctx);
		expect(scope.isDone()).toBe(true);
		expect(calls(ctx).filter((c) => c.startsWith('PATCH'))).toEqual(['PATCH /ccaas/1/conversations/c1/metadata']);
		expect(patchRefusedIn(ctx)).toBe('404');
	});

	it('PATCH 404 and PUT 404: a clear "conversation not found" error, and PATCH is not remembered as refused', async () => {
		const scope = nock(BASE)
			.patch(path('gone'))
			.reply(404, refusal('NOT_FOUND', 'Conversation gone not found'))
			.get(path('gone'))
			.reply(404, refusal('NOT_FOUND', 'Conversation gone not found'))
			.put(path('gone'))
			.reply(404, refusal('NOT_FOUND', 'Conversation gone not found'))
			// the next item PATCHes as usual
			.patch(path('c2'))
			.reply(200, SUCCESS);
		const ctx = context(['gone', 'c2'], { continueOnFail: true });
		const out = await execute(ctx);
		expect(scope.isDone()).toBe(true);
		expect(out[0].pairedItem).toEqual({ item: 0 });
		expect(out[0].json.error).toBe('Infobip: Conversation gone not found');
		expect(String(out[0].json.description)).toMatch(/^Conversation gone was not found: PATCH and PUT of its metadata both answered 404\.\nPUT \/ccaas\/1\/conversations\/gone\/metadata → 404 NOT_FOUND/);
		expect(String(out[0].json.error) + String(out[0].json.description)).not.toMatch(/method not allowed/i);
		expect(out[1].json).toMatchObject({ conversationId: 'c2', writePath: 'PATCH' });
		expect(patchRefusedIn(ctx)).toBeUndefined();

		// without a text in Infobip's answer the message still says what is wrong; without Continue On Fail it is thrown
		nock(BASE).patch(path('gone')).reply(404).get(path('gone')).reply(404).put(path('gone')).reply(404);
		const error = await execute(context(['gone'])).catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Infobip: conversation gone not found');
		expect(error.httpCode).toBe('404');
	});

	it('PATCH 405 and PUT 404: the PUT\'s not-found error is what the user sees', async () => {
		nock(BASE)
			.patch(path('gone'))
			.reply(405, METHOD_NOT_ALLOWED)
			.get(path('gone'))
			.reply(404, refusal('NOT_FOUND', 'Conversation gone not found'))
			.put(path('gone'))
			.reply(404, refusal('NOT_FOUND', 'Conversation gone not found'));
		const error = await execute(context(['gone'])).catch((e) => e);
		expect(error.message).toBe('Infobip: Conversation gone not found');
		expect(error.description).toMatch(/PUT \/ccaas\/1\/conversations\/gone\/metadata → 404/);
	});

	it.each([
		[400, { statusCode: 'ERROR', message: 'Metadata value too long' }, 'Infobip: Metadata value too long', 1],
		[401, refusal('UNAUTHORIZED', 'Invalid login details'), 'Infobip: Invalid login details', 1],
		[403, refusal('FORBIDDEN', 'Forbidden'), 'Infobip: Forbidden', 1],
		[500, refusal('GENERAL_ERROR', 'Something went wrong.'), 'Infobip: Something went wrong.', MAX_ATTEMPTS],
	])('PATCH %i never triggers the fallback (after the transport\'s retries): no GET, no PUT', async (status, body, message, attempts) => {
		const scope = nock(BASE).patch(path('c1')).times(attempts).reply(status, body);
		const ctx = context(['c1']);
		const error = await execute(ctx).catch((e) => e);
		expect(scope.isDone()).toBe(true);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(message);
		expect(error.httpCode).toBe(String(status));
		expect(calls(ctx)).toEqual(Array(attempts).fill('PATCH /ccaas/1/conversations/c1/metadata'));
		expect(patchRefusedIn(ctx)).toBeUndefined();
	});

	it('a 429 is retried as a PATCH and never triggers the fallback', async () => {
		const scope = nock(BASE)
			.patch(path('c1'))
			.times(MAX_ATTEMPTS)
			.reply(429, refusal('TOO_MANY_REQUESTS', 'Too many requests'), { 'Retry-After': '0' });
		const ctx = context(['c1']);
		const error = await execute(ctx).catch((e) => e);
		expect(scope.isDone()).toBe(true);
		expect(error.message).toBe(`Infobip: Too many requests (rate limited after ${MAX_ATTEMPTS} attempts)`);
		expect(calls(ctx).every((c) => c.startsWith('PATCH'))).toBe(true);
	});

	it('Continue On Fail: one error item per failed input item, paired; the others are merged with GET + PUT', async () => {
		const scope = nock(BASE)
			.patch(path('c1'))
			.reply(405, METHOD_NOT_ALLOWED)
			.get(path('c1'))
			.reply(200, { A: 1 })
			.put(path('c1'), { A: 1, Intent: 'agent', Score: 0.9 })
			.reply(200, SUCCESS)
			// c2: the GET fails (after retries): an error item, no PUT
			.get(path('c2'))
			.times(MAX_ATTEMPTS)
			.reply(503, refusal('GENERAL_ERROR', 'Service unavailable'))
			// c3: the PUT is refused
			.get(path('c3'))
			.reply(200, {})
			.put(path('c3'))
			.reply(400, { statusCode: 'ERROR', message: 'Too many metadata keys' })
			.get(path('c4'))
			.reply(200, { B: true })
			.put(path('c4'), { B: true, Intent: 'agent', Score: 0.9 })
			.reply(200, SUCCESS);
		const ctx = context(['c1', 'c2', 'c3', 'c4'], { continueOnFail: true });
		const out = await execute(ctx);
		expect(scope.isDone()).toBe(true);
		expect(out).toHaveLength(4);
		expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(out[0].json.writePath).toBe('GET+PUT');
		expect(out[1].json).toEqual({ error: 'Infobip: Service unavailable', description: expect.stringContaining('GET /ccaas/1/conversations/c2/metadata → 503') });
		expect(out[2].json).toEqual({ error: 'Infobip: Too many metadata keys', description: expect.stringContaining('PUT /ccaas/1/conversations/c3/metadata → 400') });
		expect(out[3].json.writePath).toBe('GET+PUT');
		expect(calls(ctx).filter((c) => c.startsWith('PATCH'))).toHaveLength(1);
	});

	it('items running in parallel: each PATCH sent before the first refusal is refused once; all are merged', async () => {
		const ids = ['p1', 'p2', 'p3'];
		const scope = nock(BASE);
		for (const id of ids) {
			scope.patch(path(id)).optionally().reply(405, METHOD_NOT_ALLOWED).get(path(id)).reply(200, { Keep: id }).put(path(id), { Keep: id, Intent: 'agent', Score: 0.9 }).reply(200, SUCCESS);
		}
		const ctx = context(ids, { concurrency: 3 });
		const out = await execute(ctx);
		expect(scope.isDone()).toBe(true);
		expect(out.map((i) => i.json.writePath)).toEqual(['GET+PUT', 'GET+PUT', 'GET+PUT']);
		const patches = calls(ctx).filter((c) => c.startsWith('PATCH'));
		expect(patches.length).toBeGreaterThanOrEqual(1);
		expect(new Set(patches).size).toBe(patches.length);
	});
});

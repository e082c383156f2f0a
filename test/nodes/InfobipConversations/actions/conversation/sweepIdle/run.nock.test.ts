/**
 * The exact HTTP requests of one sweep step, pinned with nock: probe, list with server-side filters,
 * last-message read, metadata claim (read → PATCH → read again after the settle time), re-checks, close, record.
 */
import nock from 'nock';

jest.mock('../../../../../../nodes/InfobipConversations/transport/sleep', () => ({
	sleep: jest.fn(async () => undefined),
}));

import { sleep } from '../../../../../../nodes/InfobipConversations/transport/sleep';
import { runSweep, sweepContext } from '../../../../../support/sweep';
import { useNock } from '../../../../../support/nock';

const BASE = 'https://xyz.api.infobip.com';
const API_KEY = 'nock-secret-api-key';
const emu = { url: 'xyz.api.infobip.com', apiKey: API_KEY, botAgentId: 'bot-1' };
const SERVER_DATE = 'Wed, 01 Jan 2031 12:00:00 GMT';
const headers = { Date: SERVER_DATE };
const conversation = {
	id: 'c1',
	status: 'OPEN',
	priority: 'NORMAL',
	queueId: 'q1',
	agentId: 'bot-1',
	createdAt: '2031-01-01T10:00:00.000+0000',
	updatedAt: '2031-01-01T11:15:00.000+0000',
};
const lastMessage = {
	id: 'm1',
	conversationId: 'c1',
	from: '385911111111',
	to: '447860099299',
	channel: 'WHATSAPP',
	direction: 'INBOUND',
	contentType: 'TEXT',
	content: { text: 'hi' },
	createdAt: '2031-01-01T11:15:00.000+0000',
};
const page = (items: unknown[]) => ({ conversations: items, pagination: { totalItems: items.length, page: 0, limit: 100 } });
const CLAIM = /^test-execution-[0-9a-f]{8}@2031-01-01T12:00:0\d\.\d{3}Z$/;

useNock();
afterEach(() => (sleep as jest.Mock).mockClear());

/** The listing query: exact keys and values; updatedBefore = server now − 30 min (server now from Date). */
function listQuery(q: Record<string, unknown>) {
	const { updatedBefore, ...rest } = q;
	const t = Date.parse(String(updatedBefore).replace('+0000', 'Z'));
	return (
		JSON.stringify(rest) === JSON.stringify({ agentId: 'bot-1', status: 'OPEN', orderBy: 'updatedAt:asc', limit: '100', page: '0' }) &&
		/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/.test(String(updatedBefore)) &&
		t >= Date.UTC(2031, 0, 1, 11, 30, 0) &&
		t < Date.UTC(2031, 0, 1, 11, 30, 5)
	);
}

/** One idle conversation, closed: every request in order. */
function closeStep(opts: { message?: boolean } = {}) {
	let claim = '';
	const scope = nock(BASE, { reqheaders: { authorization: `App ${API_KEY}`, accept: 'application/json' }, badheaders: opts.message ? [] : ['x-agent-id'] })
		.get('/ccaas/1/conversations')
		.query({ agentId: 'bot-1', status: 'OPEN', limit: '1' })
		.reply(200, page([conversation]), headers)
		.get('/ccaas/1/conversations')
		.query(listQuery)
		.reply(200, page([conversation]), headers)
		.get('/ccaas/1/conversations/c1/messages')
		.query({ limit: '2', orderBy: 'createdAt:desc' })
		.reply(200, { messages: [lastMessage] }, headers)
		.get('/ccaas/1/conversations/c1/metadata')
		.reply(200, { Model: 'CX-5' }, headers)
		.patch('/ccaas/1/conversations/c1/metadata', (body) => {
			claim = body.idleSweep;
			return Object.keys(body).length === 1 && CLAIM.test(body.idleSweep);
		})
		.reply(200, { statusCode: 'SUCCESS', message: 'Metadata added to conversation successfully.' }, headers)
		// after the settle time: claim still ours, nothing changed
		.get('/ccaas/1/conversations/c1/metadata')
		.reply(200, () => ({ Model: 'CX-5', idleSweep: claim }), headers)
		.get('/ccaas/1/conversations/c1/messages')
		.query({ limit: '2', orderBy: 'createdAt:desc' })
		.reply(200, { messages: [lastMessage] }, headers)
		.get('/ccaas/1/conversations/c1')
		.reply(200, conversation, headers);
	if (opts.message) {
		scope
			.post(
				'/ccaas/1/conversations/c1/messages',
				{ from: '447860099299', to: '385911111111', channel: 'WHATSAPP', contentType: 'TEXT', content: { text: 'Bye for now' } },
			)
			.matchHeader('x-agent-id', 'bot-1')
			.reply(200, { id: 'out-1', direction: 'OUTBOUND' }, headers);
	}
	scope
		.patch('/ccaas/1/conversations/c1', { status: 'CLOSED' })
		.reply(200, { ...conversation, status: 'CLOSED' }, headers)
		.patch('/ccaas/1/conversations/c1/metadata', (body) =>
			/^Closed by n8n idle sweep at 2031-01-01T12:00:0\d\.\d{3}Z after 45 min idle \(run test-execution-[0-9a-f]{8}\)$/.test(body.idleSweep),
		)
		.reply(200, { statusCode: 'SUCCESS' }, headers)
		// the same page again: nothing new, done
		.get('/ccaas/1/conversations')
		.query(listQuery)
		.reply(200, page([]), headers);
	return scope;
}

describe('Sweep Idle Sessions: a server that ignores orderBy on messages', () => {
	it('notices the oldest-first answer, reads the newest message from the last page and leaves an active conversation alone', async () => {
		const old = { ...lastMessage, id: 'm0', createdAt: '2031-01-01T10:00:00.000+0000' };
		const fresh = { ...lastMessage, id: 'm9', createdAt: '2031-01-01T11:58:00.000+0000' };
		const scope = nock(BASE)
			.get('/ccaas/1/conversations')
			.query({ agentId: 'bot-1', status: 'OPEN', limit: '1' })
			.reply(200, page([conversation]), headers)
			.get('/ccaas/1/conversations')
			.query(listQuery)
			.reply(200, page([conversation]), headers)
			// asked newest first, answered oldest first
			.get('/ccaas/1/conversations/c1/messages')
			.query({ limit: '2', orderBy: 'createdAt:desc' })
			.reply(200, { messages: [old, lastMessage], pagination: { totalItems: 7, page: 0, limit: 2 } }, headers)
			.get('/ccaas/1/conversations/c1/messages')
			.query({ limit: '1', page: '6' })
			.reply(200, { messages: [fresh], pagination: { totalItems: 7, page: 6, limit: 1 } }, headers)
			// the page read again after processing (closing shifts pages): nothing new, done
			.get('/ccaas/1/conversations')
			.query(listQuery)
			.reply(200, page([conversation]), headers);
		const out = await runSweep(sweepContext(emu, { sweepOptions: { output: 'summary' } }));
		expect(scope.isDone()).toBe(true);
		expect(out[0]).toMatchObject({ acted: 0, notIdle: 1, candidates: 0 });
	});
});

describe('Sweep Idle Sessions: exact requests (nock)', () => {
	it('one step without a message: probe, list, last message, claim, settle, re-check, close, record', async () => {
		const scope = closeStep();
		const ctx = sweepContext(emu, { sweepOptions: { output: 'both', claimSettleMs: 1000 } });
		const out = await runSweep(ctx);
		expect(scope.isDone()).toBe(true);
		expect(out[0]).toEqual({
			type: 'conversation',
			conversationId: 'c1',
			lastActivityAt: '2031-01-01T11:15:00.000Z',
			idleMinutes: expect.any(Number),
			channel: 'WHATSAPP',
			status: 'OPEN',
			queueId: 'q1',
			action: 'close',
			dryRun: false,
			messageSent: false,
			runId: expect.stringMatching(/^test-execution-[0-9a-f]{8}$/),
			result: 'closed',
		});
		expect(out[0].idleMinutes).toBeGreaterThanOrEqual(45);
		expect(out[1]).toMatchObject({ type: 'summary', serverTime: expect.stringMatching(/^2031-01-01T12:00:0/), clockSource: 'server', acted: 1, pageReads: 2, metadataWritePath: 'PATCH' });
		// the settle wait: one sleep of about the settle time for the page
		const waits = (sleep as jest.Mock).mock.calls.map((c) => c[0] as number);
		expect(waits).toHaveLength(1);
		expect(waits[0]).toBeGreaterThan(900);
		expect(waits[0]).toBeLessThanOrEqual(1000);
		// in this order (the three re-checks run in parallel)
		expect(ctx.httpLog.map((r) => `${r.method} ${r.url.replace(BASE, '')}`)).toEqual([
			'GET /ccaas/1/conversations',
			'GET /ccaas/1/conversations',
			'GET /ccaas/1/conversations/c1/messages',
			'GET /ccaas/1/conversations/c1/metadata',
			'PATCH /ccaas/1/conversations/c1/metadata',
			'GET /ccaas/1/conversations/c1/metadata',
			'GET /ccaas/1/conversations/c1/messages',
			'GET /ccaas/1/conversations/c1',
			'PATCH /ccaas/1/conversations/c1',
			'PATCH /ccaas/1/conversations/c1/metadata',
			'GET /ccaas/1/conversations',
		]);
		expect(JSON.stringify([out, ctx.logs])).not.toContain(API_KEY);
	});

	it('with a message: sent as the bot (x-agent-id) to the customer on the same channel, then closed', async () => {
		const scope = closeStep({ message: true });
		const out = await runSweep(sweepContext(emu, { messageText: 'Bye for now' }));
		expect(scope.isDone()).toBe(true);
		expect(out).toEqual([expect.objectContaining({ result: 'closed', messageSent: true })]);
	});

	it('an account that refuses PATCH …/metadata: the claim is a PUT of the metadata just read (no second GET), the record a GET + PUT', async () => {
		let claim = '';
		const methodNotAllowed = { requestError: { serviceException: { messageId: 'METHOD_NOT_ALLOWED', text: 'Method not allowed' } } };
		const scope = nock(BASE, { reqheaders: { authorization: `App ${API_KEY}` } })
			.get('/ccaas/1/conversations')
			.query({ agentId: 'bot-1', status: 'OPEN', limit: '1' })
			.reply(200, page([conversation]), headers)
			.get('/ccaas/1/conversations')
			.query(listQuery)
			.reply(200, page([conversation]), headers)
			.get('/ccaas/1/conversations/c1/messages')
			.query({ limit: '2', orderBy: 'createdAt:desc' })
			.reply(200, { messages: [lastMessage] }, headers)
			.get('/ccaas/1/conversations/c1/metadata')
			.reply(200, { Model: 'CX-5' }, headers)
			.patch('/ccaas/1/conversations/c1/metadata', (body) => CLAIM.test(body.idleSweep))
			.reply(405, methodNotAllowed, { ...headers, Allow: 'GET, PUT' })
			.put('/ccaas/1/conversations/c1/metadata', (body) => {
				claim = body.idleSweep;
				return JSON.stringify(Object.keys(body)) === '["Model","idleSweep"]' && body.Model === 'CX-5' && CLAIM.test(body.idleSweep);
			})
			.reply(200, { statusCode: 'SUCCESS' }, headers)
			.get('/ccaas/1/conversations/c1/metadata')
			.reply(200, () => ({ Model: 'CX-5', idleSweep: claim }), headers)
			.get('/ccaas/1/conversations/c1/messages')
			.query({ limit: '2', orderBy: 'createdAt:desc' })
			.reply(200, { messages: [lastMessage] }, headers)
			.get('/ccaas/1/conversations/c1')
			.reply(200, conversation, headers)
			.patch('/ccaas/1/conversations/c1', { status: 'CLOSED' })
			.reply(200, { ...conversation, status: 'CLOSED' }, headers)
			// the record: read again (an agent may have added keys meanwhile), then PUT with the record
			.get('/ccaas/1/conversations/c1/metadata')
			.reply(200, () => ({ Model: 'CX-5', idleSweep: claim, Note: 'added by an agent' }), headers)
			.put('/ccaas/1/conversations/c1/metadata', (body) =>
				body.Model === 'CX-5' && body.Note === 'added by an agent' && /^Closed by n8n idle sweep at /.test(body.idleSweep) && Object.keys(body).length === 3,
			)
			.reply(200, { statusCode: 'SUCCESS' }, headers)
			.get('/ccaas/1/conversations')
			.query(listQuery)
			.reply(200, page([]), headers);
		const ctx = sweepContext(emu, { sweepOptions: { output: 'both', claimSettleMs: 1000 } });
		const out = await runSweep(ctx);
		expect(scope.isDone()).toBe(true);
		expect(out[0]).toMatchObject({ conversationId: 'c1', result: 'closed' });
		expect(out[1]).toMatchObject({ type: 'summary', acted: 1, failed: 0, metadataWritePath: 'GET+PUT' });
		expect(ctx.httpLog.map((r) => `${r.method} ${r.url.replace(BASE, '')}`)).toEqual([
			'GET /ccaas/1/conversations',
			'GET /ccaas/1/conversations',
			'GET /ccaas/1/conversations/c1/messages',
			'GET /ccaas/1/conversations/c1/metadata',
			'PATCH /ccaas/1/conversations/c1/metadata',
			'PUT /ccaas/1/conversations/c1/metadata',
			'GET /ccaas/1/conversations/c1/metadata',
			'GET /ccaas/1/conversations/c1/messages',
			'GET /ccaas/1/conversations/c1',
			'PATCH /ccaas/1/conversations/c1',
			'GET /ccaas/1/conversations/c1/metadata',
			'PUT /ccaas/1/conversations/c1/metadata',
			'GET /ccaas/1/conversations',
		]);
	});

	it('a report-only run writes no metadata: metadataWritePath is null', async () => {
		const scope = nock(BASE)
			.get('/ccaas/1/conversations')
			.query(true)
			.reply(200, page([]), headers)
			.get('/ccaas/1/conversations')
			.query(listQuery)
			.reply(200, page([conversation]), headers)
			.get('/ccaas/1/conversations/c1/messages')
			.query(true)
			.reply(200, { messages: [lastMessage] }, headers);
		const out = await runSweep(sweepContext(emu, { sweepAction: 'report', sweepOptions: { output: 'summary' } }));
		expect(scope.isDone()).toBe(true);
		expect(out[0]).toMatchObject({ type: 'summary', candidates: 1, metadataWritePath: null });
	});

	it('a fresh claim of another run: no claim write, no action', async () => {
		const scope = nock(BASE)
			.get('/ccaas/1/conversations')
			.query({ agentId: 'bot-1', status: 'OPEN', limit: '1' })
			.reply(200, page([conversation]), headers)
			.get('/ccaas/1/conversations')
			.query(listQuery)
			.reply(200, page([conversation]), headers)
			.get('/ccaas/1/conversations/c1/messages')
			.query(true)
			.reply(200, { messages: [lastMessage] }, headers)
			.get('/ccaas/1/conversations/c1/metadata')
			.reply(200, { idleSweep: 'other-run@2031-01-01T11:59:00.000Z' }, headers)
			.get('/ccaas/1/conversations')
			.query(listQuery)
			.reply(200, page([conversation]), headers);
		const out = await runSweep(sweepContext(emu, {}));
		expect(scope.isDone()).toBe(true);
		expect(out).toEqual([expect.objectContaining({ conversationId: 'c1', result: 'skipped-claimed' })]);
		expect(sleep).not.toHaveBeenCalled();
	});

	it('a conversation without metadata may answer 404 on GET metadata: treated as no claim', async () => {
		let claim = '';
		const notFound = { requestError: { serviceException: { messageId: 'NOT_FOUND', text: 'Metadata not found' } } };
		const scope = nock(BASE)
			.get('/ccaas/1/conversations')
			.query(true)
			.reply(200, page([conversation]), headers)
			.get('/ccaas/1/conversations')
			.query(listQuery)
			.reply(200, page([conversation]), headers)
			.get('/ccaas/1/conversations/c1/messages')
			.query(true)
			.reply(200, { messages: [lastMessage] }, headers)
			.get('/ccaas/1/conversations/c1/metadata')
			.reply(404, notFound, headers)
			.patch('/ccaas/1/conversations/c1/metadata', (b) => ((claim = b.idleSweep), CLAIM.test(b.idleSweep)))
			.reply(200, {}, headers)
			.get('/ccaas/1/conversations/c1/metadata')
			.reply(200, () => ({ idleSweep: claim }), headers)
			.get('/ccaas/1/conversations/c1/messages')
			.query(true)
			.reply(200, { messages: [lastMessage] }, headers)
			.get('/ccaas/1/conversations/c1')
			.reply(200, conversation, headers)
			.post('/ccaas/1/conversations/c1/route')
			.reply(200, { conversations: [{ ...conversation, agentId: null }] }, headers)
			.patch('/ccaas/1/conversations/c1/metadata', (b) => /^Routed to agents by n8n idle sweep/.test(b.idleSweep))
			.reply(200, {}, headers)
			.get('/ccaas/1/conversations')
			.query(listQuery)
			.reply(200, page([]), headers);
		const out = await runSweep(sweepContext(emu, { sweepAction: 'route' }));
		expect(scope.isDone()).toBe(true);
		expect(out).toEqual([expect.objectContaining({ result: 'routed', action: 'route' })]);
	});

	it('a 429 on the listing is retried after Retry-After; a 500 on the message is reconciled, never sent twice', async () => {
		let claim = '';
		const scope = nock(BASE)
			.get('/ccaas/1/conversations')
			.query({ agentId: 'bot-1', status: 'OPEN', limit: '1' })
			.reply(200, page([conversation]), headers)
			.get('/ccaas/1/conversations')
			.query(listQuery)
			.reply(429, { requestError: { serviceException: { messageId: 'TOO_MANY_REQUESTS', text: 'Too many requests' } } }, { ...headers, 'Retry-After': '3' })
			.get('/ccaas/1/conversations')
			.query(listQuery)
			.reply(200, page([conversation]), headers)
			.get('/ccaas/1/conversations/c1/messages')
			.query(true)
			.reply(200, { messages: [lastMessage] }, headers)
			.get('/ccaas/1/conversations/c1/metadata')
			.reply(200, {}, headers)
			.patch('/ccaas/1/conversations/c1/metadata', (b) => ((claim = b.idleSweep), true))
			.reply(200, {}, headers)
			.get('/ccaas/1/conversations/c1/metadata')
			.reply(200, () => ({ idleSweep: claim }), headers)
			.get('/ccaas/1/conversations/c1/messages')
			.query(true)
			.reply(200, { messages: [lastMessage] }, headers)
			.get('/ccaas/1/conversations/c1')
			.reply(200, conversation, headers)
			.post('/ccaas/1/conversations/c1/messages')
			.reply(500, { requestError: { serviceException: { messageId: 'GENERAL_ERROR', text: 'Something went wrong.' } } }, headers)
			// reconcile: the message was created after all
			.get('/ccaas/1/conversations/c1/messages')
			.query({ direction: 'OUTBOUND', orderBy: 'createdAt:desc', limit: '20' })
			.reply(200, { messages: [{ id: 'out-9', to: '385911111111', contentType: 'TEXT', content: { text: 'Bye' }, createdAt: '2031-01-01T12:00:01.000+0000' }] }, headers)
			.patch('/ccaas/1/conversations/c1', { status: 'CLOSED' })
			.reply(503, { requestError: { serviceException: { messageId: 'GENERAL_ERROR', text: 'busy' } } }, headers)
			.patch('/ccaas/1/conversations/c1', { status: 'CLOSED' })
			.reply(200, { ...conversation, status: 'CLOSED' }, headers)
			.patch('/ccaas/1/conversations/c1/metadata')
			.reply(200, {}, headers)
			.get('/ccaas/1/conversations')
			.query(listQuery)
			.reply(200, page([]), headers);
		const out = await runSweep(sweepContext(emu, { messageText: 'Bye' }));
		expect(scope.isDone()).toBe(true);
		expect(out).toEqual([expect.objectContaining({ result: 'closed', messageSent: true })]);
		expect((sleep as jest.Mock).mock.calls[0][0]).toBe(3000);
	});

	it('without a Date header the local clock is used (and the summary says so)', async () => {
		const now = Date.now();
		const fresh = { ...lastMessage, createdAt: new Date(now - 45 * 60_000).toISOString().replace('Z', '+0000') };
		const scope = nock(BASE)
			.get('/ccaas/1/conversations')
			.query(true)
			.reply(200, page([]))
			.get('/ccaas/1/conversations')
			.query((q) => Math.abs(Date.parse(String(q.updatedBefore).replace('+0000', 'Z')) - (now - 30 * 60_000)) < 5000)
			.reply(200, page([conversation]))
			.get('/ccaas/1/conversations/c1/messages')
			.query(true)
			.reply(200, { messages: [fresh] });
		const out = await runSweep(sweepContext(emu, { sweepAction: 'report', sweepOptions: { output: 'both' } }));
		expect(scope.isDone()).toBe(true);
		expect(out[0]).toMatchObject({ result: 'reported', idleMinutes: 45 });
		expect(out[1]).toMatchObject({ clockSource: 'local', acted: 0, candidates: 1 });
	});
});

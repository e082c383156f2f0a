/**
 * "Max Requests per Second": the pacer itself (with an injected clock) and its use by the node (nock, with the
 * transport's sleep replaced so the waits it asks for are recorded instead of waited).
 */
import nock from 'nock';
import { NodeOperationError } from 'n8n-workflow';

jest.mock('../../../../nodes/InfobipConversations/transport/sleep', () => ({
	sleep: jest.fn(async () => undefined),
}));

import { sleep } from '../../../../nodes/InfobipConversations/transport/sleep';
import { InfobipConversations } from '../../../../nodes/InfobipConversations/InfobipConversations.node';
import { PACING_MARGIN, RequestPacer, pacerOf, pacingIntervalMs, startPacing, type PacerClock } from '../../../../nodes/InfobipConversations/transport/pacer';
import { createExecuteContext } from '../../../support/n8nContext';
import { useNock } from '../../../support/nock';

const BASE = 'https://xyz.api.infobip.com';
const credentials = {
	infobipConversationsApi: { baseUrl: BASE, authScheme: 'apiKey', apiKey: 'pacing-key', defaultAgentId: 'bot-1' },
};
const sendParams = {
	resource: 'message',
	operation: 'send',
	agentId: '',
	from: '447860099299',
	to: '385911111111',
	channel: 'WHATSAPP',
	contentType: 'TEXT',
	text: 'Hello',
};
const sleepMock = sleep as jest.Mock;

/** A clock that only moves when told to; sleep() records the wait and moves the clock by it. */
function fakeClock(start = 1000): PacerClock & { waits: number[]; t: number } {
	const clock = {
		t: start,
		waits: [] as number[],
		now: () => clock.t,
		sleep: async (ms: number) => {
			clock.waits.push(ms);
		},
	};
	return clock;
}

useNock();
afterEach(() => sleepMock.mockClear());

describe('RequestPacer', () => {
	it('spaces calls evenly, 5 % wider than 1/limit, in the order they ask', async () => {
		expect(pacingIntervalMs(20)).toBeCloseTo(50 * PACING_MARGIN, 10);
		const clock = fakeClock();
		const pacer = new RequestPacer(20, clock);
		const order: number[] = [];
		await Promise.all([0, 1, 2, 3].map(async (k) => {
			await pacer.take();
			order.push(k);
		}));
		// the first goes at once; the others wait 1, 2 and 3 intervals from the same "now"
		expect(clock.waits).toEqual([52.5, 105, 157.5].map((ms) => expect.closeTo(ms, 6)));
		expect(order).toEqual([0, 1, 2, 3]);
	});

	it('keeps no credit for idle time: after a pause the next calls are spaced again (no burst)', async () => {
		const clock = fakeClock();
		const pacer = new RequestPacer(10, clock);
		await pacer.take();
		clock.t += 60_000;
		await pacer.take();
		await pacer.take();
		await pacer.take();
		expect(clock.waits).toEqual([105, 210].map((ms) => expect.closeTo(ms, 6)));
	});

	it('waits only for the rest of the interval, and not at all once its slot has passed', async () => {
		const clock = fakeClock();
		const pacer = new RequestPacer(4, clock);
		await pacer.take();
		clock.t += 100;
		await pacer.take();
		expect(clock.waits).toEqual([expect.closeTo(262.5 - 100, 6)]);
		clock.t += 10_000;
		await pacer.take();
		expect(clock.waits).toHaveLength(1);
	});

	it('belongs to one execution context: another context has none, 0 removes it', () => {
		const a = {};
		const b = {};
		const pacer = startPacing(a, 5);
		expect(pacerOf(a)).toBe(pacer);
		expect(pacerOf(b)).toBeUndefined();
		expect(startPacing(a, 0)).toBeUndefined();
		expect(pacerOf(a)).toBeUndefined();
	});
});

describe('Infobip Conversations node with Max Requests per Second', () => {
	const waits = () => sleepMock.mock.calls.map(([ms]) => ms as number);
	// the pacer reads performance.now(); frozen here (and sleep returns at once), so the waits it asks for are exact
	beforeEach(() => jest.spyOn(performance, 'now').mockReturnValue(5000));
	afterEach(() => jest.restoreAllMocks());

	it('spaces the calls of all items of one execution (concurrency 5) 1/limit apart', async () => {
		const scope = nock(BASE).post(/\/ccaas\/1\/conversations\/c-\d\/messages/).times(4).reply(200, { id: 'out' });
		const ctx = createExecuteContext({
			parameters: (i) => ({ ...sendParams, conversationId: `c-${i}`, options: { maxRequestsPerSecond: 2 } }),
			items: [0, 1, 2, 3].map(() => ({ json: {} })),
			credentials,
		});
		const out = await new InfobipConversations().execute.call(ctx);
		expect(out[0]).toHaveLength(4);
		expect(scope.isDone()).toBe(true);
		// the 3 later calls ask for 1, 2 and 3 intervals (525 ms each)
		expect(waits()).toEqual([525, 1050, 1575]);
	});

	it('a retry takes a slot too', async () => {
		nock(BASE)
			.post('/ccaas/1/conversations/c-0/messages')
			.reply(429, { requestError: { serviceException: { messageId: 'TOO_MANY_REQUESTS', text: 'Too many requests' } } }, { 'Retry-After': '1' })
			.post('/ccaas/1/conversations/c-0/messages')
			.reply(200, { id: 'out' });
		const ctx = createExecuteContext({ parameters: { ...sendParams, conversationId: 'c-0', options: { maxRequestsPerSecond: 1 } }, credentials });
		await new InfobipConversations().execute.call(ctx);
		// Retry-After (1000 ms), then the pacer's slot for the second attempt (1050 ms after the first)
		expect(waits()).toEqual([1000, 1050]);
	});

	it('keeps nothing between executions: a new execution starts at once', async () => {
		nock(BASE).post('/ccaas/1/conversations/c-0/messages').times(3).reply(200, { id: 'out' });
		const ctx = createExecuteContext({ parameters: { ...sendParams, conversationId: 'c-0', options: { maxRequestsPerSecond: 1 } }, credentials });
		await new InfobipConversations().execute.call(ctx);
		// same context object, next execution: its first call does not wait for the previous execution's next slot
		await new InfobipConversations().execute.call(ctx);
		const other = createExecuteContext({ parameters: { ...sendParams, conversationId: 'c-0', options: { maxRequestsPerSecond: 1 } }, credentials });
		await new InfobipConversations().execute.call(other);
		expect(waits()).toEqual([]);
	});

	it('0 (the default) and an absent option do not pace', async () => {
		nock(BASE).post(/messages/).times(6).reply(200, { id: 'out' });
		for (const options of [{}, { maxRequestsPerSecond: 0 }]) {
			const ctx = createExecuteContext({
				parameters: (i) => ({ ...sendParams, conversationId: `c-${i}`, options }),
				items: [0, 1, 2].map(() => ({ json: {} })),
				credentials,
			});
			await new InfobipConversations().execute.call(ctx);
		}
		expect(waits()).toEqual([]);
	});

	it('paces Get Messages (its own Options) page by page', async () => {
		nock(BASE)
			.get('/ccaas/1/conversations/c-0/messages')
			.query((q) => q.page === '0')
			.reply(200, { messages: Array.from({ length: 100 }, (_, k) => ({ id: `m${k}` })), pagination: { totalItems: 150 } })
			.get('/ccaas/1/conversations/c-0/messages')
			.query((q) => q.page === '1')
			.reply(200, { messages: Array.from({ length: 50 }, (_, k) => ({ id: `n${k}` })), pagination: { totalItems: 150 } });
		const ctx = createExecuteContext({
			parameters: { resource: 'conversation', operation: 'getMessages', conversationId: 'c-0', returnAll: true, options: { maxRequestsPerSecond: 4 } },
			credentials,
		});
		const out = await new InfobipConversations().execute.call(ctx);
		expect(out[0]).toHaveLength(150);
		expect(waits()).toEqual([262.5]);
	});

	it.each([[-1], ['fast'], [20_000]])('refuses %p naming the option, before any call', async (value) => {
		const ctx = createExecuteContext({ parameters: { ...sendParams, conversationId: 'c-0', options: { maxRequestsPerSecond: value } }, credentials });
		const error = await new InfobipConversations().execute.call(ctx).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('"Options → Max Requests per Second" must be a number from 0 to 10000 (0 = no limit)');
		expect(nock.pendingMocks()).toEqual([]);
	});
});

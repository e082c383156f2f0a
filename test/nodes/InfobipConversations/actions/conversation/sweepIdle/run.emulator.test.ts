/**
 * Conversation → Sweep Idle Sessions against the real emulator (its clock is the server's clock).
 */
import { NodeApiError, NodeOperationError, type IHttpRequestOptions } from 'n8n-workflow';

import { startEmulator, type RunningEmulator } from '../../../../../../emulator';
import { ACTION_ROUNDS_AFTER_MESSAGE, CLAIM_TTL_MS } from '../../../../../../nodes/InfobipConversations/actions/conversation/sweepIdle';
import { MAX_ATTEMPTS } from '../../../../../../nodes/InfobipConversations/transport';
import { MIN, interceptRequests, outboundCounts, runSweep, summaryOf, sweepContext } from '../../../../../support/sweep';

let emu: RunningEmulator;
beforeEach(async () => {
	emu = await startEmulator({ apiKey: 'emulator-secret-key', bot: { agentId: 'bot-1', sessionTimeoutSeconds: 7 * 86_400 } });
});
afterEach(async () => emu.close());

const conv = (id: string) => emu.state.conversations.get(id)!;
const writes = () => emu.state.requests.filter((r) => r.method !== 'GET');
const snapshot = () =>
	JSON.stringify({
		conversations: [...emu.state.conversations.values()],
		messages: [...emu.state.messages],
		metadata: [...emu.state.metadata],
	});
// claims need their write within half of this; CI runs these tests while n8n installs in the background, so
// keep the default 1 s (a 200 ms window once left a conversation for a later run there)
const fast = { claimSettleMs: 1000 };

describe('idle vs fresh', () => {
	it('closes only conversations idle for the timeout, records what it did, and a second run finds nothing', async () => {
		const idle = emu.seed({ count: 3, lastMessageAgoMs: 45 * MIN }).conversationIds;
		const fresh = emu.seed({ count: 2, lastMessageAgoMs: 10 * MIN }).conversationIds;
		const notBot = emu.seed({ count: 2, lastMessageAgoMs: 45 * MIN, agentId: 'agent-alice' }).conversationIds;
		const out = await runSweep(sweepContext(emu, { sweepOptions: { ...fast, output: 'both' } }));
		const items = out.filter((i) => i.type === 'conversation');
		expect(items.map((i) => i.conversationId).sort()).toEqual([...idle].sort());
		for (const item of items) {
			expect(item).toMatchObject({ result: 'closed', action: 'close', dryRun: false, channel: 'WHATSAPP', status: 'OPEN', messageSent: false });
			expect(item.idleMinutes).toBeGreaterThanOrEqual(44.9);
			expect(item.idleMinutes).toBeLessThan(46);
			expect(item.lastActivityAt).toBe(new Date(Date.parse(emu.state.messages.get(String(item.conversationId))![0].createdAt)).toISOString());
		}
		for (const id of idle) {
			expect(conv(id).status).toBe('CLOSED');
			expect(String(emu.state.metadata.get(id)?.idleSweep)).toMatch(/^Closed by n8n idle sweep at \S+Z after 4\d(\.\d)? min idle \(run test-execution-[0-9a-f]{8}\)$/);
		}
		for (const id of [...fresh, ...notBot]) {
			expect(conv(id).status).toBe('OPEN');
			expect(emu.state.metadata.get(id)).toBeUndefined();
		}
		expect(summaryOf(out)).toMatchObject({ scanned: 3, candidates: 3, acted: 3, failed: 0, skipped: 0, results: { closed: 3 }, clockSource: 'server', dryRun: false });

		const again = await runSweep(sweepContext(emu, { sweepOptions: { ...fast, output: 'summary' } }));
		expect(again).toHaveLength(1);
		expect(again[0]).toMatchObject({ type: 'summary', scanned: 0, candidates: 0, acted: 0, results: {} });
	});

	it('judges idleness by the server clock, not the machine clock', async () => {
		const ids = emu.seed({ count: 2, lastMessageAgoMs: 0 }).conversationIds;
		// locally these were written a moment ago; on the server 31 minutes have passed
		emu.advanceClock(31 * MIN);
		const out = await runSweep(sweepContext(emu, { sweepAction: 'report' }));
		expect(out.map((i) => i.conversationId).sort()).toEqual([...ids].sort());
		expect(out.every((i) => i.result === 'reported' && Number(i.idleMinutes) >= 30.9)).toBe(true);
		emu.reset();
		emu.seed({ count: 2, lastMessageAgoMs: 0 });
		expect(await runSweep(sweepContext(emu, { sweepAction: 'report' }))).toEqual([]);
	});

	it('a conversation whose last message is the bot\'s own recent reply is not idle', async () => {
		const [id] = emu.seed({ count: 1, lastMessageAgoMs: 45 * MIN }).conversationIds;
		// updatedAt stays old (as if the server did not bump it): the last-message check still protects it
		emu.state.messages.get(id)!.push({ ...emu.state.messages.get(id)![0], id: 'bot-reply', direction: 'OUTBOUND', createdAt: new Date(emu.now() - MIN).toISOString().replace('Z', '+00:00') });
		const out = await runSweep(sweepContext(emu, { sweepOptions: { output: 'both' } }));
		expect(summaryOf(out)).toMatchObject({ scanned: 1, candidates: 0, notIdle: 1, acted: 0 });
		expect(conv(id).status).toBe('OPEN');
	});
});

describe('actions', () => {
	const cases: Array<[string, string, (id: string) => void]> = [
		['close', 'closed', (id) => expect(conv(id)).toMatchObject({ status: 'CLOSED' })],
		['route', 'routed', (id) => expect(conv(id)).toMatchObject({ status: 'OPEN', agentId: null, queueId: 'queue-support', withBot: false })],
		['assign', 'assigned', (id) => expect(conv(id)).toMatchObject({ status: 'OPEN', agentId: 'agent-alice', withBot: false })],
	];
	for (const [action, result, check] of cases) {
		for (const message of ['', 'We are closing this chat for now. Write again any time!']) {
			it(`${action} ${message ? 'with' : 'without'} a message before acting`, async () => {
				const ids = emu.seed({ count: 4, lastMessageAgoMs: 40 * MIN, channel: 'VIBER' }).conversationIds;
				const out = await runSweep(
					sweepContext(emu, {
						sweepAction: action,
						assignee: { __rl: true, mode: 'list', value: 'agent-alice' },
						messageText: message,
						sweepOptions: fast,
					}),
				);
				expect(out).toHaveLength(4);
				for (const id of ids) {
					check(id);
					const item = out.find((i) => i.conversationId === id)!;
					expect(item).toMatchObject({ result, action, channel: 'VIBER', messageSent: Boolean(message) });
					const outbound = emu.state.messages.get(id)!.filter((m) => m.direction === 'OUTBOUND');
					if (message) {
						const customer = emu.state.messages.get(id)![0];
						expect(outbound).toHaveLength(1);
						expect(outbound[0]).toMatchObject({ from: customer.to, to: customer.from, channel: 'VIBER', contentType: 'TEXT', content: { text: message }, agentId: 'bot-1' });
						// the message goes out before the action
						const paths = emu.state.requests.filter((r) => r.method !== 'GET' && r.path.includes(id) && !r.path.endsWith('/metadata')).map((r) => r.method + ' ' + r.path.replace(id, 'ID'));
						expect(paths[0]).toBe('POST /ccaas/1/conversations/ID/messages');
						expect(paths).toHaveLength(2);
					} else {
						expect(outbound).toHaveLength(0);
					}
					const label = { close: 'Closed', route: 'Routed to agents', assign: 'Assigned to agent agent-alice' }[action];
					expect(String(emu.state.metadata.get(id)?.idleSweep)).toMatch(new RegExp(`^${label} by n8n idle sweep at `));
				}
				// done: a second run has nothing left
				expect(summaryOf(await runSweep(sweepContext(emu, { sweepAction: action, assignee: 'agent-alice', sweepOptions: { ...fast, output: 'summary' } })))).toMatchObject({ candidates: 0 });
			});
		}
	}

	it('report only changes nothing and sends nothing', async () => {
		emu.seed({ count: 3, lastMessageAgoMs: 40 * MIN });
		const before = snapshot();
		const out = await runSweep(sweepContext(emu, { sweepAction: 'report', sweepOptions: { output: 'both' } }));
		expect(out.filter((i) => i.type === 'conversation').map((i) => i.result)).toEqual(['reported', 'reported', 'reported']);
		expect(summaryOf(out)).toMatchObject({ candidates: 3, acted: 0, results: { reported: 3 } });
		expect(snapshot()).toBe(before);
		expect(writes()).toEqual([]);
	});

	it('assign refuses an empty agent or the bot itself before any call', async () => {
		for (const assignee of ['', 'bot-1']) {
			await expect(runSweep(sweepContext(emu, { sweepAction: 'assign', assignee }))).rejects.toThrow(NodeOperationError);
		}
		expect(emu.state.requests).toEqual([]);
	});
});

describe('dry run', () => {
	it('reports what would be done and changes nothing (no claim, no message, no action)', async () => {
		const ids = emu.seed({ count: 5, lastMessageAgoMs: 40 * MIN }).conversationIds;
		emu.seed({ count: 5, lastMessageAgoMs: 5 * MIN });
		const before = snapshot();
		for (const [action, result] of [['close', 'would-close'], ['route', 'would-route'], ['assign', 'would-assign']]) {
			const out = await runSweep(sweepContext(emu, { sweepAction: action, assignee: 'agent-bob', dryRun: true, messageText: 'bye', sweepOptions: { output: 'both' } }));
			const items = out.filter((i) => i.type === 'conversation');
			expect(items.map((i) => i.conversationId).sort()).toEqual([...ids].sort());
			expect(items.every((i) => i.result === result && i.dryRun === true && i.wouldSendMessage === true && i.messageSent === false)).toBe(true);
			expect(summaryOf(out)).toMatchObject({ dryRun: true, acted: 0, wouldAct: 5, candidates: 5 });
		}
		expect(snapshot()).toBe(before);
		expect(writes()).toEqual([]);
	});
});

describe('filters', () => {
	it('statuses, queues and channel narrow the sweep; channel is judged from the last message', async () => {
		const open = emu.seed({ count: 2, lastMessageAgoMs: 40 * MIN, queueId: 'queue-support' }).conversationIds;
		const waiting = emu.seed({ count: 2, lastMessageAgoMs: 40 * MIN, status: 'WAITING', queueId: 'queue-support' }).conversationIds;
		const solved = emu.seed({ count: 1, lastMessageAgoMs: 40 * MIN, status: 'SOLVED', queueId: 'queue-support' }).conversationIds;
		const otherQueue = emu.seed({ count: 2, lastMessageAgoMs: 40 * MIN, queueId: 'queue-sales' }).conversationIds;
		const sms = emu.seed({ count: 2, lastMessageAgoMs: 40 * MIN, queueId: 'queue-support', channel: 'SMS' }).conversationIds;
		const out = await runSweep(
			sweepContext(emu, {
				sweepAction: 'report',
				statuses: ['OPEN', 'WAITING'],
				sweepFilters: { queueIds: 'queue-support, queue-x', channel: 'WHATSAPP' },
				sweepOptions: { output: 'both' },
			}),
		);
		const reported = out.filter((i) => i.type === 'conversation').map((i) => i.conversationId);
		expect(reported.sort()).toEqual([...open, ...waiting].sort());
		expect(summaryOf(out)).toMatchObject({ scanned: 6, candidates: 4, otherChannel: 2, statuses: ['OPEN', 'WAITING'] });
		expect([...solved, ...otherQueue, ...sms].some((id) => reported.includes(id))).toBe(false);
	});

	it('max conversations per run takes the oldest first and says the limit was reached', async () => {
		const ids = emu.seed({ count: 12, lastMessageAgoMs: 40 * MIN, spreadMs: 11 * MIN }).conversationIds;
		const out = await runSweep(sweepContext(emu, { sweepOptions: { ...fast, maxConversations: 5, pageSize: 4, output: 'both' } }));
		const closed = out.filter((i) => i.result === 'closed').map((i) => i.conversationId);
		// seeded newest first: the five oldest are the last five ids
		expect(closed.sort()).toEqual(ids.slice(7).sort());
		expect(summaryOf(out)).toMatchObject({ candidates: 5, acted: 5, limitReached: true });
		const next = await runSweep(sweepContext(emu, { sweepOptions: { ...fast, maxConversations: 50, output: 'summary' } }));
		expect(next[0]).toMatchObject({ candidates: 7, acted: 7, limitReached: false });
	});
});

describe('a customer writes while the sweep runs', () => {
	it('a message arriving between listing and acting leaves that conversation alone', async () => {
		const ids = emu.seed({ count: 4, lastMessageAgoMs: 40 * MIN }).conversationIds;
		const target = ids[2];
		const customer = emu.state.messages.get(target)![0];
		const ctx = sweepContext(emu, { messageText: 'Closing now, bye!', sweepOptions: { ...fast, output: 'both' } });
		let injected = false;
		interceptRequests(ctx, async (opts) => {
			// right after the sweep claimed the target (it was listed and judged idle), the customer writes
			if (!injected && opts.method === 'PATCH' && String(opts.url).endsWith(`${target}/metadata`)) {
				injected = true;
				await emu.inbound({ from: customer.from, to: customer.to, channel: customer.channel, text: 'wait, I am still here!' });
			}
		});
		const out = await runSweep(ctx);
		expect(injected).toBe(true);
		const item = out.find((i) => i.conversationId === target)!;
		expect(item).toMatchObject({ result: 'skipped-active', messageSent: false });
		expect(String(item.reason)).toMatch(/new message/);
		expect(conv(target).status).toBe('OPEN');
		expect(emu.state.messages.get(target)!.filter((m) => m.direction === 'OUTBOUND')).toHaveLength(0);
		for (const id of ids.filter((x) => x !== target)) expect(conv(id).status).toBe('CLOSED');
		expect(summaryOf(out)).toMatchObject({ acted: 3, skipped: 1, results: { closed: 3, 'skipped-active': 1 } });
	});

	it('a conversation taken over by an agent meanwhile is skipped', async () => {
		const [a, b] = emu.seed({ count: 2, lastMessageAgoMs: 40 * MIN }).conversationIds;
		const ctx = sweepContext(emu, { sweepOptions: { ...fast, output: 'each' } });
		let done = false;
		interceptRequests(ctx, (opts) => {
			if (!done && opts.method === 'PATCH' && String(opts.url).endsWith(`${a}/metadata`)) {
				done = true;
				conv(a).agentId = 'agent-bob';
			}
		});
		const out = await runSweep(ctx);
		expect(out.find((i) => i.conversationId === a)).toMatchObject({ result: 'skipped-changed' });
		expect(out.find((i) => i.conversationId === b)).toMatchObject({ result: 'closed' });
		expect(conv(a).status).toBe('OPEN');
	});
});

describe('claims', () => {
	it('a fresh claim by another run is respected; an expired one is taken over', async () => {
		const [a, b] = emu.seed({ count: 2, lastMessageAgoMs: 40 * MIN }).conversationIds;
		emu.state.metadata.set(a, { idleSweep: `other-run@${new Date(emu.now() - MIN).toISOString()}`, Keep: 'me' });
		emu.state.metadata.set(b, { idleSweep: `dead-run@${new Date(emu.now() - CLAIM_TTL_MS - MIN).toISOString()}` });
		const out = await runSweep(sweepContext(emu, { sweepOptions: fast }));
		expect(out.find((i) => i.conversationId === a)).toMatchObject({ result: 'skipped-claimed' });
		expect(String(out.find((i) => i.conversationId === a)!.reason)).toContain('other-run@');
		expect(out.find((i) => i.conversationId === b)).toMatchObject({ result: 'closed' });
		expect(conv(a).status).toBe('OPEN');
		// other metadata keys are kept (PATCH merges)
		expect(emu.state.metadata.get(a)).toMatchObject({ Keep: 'me' });
	});

	it('a custom claim key is used for the claim and the record', async () => {
		const [a] = emu.seed({ count: 1, lastMessageAgoMs: 40 * MIN }).conversationIds;
		emu.state.metadata.set(a, { Model: 'CX-5' });
		await runSweep(sweepContext(emu, { sweepOptions: { ...fast, claimKey: 'ops.sweep' } }));
		expect(emu.state.metadata.get(a)).toEqual({ Model: 'CX-5', 'ops.sweep': expect.stringMatching(/^Closed by n8n idle sweep/) });
	});

	it('when the claim write is slower than half the settle time, it is retried, then left for a later run', async () => {
		const [a, b] = emu.seed({ count: 2, lastMessageAgoMs: 40 * MIN }).conversationIds;
		const ctx = sweepContext(emu, { sweepOptions: { claimSettleMs: 1000, concurrency: 1, output: 'both' } });
		let slowA = 0;
		let slowB = 0;
		interceptRequests(ctx, async (opts) => {
			if (opts.method !== 'PATCH' || !String(opts.url).endsWith('/metadata') || String(JSON.stringify(opts.body)).includes('by n8n')) return;
			// a: every claim write takes 600 ms (> 500 ms); b: only the first one
			if (String(opts.url).includes(a)) (slowA++, await new Promise((r) => setTimeout(r, 600)));
			if (String(opts.url).includes(b) && slowB++ === 0) await new Promise((r) => setTimeout(r, 600));
		});
		const out = await runSweep(ctx);
		expect(slowA).toBe(3);
		expect(slowB).toBe(2);
		expect(out.find((i) => i.conversationId === a)).toMatchObject({ result: 'skipped-claimed' });
		expect(String(out.find((i) => i.conversationId === a)!.reason)).toMatch(/half the Claim Settle Time \(500 ms\) in 3 attempts/);
		expect(out.find((i) => i.conversationId === b)).toMatchObject({ result: 'closed' });
		expect(conv(a).status).toBe('OPEN');
	});
});

describe('concurrent sweeps', () => {
	it('two sweeps started together act on each conversation at most once; a later run finds nothing', async () => {
		const ids = emu.seed({ count: 300, lastMessageAgoMs: 40 * MIN, spreadMs: 20 * MIN }).conversationIds;
		const params = (concurrency: number) => ({ messageText: 'Bye for now!', sweepOptions: { claimSettleMs: 1000, pageSize: 50, concurrency, output: 'both' } });
		const [one, two] = await Promise.all([runSweep(sweepContext(emu, params(5))), runSweep(sweepContext(emu, params(7)))]);
		const s1 = summaryOf(one);
		const s2 = summaryOf(two);
		expect(s1.runId).not.toBe(s2.runId);
		// both runs really competed for the same conversations
		expect(Number(s1.acted)).toBeGreaterThan(0);
		expect(Number(s2.acted)).toBeGreaterThan(0);
		expect(Number(s1.skipped) + Number(s2.skipped)).toBeGreaterThan(0);
		// at most once: no conversation closed by both runs, no customer got two goodbyes
		const closers = new Map<string, number>();
		for (const item of [...one, ...two]) if (item.result === 'closed') closers.set(String(item.conversationId), (closers.get(String(item.conversationId)) ?? 0) + 1);
		expect([...closers.values()].every((n) => n === 1)).toBe(true);
		expect([...outboundCounts(emu).values()].every((n) => n === 1)).toBe(true);
		expect(Number(s1.failed) + Number(s2.failed)).toBe(0);
		expect(Number(s1.acted) + Number(s2.acted)).toBe(closers.size);
		// every conversation was closed — except one whose claim write was too slow (only under heavy load),
		// which is left, claimed, for a later run
		const slow = [...one, ...two].filter((i) => i.result === 'skipped-claimed' && /Claim Settle Time/.test(String(i.reason)));
		const left = ids.filter((id) => conv(id).status !== 'CLOSED');
		const slowIds = new Set(slow.map((i) => String(i.conversationId)));
		expect(left.every((id) => slowIds.has(id))).toBe(true);
		expect(closers.size + left.length).toBe(300);
		const later = summaryOf(await runSweep(sweepContext(emu, { messageText: 'Bye for now!', sweepOptions: { output: 'summary' } })));
		expect(later).toMatchObject({ candidates: left.length, acted: 0 });
		// once such leftover claims expire, they are finished; still one goodbye each
		emu.advanceClock(CLAIM_TTL_MS);
		await runSweep(sweepContext(emu, { messageText: 'Bye for now!', sweepOptions: { output: 'summary' } }));
		expect(ids.every((id) => conv(id).status === 'CLOSED')).toBe(true);
		expect([...outboundCounts(emu).values()].every((n) => n === 1)).toBe(true);
		expect(outboundCounts(emu).size).toBe(300);
	});
});

describe('documented profile: the account refuses PATCH …/metadata (merges are GET + PUT)', () => {
	beforeEach(() => emu.setProfile('documented'));

	it('closes each idle conversation exactly once, keeps the other metadata keys, and a second run finds nothing', async () => {
		const idle = emu.seed({ count: 12, lastMessageAgoMs: 45 * MIN, spreadMs: 5 * MIN }).conversationIds;
		const fresh = emu.seed({ count: 2, lastMessageAgoMs: 5 * MIN }).conversationIds;
		for (const id of idle) emu.state.metadata.set(id, { Model: 'CX-5', Intent: `intent of ${id}` });
		const out = await runSweep(sweepContext(emu, { messageText: 'Bye for now!', sweepOptions: { ...fast, pageSize: 5, concurrency: 3, output: 'both' } }));
		const s = summaryOf(out);
		expect(s).toMatchObject({ candidates: 12, acted: 12, failed: 0, skipped: 0, results: { closed: 12 }, metadataWritePath: 'GET+PUT' });
		for (const id of idle) {
			expect(conv(id).status).toBe('CLOSED');
			expect(emu.state.metadata.get(id)).toEqual({ Model: 'CX-5', Intent: `intent of ${id}`, idleSweep: expect.stringMatching(/^Closed by n8n idle sweep at /) });
		}
		for (const id of fresh) expect(conv(id).status).toBe('OPEN');
		expect([...outboundCounts(emu).values()]).toEqual(Array(12).fill(1));
		// PATCH was refused only by the first claims in flight (at most Concurrency), then never tried again
		const metadata = emu.state.requests.filter((r) => r.path.endsWith('/metadata'));
		const patches = metadata.filter((r) => r.method === 'PATCH');
		expect(patches.every((r) => r.status === 405)).toBe(true);
		expect(patches.length).toBeGreaterThanOrEqual(1);
		expect(patches.length).toBeLessThanOrEqual(3);
		// one PUT for each claim and each record
		expect(metadata.filter((r) => r.method === 'PUT' && r.status === 200)).toHaveLength(24);

		const again = summaryOf(await runSweep(sweepContext(emu, { messageText: 'Bye for now!', sweepOptions: { ...fast, output: 'summary' } })));
		expect(again).toMatchObject({ candidates: 0, acted: 0, metadataWritePath: null });
		expect([...outboundCounts(emu).values()]).toEqual(Array(12).fill(1));
	});

	it('two sweeps started together act on each conversation at most once; a later run finds nothing', async () => {
		const ids = emu.seed({ count: 150, lastMessageAgoMs: 40 * MIN, spreadMs: 20 * MIN }).conversationIds;
		const params = (concurrency: number) => ({ messageText: 'Bye for now!', sweepOptions: { claimSettleMs: 1000, pageSize: 50, concurrency, output: 'both' } });
		const [one, two] = await Promise.all([runSweep(sweepContext(emu, params(5))), runSweep(sweepContext(emu, params(7)))]);
		const s1 = summaryOf(one);
		const s2 = summaryOf(two);
		expect([s1.metadataWritePath, s2.metadataWritePath]).toEqual(['GET+PUT', 'GET+PUT']);
		// both runs really competed for the same conversations
		expect(Number(s1.acted)).toBeGreaterThan(0);
		expect(Number(s2.acted)).toBeGreaterThan(0);
		expect(Number(s1.skipped) + Number(s2.skipped)).toBeGreaterThan(0);
		expect(Number(s1.failed) + Number(s2.failed)).toBe(0);
		// at most once: no conversation closed by both runs, no customer got two goodbyes
		const closers = new Map<string, number>();
		for (const item of [...one, ...two]) if (item.result === 'closed') closers.set(String(item.conversationId), (closers.get(String(item.conversationId)) ?? 0) + 1);
		expect([...closers.values()].every((n) => n === 1)).toBe(true);
		expect([...outboundCounts(emu).values()].every((n) => n === 1)).toBe(true);
		expect(Number(s1.acted) + Number(s2.acted)).toBe(closers.size);
		// every conversation was closed, except one whose claim write was too slow (only under heavy load)
		const slowIds = new Set([...one, ...two].filter((i) => i.result === 'skipped-claimed' && /Claim Settle Time/.test(String(i.reason))).map((i) => String(i.conversationId)));
		const left = ids.filter((id) => conv(id).status !== 'CLOSED');
		expect(left.every((id) => slowIds.has(id))).toBe(true);
		expect(closers.size + left.length).toBe(150);
		emu.advanceClock(CLAIM_TTL_MS);
		const later = summaryOf(await runSweep(sweepContext(emu, { messageText: 'Bye for now!', sweepOptions: { output: 'summary' } })));
		expect(later).toMatchObject({ acted: left.length, failed: 0 });
		expect(ids.every((id) => conv(id).status === 'CLOSED')).toBe(true);
		expect(outboundCounts(emu).size).toBe(150);
		expect([...outboundCounts(emu).values()].every((n) => n === 1)).toBe(true);
		// the records of the run that acted are in place
		expect(ids.every((id) => /^Closed by n8n idle sweep at /.test(String(emu.state.metadata.get(id)?.idleSweep)))).toBe(true);
	});
});

describe('errors', () => {
	it('429 and 5xx during a sweep: retried, never a duplicate message; what still failed is reported and done by the next run', async () => {
		const ids = emu.seed({ count: 40, lastMessageAgoMs: 40 * MIN }).conversationIds;
		emu.setFaults({ rateLimitRate: 0.15, retryAfterSeconds: 0, errorRate: 0.08 });
		const out = await runSweep(sweepContext(emu, { messageText: 'Bye!', sweepOptions: { claimSettleMs: 2000, output: 'both' } }));
		emu.setFaults({});
		expect(emu.state.faultsInjected.rateLimit).toBeGreaterThan(10);
		expect(emu.state.faultsInjected.error).toBeGreaterThan(5);
		const s = summaryOf(out);
		expect(Number(s.acted) + Number(s.failed) + Number(s.skipped)).toBe(40);
		expect(Number(s.acted)).toBeGreaterThan(20);
		for (const item of out.filter((i) => i.result === 'failed')) expect(String(item.error)).toMatch(/Infobip|HTTP/);
		// the next run (claims of this run expired on the server clock) finishes the rest; a conversation whose
		// goodbye went out but whose close failed is idle again only an Idle Timeout after that goodbye
		const sentButFailed = out.filter((i) => i.result === 'failed' && i.messageSent === true);
		for (const item of sentButFailed) expect(String(item.error)).toMatch(/without sending the message twice/);
		emu.advanceClock(CLAIM_TTL_MS + 31 * MIN);
		const next = await runSweep(sweepContext(emu, { messageText: 'Bye!', sweepOptions: { claimSettleMs: 2000, output: 'both' } }));
		const left = ids.filter((id) => conv(id).status !== 'CLOSED');
		// only a claim write slower than 1 s (a very busy machine) may leave one for yet another run
		const slow = new Set(next.filter((i) => i.result === 'skipped-claimed').map((i) => String(i.conversationId)));
		expect(left.every((id) => slow.has(id))).toBe(true);
		for (const item of next.filter((i) => sentButFailed.some((f) => f.conversationId === i.conversationId))) {
			expect(item).toMatchObject({ result: 'closed', messageSent: false, reason: expect.stringMatching(/not sent again/) });
		}
		expect([...outboundCounts(emu).values()].every((n) => n === 1)).toBe(true);
	});

	it('a goodbye sent by an earlier run whose action failed is not sent again; the action is retried in rounds', async () => {
		const [id] = emu.seed({ count: 1, lastMessageAgoMs: 40 * MIN }).conversationIds;
		// every close (PATCH of the conversation) answers 503: the message goes out, the close fails after all rounds
		const ctx = sweepContext(emu, { messageText: 'Bye!', sweepOptions: { ...fast, output: 'both' } });
		const original = ctx.helpers.httpRequestWithAuthentication;
		let closeAttempts = 0;
		(ctx.helpers as { httpRequestWithAuthentication: unknown }).httpRequestWithAuthentication = async function (this: unknown, type: string, opts: IHttpRequestOptions) {
			if (opts.method === 'PATCH' && String(opts.url).endsWith(`/ccaas/1/conversations/${id}`)) {
				closeAttempts++;
				return { statusCode: 503, body: { requestError: { serviceException: { messageId: 'GENERAL_ERROR', text: 'Service unavailable' } } }, headers: {} };
			}
			return await original.call(this as never, type, opts);
		};
		const first = await runSweep(ctx);
		expect(first[0]).toMatchObject({ result: 'failed', messageSent: true });
		expect(String(first[0].error)).toMatch(/Service unavailable[\s\S]*without sending the message twice/);
		// the transport's own attempts, times the extra rounds after the message went out
		expect(closeAttempts).toBe(MAX_ATTEMPTS * ACTION_ROUNDS_AFTER_MESSAGE);
		expect(conv(id).status).toBe('OPEN');
		emu.advanceClock(CLAIM_TTL_MS + 31 * MIN);
		const second = await runSweep(sweepContext(emu, { messageText: 'Bye!', sweepOptions: { ...fast, output: 'both' } }));
		expect(second[0]).toMatchObject({ result: 'closed', messageSent: false });
		expect(conv(id).status).toBe('CLOSED');
		expect(outboundCounts(emu).get(id)).toBe(1);
	});

	it('closing a conversation that is already closed counts as already-closed, not a failure', async () => {
		const [a] = emu.seed({ count: 1, lastMessageAgoMs: 40 * MIN }).conversationIds;
		const ctx = sweepContext(emu, { sweepOptions: fast });
		interceptRequests(ctx, (opts) => {
			// somebody closes it just before our close call
			if (opts.method === 'PATCH' && String(opts.url).endsWith(a)) conv(a).status = 'CLOSED';
		});
		const out = await runSweep(ctx);
		expect(out).toEqual([expect.objectContaining({ conversationId: a, result: 'already-closed' })]);
		expect(emu.state.requests.find((r) => r.method === 'PATCH' && r.path.endsWith(a))?.status).toBe(400);
	});

	it('a wrong API key stops the run with a clear error, or one error item with Continue On Fail; no secret leaks', async () => {
		emu.seed({ count: 2, lastMessageAgoMs: 40 * MIN });
		const bad = { ...emu, apiKey: 'wrong-secret-key' };
		const error = await runSweep(sweepContext(bad, {})).catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Infobip: Invalid login details');
		expect(error.description).toMatch(/credential/);
		const ctx = sweepContext(bad, {}, { continueOnFail: true, items: [{ json: {} }, { json: {} }] });
		const out = await new (await import('../../../../../../nodes/InfobipConversations/InfobipConversations.node')).InfobipConversations().execute.call(ctx);
		expect(out[0]).toEqual([
			{
				json: { error: 'Infobip: Invalid login details', description: expect.stringContaining('401') },
				error: expect.objectContaining({ message: 'Infobip: Invalid login details' }),
				pairedItem: { item: 0 },
			},
		]);
		expect(JSON.stringify([out, error.message, error.description, ctx.logs])).not.toContain('wrong-secret-key');
	});

	it('invalid parameters are named before any call', async () => {
		const cases: Array<[Record<string, unknown>, RegExp]> = [
			[{ idleTimeoutMinutes: 0 }, /"Idle Timeout \(Minutes\)" must be at least 1 minute/],
			[{ statuses: [] }, /"Statuses" choose at least one status/],
			[{ sweepOptions: { pageSize: 5000 } }, /"Options → Page Size" must be at most 999/],
			[{ sweepOptions: { claimKey: 'has space' } }, /"Options → Claim Metadata Key"/],
			[{ messageText: 'x'.repeat(5000) }, /"Message Before Acting" must be at most 4096/],
		];
		for (const [params, message] of cases) {
			await expect(runSweep(sweepContext(emu, params))).rejects.toThrow(message);
		}
		expect(emu.state.requests).toEqual([]);
	});

	it('runs once for several input items and says so', async () => {
		emu.seed({ count: 2, lastMessageAgoMs: 40 * MIN });
		const ctx = sweepContext(emu, { sweepOptions: { ...fast, output: 'both' } }, { items: [{ json: {} }, { json: {} }, { json: {} }] });
		const out = await new (await import('../../../../../../nodes/InfobipConversations/InfobipConversations.node')).InfobipConversations().execute.call(ctx);
		expect(out[0]).toHaveLength(3);
		expect(out[0].every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(out[0][2].json).toMatchObject({ type: 'summary', acted: 2, note: 'Ran once for 3 input items (parameters from the first).' });
		expect(emu.state.requests.filter((r) => r.method === 'PATCH' && !r.path.endsWith('/metadata'))).toHaveLength(2);
	});
});

/**
 * "Max Requests per Second" against the emulator's rate limit (faults.rateLimitPerSecond, a sliding 1-second
 * window): set to the limit, the node is never refused, in Send and in Sweep Idle Sessions; without it the same
 * load is refused (and the 429s are retried).
 */
import { startEmulator, type RunningEmulator } from '../../../../emulator';
import { InfobipConversations } from '../../../../nodes/InfobipConversations/InfobipConversations.node';
import { createExecuteContext } from '../../../support/n8nContext';
import { MIN, runSweep, summaryOf, sweepContext } from '../../../support/sweep';

jest.setTimeout(60_000);

let emu: RunningEmulator;
beforeEach(async () => {
	emu = await startEmulator({ apiKey: 'pacing-emulator-key', bot: { agentId: 'bot-1', sessionTimeoutSeconds: 7 * 86_400 } });
});
afterEach(async () => emu.close());

/** The most API requests that arrived within any 1-second window. */
function peakPerSecond(): number {
	const times = emu.state.requests.map((r) => r.at).sort((a, b) => a - b);
	let peak = 0;
	let start = 0;
	for (let end = 0; end < times.length; end++) {
		while (times[end] - times[start] >= 1000) start++;
		peak = Math.max(peak, end - start + 1);
	}
	return peak;
}

function sendAll(conversationIds: string[], options: Record<string, unknown>) {
	const ctx = createExecuteContext({
		parameters: (i) => ({
			resource: 'message',
			operation: 'send',
			conversationId: conversationIds[i],
			agentId: '',
			from: '447860099299',
			to: '385911111111',
			channel: 'WHATSAPP',
			contentType: 'TEXT',
			text: `Hello ${i}`,
			options,
		}),
		items: conversationIds.map(() => ({ json: {} })),
		credentials: { infobipConversationsApi: { baseUrl: emu.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: emu.botAgentId } },
	});
	return new InfobipConversations().execute.call(ctx);
}

const outbound = () => [...emu.state.messages.values()].flat().filter((m) => m.direction === 'OUTBOUND').length;

describe('Send with Max Requests per Second', () => {
	// 10 % under the API's limit: the emulator shares this process's event loop, and on a loaded machine a stalled
	// loop delivers two requests to it at the same moment however they were spaced when sent (a real API sees network
	// jitter the same way); the slack absorbs one such pair per second. At exactly the limit, a 429 that still
	// happens is retried after Retry-After (next test).
	it('set 10 % under the API limit: all items sent, none refused, never more than the limit in any second', async () => {
		const ids = emu.seed({ count: 15 }).conversationIds;
		emu.setFaults({ rateLimitPerSecond: 10, latencyMs: 5 });
		const out = await sendAll(ids, { maxRequestsPerSecond: 9, concurrency: 5 });
		expect(out[0]).toHaveLength(15);
		expect(out[0].every((item) => item.json.direction === 'OUTBOUND')).toBe(true);
		expect(outbound()).toBe(15);
		expect(emu.state.faultsInjected.rateLimited).toBeUndefined();
		expect(peakPerSecond()).toBeLessThanOrEqual(10);
	});

	it('without it the same load is refused by the API (then retried after Retry-After, each message once)', async () => {
		const ids = emu.seed({ count: 15 }).conversationIds;
		emu.setFaults({ rateLimitPerSecond: 10, latencyMs: 5 });
		const out = await sendAll(ids, { concurrency: 5 });
		expect(out[0]).toHaveLength(15);
		expect(outbound()).toBe(15);
		expect(emu.state.faultsInjected.rateLimited).toBeGreaterThan(0);
	});
});

describe('Sweep Idle Sessions with Max Requests per Second', () => {
	it('closes every idle conversation with no request refused; the claim settle time grows by the pacing wait', async () => {
		const idle = emu.seed({ count: 8, lastMessageAgoMs: 45 * MIN }).conversationIds;
		emu.setFaults({ rateLimitPerSecond: 40 });
		const out = await runSweep(sweepContext(emu, { messageText: 'Bye!', sweepOptions: { maxRequestsPerSecond: 40, concurrency: 4, claimSettleMs: 400, output: 'both' } }));
		const summary = summaryOf(out);
		expect(summary).toMatchObject({ acted: 8, failed: 0, skipped: 0, maxRequestsPerSecond: 40 });
		// 400 ms + 4 × concurrency 4 × 26.25 ms
		expect(summary.claimSettleMs).toBe(400 + Math.ceil(4 * 4 * 26.25));
		for (const id of idle) expect(emu.state.conversations.get(id)!.status).toBe('CLOSED');
		expect(emu.state.faultsInjected.rateLimited).toBeUndefined();
		expect(peakPerSecond()).toBeLessThanOrEqual(40);
	});
});

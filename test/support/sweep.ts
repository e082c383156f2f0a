/** Shared helpers of the Sweep Idle Sessions tests. */
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import type { RunningEmulator } from '../../emulator';
import { InfobipConversations } from '../../nodes/InfobipConversations/InfobipConversations.node';
import { createExecuteContext, type FakeContext, type FakeContextOptions } from './n8nContext';

export const MIN = 60_000;

export interface EmulatorLike {
	url: string;
	apiKey: string;
	botAgentId: string;
}

export function sweepContext(emu: EmulatorLike, parameters: Record<string, unknown>, extra: Partial<FakeContextOptions> = {}): FakeContext {
	return createExecuteContext({
		parameters: { resource: 'conversation', operation: 'sweepIdle', idleTimeoutMinutes: 30, ...parameters },
		credentials: {
			infobipConversationsApi: { baseUrl: emu.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: emu.botAgentId },
		},
		...extra,
	});
}

export async function runSweep(ctx: FakeContext): Promise<IDataObject[]> {
	const out = await new InfobipConversations().execute.call(ctx);
	return out[0].map((item) => item.json);
}

export function summaryOf(items: IDataObject[]): IDataObject & { results: Record<string, number> } {
	const summary = items.find((i) => i.type === 'summary');
	if (!summary) throw new Error('no summary item');
	return summary as IDataObject & { results: Record<string, number> };
}

/** Wraps the context's HTTP so a test can act between requests (e.g. a customer writing in). */
export function interceptRequests(
	ctx: FakeContext,
	before: (opts: IHttpRequestOptions) => Promise<void> | void,
): void {
	const original = ctx.helpers.httpRequestWithAuthentication;
	(ctx.helpers as { httpRequestWithAuthentication: unknown }).httpRequestWithAuthentication = async function (
		this: unknown,
		type: string,
		opts: IHttpRequestOptions,
	) {
		await before(opts);
		return await original.call(this as never, type, opts);
	};
}

/** Outbound messages per conversation in the emulator. */
export function outboundCounts(emu: RunningEmulator): Map<string, number> {
	const counts = new Map<string, number>();
	for (const [id, msgs] of emu.state.messages) {
		const n = msgs.filter((m) => m.direction === 'OUTBOUND').length;
		if (n) counts.set(id, n);
	}
	return counts;
}

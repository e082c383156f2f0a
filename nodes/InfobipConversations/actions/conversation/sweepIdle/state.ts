/**
 * What one run of Sweep Idle Sessions knows and counts: its settings (derived once from the parameters), the server
 * clock, the counters and output items, and the report made from them. The steps that fill them are SweepRun's
 * methods (run.ts).
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { ServerClock, type SweepAction } from '../../../helpers/sweep';
import { mergeMetadata, type CallOptions, type MetadataWritePath } from '../../../transport/conversations';
import { pacingIntervalMs } from '../../../transport/pacer';
import type { ItemBase, Result } from './model';
import type { SweepParams } from './params';

export abstract class SweepState {
	protected readonly clock = new ServerClock();
	/** Every answer feeds the server clock; a conversation without metadata (404 on GET) has no claim. */
	protected readonly observed: CallOptions = { onHeaders: (headers) => this.clock.observe(headers.date) };
	protected readonly action: SweepAction;
	protected readonly acting: boolean;
	protected readonly pacingAllowanceMs: number;
	protected readonly settleMs: number;
	protected readonly timeoutMs: number;
	protected readonly runId: string;
	protected serverStart = 0;
	protected cutoff = 0;

	protected readonly results: Partial<Record<Result, number>> = {};
	protected readonly items: IDataObject[] = [];
	protected readonly writePaths = new Set<MetadataWritePath>();
	protected scanned = 0;
	protected candidates = 0;
	protected notIdle = 0;
	protected otherChannel = 0;
	protected pageReads = 0;
	protected guardTripped = false;
	protected limitReached = false;

	constructor(
		protected readonly ctx: IExecuteFunctions,
		protected readonly itemIndex: number,
		protected readonly p: SweepParams,
		protected readonly botId: string,
		protected readonly assignee: string,
		protected readonly startedAt: number,
	) {
		this.action = p.sweepAction;
		this.acting = this.action !== 'report' && !p.dryRun;
		// With "Max Requests per Second", a claim's read and write may each wait behind the other workers' calls for a
		// start slot (at most `concurrency` slots): the settle time grows by twice that, so the claim rule below still
		// holds for a claim written as fast as the API allows, and the wait after it still covers any rival's claim.
		this.pacingAllowanceMs = p.maxRequestsPerSecond > 0 ? Math.ceil(4 * p.concurrency * pacingIntervalMs(p.maxRequestsPerSecond)) : 0;
		this.settleMs = p.claimSettleMs + this.pacingAllowanceMs;
		this.timeoutMs = p.idleTimeoutMinutes * 60_000;
		const execution = String(ctx.getExecutionId?.() ?? 'manual').replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40);
		this.runId = `${execution}-${randomUUID().slice(0, 8)}`;
	}

	protected stopped(): boolean {
		return this.limitReached || this.candidates >= this.p.maxConversations;
	}

	protected itemBase(conversationId: string): ItemBase {
		return { conversationId, action: this.action, dryRun: this.p.dryRun, runId: this.runId };
	}

	/** Through transport/metadata.ts: PATCH, or GET + PUT where the account refuses PATCH. */
	protected async writeMetadata(id: string, values: IDataObject, current?: IDataObject): Promise<void> {
		const { writePath } = await mergeMetadata(this.ctx, id, values, { ...this.observed, ...(current ? { current } : {}) });
		this.writePaths.add(writePath);
	}

	protected finish(item: IDataObject, result: Result, extra: IDataObject = {}): void {
		this.results[result] = (this.results[result] ?? 0) + 1;
		if (this.p.output !== 'summary') this.items.push({ ...item, result, ...extra });
	}

	/** The report: one item per idle conversation, the summary, or both (Options → Output). */
	protected report(): IDataObject[] {
		const count = (...r: Result[]) => r.reduce((n, k) => n + (this.results[k] ?? 0), 0);
		const inputs = this.ctx.getInputData().length;
		const summary: IDataObject = {
			type: 'summary',
			runId: this.runId,
			dryRun: this.p.dryRun,
			action: this.action,
			botAgentId: this.botId,
			idleTimeoutMinutes: this.p.idleTimeoutMinutes,
			statuses: this.p.statuses,
			serverTime: new Date(this.serverStart).toISOString(),
			clockSource: this.clock.source,
			updatedBefore: new Date(this.cutoff).toISOString(),
			scanned: this.scanned,
			candidates: this.candidates,
			acted: count('closed', 'routed', 'assigned'),
			wouldAct: count('would-close', 'would-route', 'would-assign'),
			failed: count('failed'),
			skipped: count('skipped-active', 'skipped-claimed', 'skipped-changed'),
			results: this.results,
			notIdle: this.notIdle,
			otherChannel: this.otherChannel,
			limitReached: this.limitReached,
			pageReads: this.pageReads,
			// how this run wrote metadata (claims, records): null when it wrote none
			metadataWritePath: this.writePaths.has('GET+PUT') ? 'GET+PUT' : this.writePaths.has('PATCH') ? 'PATCH' : null,
			...(this.pacingAllowanceMs ? { maxRequestsPerSecond: this.p.maxRequestsPerSecond, claimSettleMs: this.settleMs } : {}),
			...(this.guardTripped ? { warning: 'The paging guard stopped the run early; the next run continues.' } : {}),
			...(inputs > 1 ? { note: `Ran once for ${inputs} input items (parameters from the first).` } : {}),
			durationMs: Date.now() - this.startedAt,
		};
		if (this.p.output === 'summary') return [summary];
		return this.p.output === 'both' ? [...this.items, summary] : this.items;
	}
}

/**
 * One run of Sweep Idle Sessions, as its steps in order: listing and paging (`sweepStatus`, `processPage`); per
 * conversation the idleness check (`idleCandidate`) and, when acting, the claim (`claim`); after the settle time the
 * check that nothing changed (`unchanged`), the message (`message`), the action (`applyAction`) and the record
 * (`record`); at the end the report (SweepState, with the counters the steps keep). Pure pieces (clock, claims, the
 * paging walk) are in helpers/sweep.ts; every call goes through transport/conversations.ts.
 */
import type { IDataObject } from 'n8n-workflow';

import { toNodeError } from '../../../../shared/errors';
import { describeOutcome, formatClaim, formatInfobipTime, isForeignFreshClaim, lastActivity, mapBounded, walkPages } from '../../../helpers/sweep';
import { MAX_ATTEMPTS } from '../../../transport';
import {
	assignConversation,
	closeConversation,
	getConversation,
	listConversations,
	newestMessage,
	readMetadata,
	routeConversation,
	sendMessage,
} from '../../../transport/conversations';
import { sleep } from '../../../transport/sleep';
import {
	ACTION_ROUNDS_AFTER_MESSAGE,
	CLAIM_ATTEMPTS,
	CLAIM_TTL_MS,
	PAST,
	baseItem,
	candidateItem,
	doneSoFar,
	errorText,
	httpCode,
	idleMinutesOf,
	isoTime,
	textOf,
	type Acting,
	type Candidate,
	type Claimed,
	type Result,
	type Told,
} from './model';
import { SweepState } from './state';

export class SweepRun extends SweepState {
	async run(): Promise<IDataObject[]> {
		// Probe: checks the credential and the filters, and gives the server's clock before anything is listed.
		await listConversations(this.ctx, { agentId: this.botId, status: this.p.statuses[0], limit: 1 }, this.observed);
		this.serverStart = this.clock.now();
		this.cutoff = this.serverStart - this.timeoutMs;
		for (const status of this.p.statuses) {
			if (this.stopped()) break;
			await this.sweepStatus(status);
		}
		if (this.candidates >= this.p.maxConversations) this.limitReached = true;
		return this.report();
	}

	/** Listing and paging: the bot's conversations in one status not updated since the cutoff, oldest first. */
	private async sweepStatus(status: string): Promise<void> {
		const qs: IDataObject = {
			agentId: this.botId,
			status,
			updatedBefore: formatInfobipTime(this.cutoff),
			orderBy: 'updatedAt:asc',
			limit: this.p.pageSize,
			...(this.p.queueIds.length ? { queueIds: this.p.queueIds } : {}),
		};
		try {
			const walk = await walkPages<IDataObject & { id: string }>({
				pageSize: this.p.pageSize,
				mutating: this.acting,
				fetchPage: async (page) => await this.fetchPage(qs, page),
				process: async (page) => await this.processPage(page),
				shouldStop: () => this.stopped(),
			});
			this.pageReads += walk.pageReads;
			this.guardTripped ||= walk.guardTripped;
		} catch (error) {
			// a listing error stops the run; say what was already done
			const done = doneSoFar(this.results);
			const failure = toNodeError(this.ctx.getNode(), error, this.itemIndex);
			failure.description = [failure.description, `Listing the conversations failed; before that this run did: ${done} (run ${this.runId}).`]
				.filter(Boolean)
				.join('\n');
			throw failure;
		}
	}

	private async fetchPage(qs: IDataObject, page: number): Promise<{ items: Array<IDataObject & { id: string }>; totalItems?: number }> {
		const body = await listConversations(this.ctx, { ...qs, page }, this.observed);
		const total = (body.pagination as IDataObject | undefined)?.totalItems;
		return {
			items: ((body.conversations as Array<IDataObject & { id: string }> | undefined) ?? []).filter((c) => c && c.id),
			totalItems: typeof total === 'number' ? total : undefined,
		};
	}

	/** One page: each conversation checked (and claimed), one wait for the whole page, then each claimed one acted on. */
	private async processPage(page: IDataObject[]): Promise<string[]> {
		const inspected = await mapBounded(page, this.p.concurrency, async (c) => await this.inspect(c));
		const stay = page.filter((_, k) => !inspected[k]).map((c) => String(c.id));
		const claimed = inspected.flatMap((r) => (r ? [r] : []));
		if (claimed.length) {
			// one wait for the whole page: each claim must stand the settle time after its write
			const latest = Math.max(...claimed.map((c) => c.writtenAt));
			await sleep(Math.max(0, latest + this.settleMs - performance.now()));
			const remains = await mapBounded(claimed, this.p.concurrency, async (c) => await this.act(c));
			claimed.forEach((c, k) => remains[k] && stay.push(String(c.conversation.id)));
		}
		return stay;
	}

	/** Phase 1: the idleness check; when acting, the claim. Answers the claim, or undefined when the conversation stays. */
	private async inspect(conversation: IDataObject): Promise<Claimed | undefined> {
		const candidate = await this.idleCandidate(conversation);
		if (!candidate) return undefined;
		if (this.action === 'report') {
			this.finish(candidate.item, 'reported');
			return undefined;
		}
		if (this.p.dryRun) {
			this.finish(candidate.item, `would-${this.action}` as Result, this.p.messageText ? { wouldSendMessage: true } : {});
			return undefined;
		}
		return await this.claim(candidate);
	}

	/** Idle for the timeout by its newest message, on the filtered channel, within Max Conversations per Run. */
	private async idleCandidate(conversation: IDataObject): Promise<Candidate | undefined> {
		const id = String(conversation.id);
		this.scanned++;
		let lastMessage: IDataObject | undefined;
		try {
			lastMessage = await newestMessage(this.ctx, id, this.observed);
		} catch (error) {
			if (this.candidates >= this.p.maxConversations) return undefined;
			this.candidates++;
			this.finish(baseItem(this.itemBase(id)), 'failed', { error: errorText(error) });
			return undefined;
		}
		const channel = lastMessage?.channel ? String(lastMessage.channel) : null;
		if (this.p.channel && channel !== this.p.channel) {
			this.otherChannel++;
			return undefined;
		}
		const activity = lastActivity(lastMessage, conversation, this.clock.now());
		if (!activity || activity.idleMs < this.timeoutMs) {
			this.notIdle++;
			return undefined;
		}
		if (this.candidates >= this.p.maxConversations) {
			this.limitReached = true;
			return undefined;
		}
		this.candidates++;
		const item = candidateItem(this.itemBase(id), conversation, activity, channel);
		return { conversation, lastMessage, item, idleMinutes: idleMinutesOf(activity) };
	}

	/** The claim: read metadata → write our claim, within half the settle time (else tried again). */
	private async claim(c: Candidate): Promise<Claimed | undefined> {
		const id = String(c.conversation.id);
		const { claimKey } = this.p;
		try {
			for (let attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt++) {
				const readStarted = performance.now();
				const metadata = await readMetadata(this.ctx, id, this.observed);
				const current = metadata[claimKey];
				if (isForeignFreshClaim(current, this.runId, this.clock.now(), CLAIM_TTL_MS)) {
					this.finish(c.item, 'skipped-claimed', { reason: `claimed by another sweep run (${String(current)})` });
					return undefined;
				}
				const claim = formatClaim(this.runId, this.clock.now());
				// GET + PUT mode: the PUT carries the metadata just read (no second GET), so the timing rule below
				// still measures read → write
				await this.writeMetadata(id, { [claimKey]: claim }, metadata);
				const writtenAt = performance.now();
				// Fischer's condition: our write landed less than the settle time after the read that saw no claim
				if (writtenAt - readStarted <= this.settleMs / 2) return { ...c, claim, writtenAt };
			}
		} catch (error) {
			this.finish(c.item, 'failed', { error: errorText(error) });
			return undefined;
		}
		this.finish(c.item, 'skipped-claimed', {
			reason: `the claim could not be written within half the Claim Settle Time (${this.settleMs / 2} ms) in ${CLAIM_ATTEMPTS} attempts; left for a later run`,
		});
		return undefined;
	}

	/** Phase 2 (after the settle time): unchanged; message; action; record. Answers whether it stays in the list. */
	private async act(c: Claimed): Promise<boolean> {
		if (!(await this.unchanged(c))) return true;
		const extra: IDataObject = {};
		const told = await this.message(c, extra);
		if (told === 'failed') return true;
		const result = await this.applyAction(c, extra, told === 'sent' || told === 'already-said');
		if (!result) return true;
		if (result !== 'already-closed') await this.record(c, extra);
		this.finish(c.item, result, extra);
		return false;
	}

	/** The claim is still ours, no new message arrived, and the conversation is still the bot's, as listed. */
	private async unchanged(c: Claimed): Promise<boolean> {
		const id = String(c.conversation.id);
		try {
			const [metadata, newest, now] = await Promise.all([
				readMetadata(this.ctx, id, this.observed),
				newestMessage(this.ctx, id, this.observed),
				getConversation(this.ctx, id, this.observed),
			]);
			const holder = metadata[this.p.claimKey];
			if (holder !== c.claim) {
				this.finish(c.item, 'skipped-claimed', { reason: `another sweep run claimed it at the same time (${String(holder)})` });
				return false;
			}
			if (String(newest?.id ?? '') !== String(c.lastMessage?.id ?? '')) {
				this.finish(c.item, 'skipped-active', {
					reason: 'a new message arrived after the conversation was listed',
					lastActivityAt: isoTime(newest?.createdAt) ?? c.item.lastActivityAt,
				});
				return false;
			}
			if (now.status === 'CLOSED' || now.agentId !== this.botId || !this.p.statuses.includes(String(now.status) as never)) {
				this.finish(c.item, 'skipped-changed', {
					reason: `the conversation changed after listing (status ${String(now.status)}, agent ${String(now.agentId ?? 'none')})`,
				});
				return false;
			}
		} catch (error) {
			this.finish(c.item, 'failed', { error: errorText(error) });
			return false;
		}
		return true;
	}

	/** Message Before Acting, as the bot, to the address of the last message; never said twice. */
	private async message(c: Claimed, extra: IDataObject): Promise<Told> {
		const text = this.p.messageText;
		const last = c.lastMessage;
		// an earlier run sent this very message and then failed to act: finish without saying it twice
		const alreadySaid =
			!!text && last?.direction === 'OUTBOUND' && String(last.authorId ?? last.agentId ?? this.botId) === this.botId && textOf(last) === text;
		if (alreadySaid) {
			extra.reason = 'the message is already the last one in the conversation (sent by an earlier run); not sent again';
			return 'already-said';
		}
		if (!text) return 'not-sent';
		if (!(last?.from && last.to && last.channel)) {
			extra.reason = 'no earlier message to take the customer address from; acted without sending the message';
			return 'not-sent';
		}
		const inbound = last.direction !== 'OUTBOUND';
		try {
			await sendMessage(this.ctx, {
				conversationId: String(c.conversation.id),
				agentId: this.botId,
				from: String(inbound ? last.to : last.from),
				to: String(inbound ? last.from : last.to),
				channel: String(last.channel),
				contentType: 'TEXT',
				content: { text },
				notBefore: this.clock.now() - 5000,
			});
		} catch (error) {
			this.finish(c.item, 'failed', { error: `Message not sent, conversation left as it was: ${errorText(error)}` });
			return 'failed';
		}
		extra.messageSent = true;
		return 'sent';
	}

	/** Close, route or assign; a 400 on a conversation found closed is `already-closed`. Undefined: failed (finished). */
	private async applyAction(c: Claimed, extra: IDataObject, told: boolean): Promise<Result | undefined> {
		const id = String(c.conversation.id);
		// close, route and assign are idempotent; once the customer has the message, keep trying a little longer
		const options = { ...this.observed, attempts: (told ? ACTION_ROUNDS_AFTER_MESSAGE : 1) * MAX_ATTEMPTS };
		const action = this.action as Acting;
		try {
			if (action === 'close') await closeConversation(this.ctx, id, options);
			else if (action === 'route') await routeConversation(this.ctx, id, options);
			else await assignConversation(this.ctx, id, this.assignee, options);
			return PAST[action];
		} catch (error) {
			const closed =
				httpCode(error) === '400' && action !== 'assign'
					? await getConversation(this.ctx, id)
							.then((conv) => conv.status === 'CLOSED')
							.catch(() => false)
					: false;
			if (closed) return 'already-closed';
			const note = extra.messageSent
				? ' (the message was sent; once the conversation is idle again a later run finishes it without sending the message twice)'
				: '';
			this.finish(c.item, 'failed', { ...extra, error: errorText(error) + note });
			return undefined;
		}
	}

	/** What was done, under the claim key, for agents and later runs; a failure to write it is noted, not fatal. */
	private async record(c: Claimed, extra: IDataObject): Promise<void> {
		const record = describeOutcome(this.action as Acting, this.clock.now(), c.idleMinutes, this.runId, this.assignee);
		try {
			await this.writeMetadata(String(c.conversation.id), { [this.p.claimKey]: record });
		} catch (error) {
			extra.recordError = errorText(error);
		}
	}
}

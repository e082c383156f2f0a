/**
 * What a sweep run works with: its constants, the conversation it carries from step to step, the results it counts,
 * and the small pure pieces of its output items.
 */
import { NodeApiError, type IDataObject } from 'n8n-workflow';

import { parseInfobipTime, type LastActivity, type SweepAction } from '../../../helpers/sweep';

/** A claim older than this is treated as left behind by a run that died, and may be taken over. */
export const CLAIM_TTL_MS = 10 * 60_000;
/** How often one conversation's claim is tried again when the API answered too slowly for a safe claim. */
export const CLAIM_ATTEMPTS = 3;
/** Rounds of the transport's retries for the (idempotent) action after the message went out: the customer was told, so finishing matters. */
export const ACTION_ROUNDS_AFTER_MESSAGE = 3;

export type Acting = Exclude<SweepAction, 'report'>;

export type Result =
	| 'closed'
	| 'routed'
	| 'assigned'
	| 'reported'
	| 'already-closed'
	| 'would-close'
	| 'would-route'
	| 'would-assign'
	| 'skipped-active'
	| 'skipped-claimed'
	| 'skipped-changed'
	| 'failed';

export const PAST: Record<Acting, Result> = { close: 'closed', route: 'routed', assign: 'assigned' };

/** An idle conversation this run counts as a candidate. */
export interface Candidate {
	conversation: IDataObject;
	lastMessage: IDataObject | undefined;
	/** its output item so far */
	item: IDataObject;
	idleMinutes: number;
}

/** A candidate whose claim this run wrote (at `writtenAt`, performance.now()). */
export interface Claimed extends Candidate {
	claim: string;
	writtenAt: number;
}

/** How the message step ended: sent now, sent by an earlier run, not sent (no text, no address) or failed. */
export type Told = 'sent' | 'already-said' | 'not-sent' | 'failed';

/** What every output item of a conversation carries. */
export interface ItemBase {
	conversationId: string;
	action: SweepAction;
	dryRun: boolean;
	runId: string;
}

export function baseItem(base: ItemBase): IDataObject {
	return { type: 'conversation', conversationId: base.conversationId, action: base.action, dryRun: base.dryRun, runId: base.runId };
}

/** The output item of an idle conversation, before its result. */
export function candidateItem(base: ItemBase, conversation: IDataObject, activity: LastActivity, channel: string | null): IDataObject {
	return {
		type: 'conversation',
		conversationId: base.conversationId,
		lastActivityAt: new Date(activity.at).toISOString(),
		idleMinutes: idleMinutesOf(activity),
		channel,
		status: conversation.status ?? null,
		queueId: conversation.queueId ?? null,
		action: base.action,
		dryRun: base.dryRun,
		messageSent: false,
		runId: base.runId,
	};
}

/** Minutes idle, one decimal, rounded down. */
export function idleMinutesOf(activity: LastActivity): number {
	return Math.floor(activity.idleMs / 6000) / 10;
}

/** "closed: 3, failed: 1", or "nothing". */
export function doneSoFar(results: Partial<Record<Result, number>>): string {
	return Object.entries(results).map(([k, v]) => `${k}: ${v}`).join(', ') || 'nothing';
}

export function isoTime(value: unknown): string | undefined {
	const t = parseInfobipTime(value);
	return t === undefined ? undefined : new Date(t).toISOString();
}

export function errorText(error: unknown): string {
	const e = error as { message?: string; description?: string };
	return [e.message, e.description].filter(Boolean).join(' — ');
}

export function httpCode(error: unknown): string | undefined {
	return error instanceof NodeApiError ? String(error.httpCode ?? '') : undefined;
}

export function textOf(message: IDataObject | undefined): string | undefined {
	const content = message?.content as IDataObject | undefined;
	return typeof content?.text === 'string' ? content.text : undefined;
}

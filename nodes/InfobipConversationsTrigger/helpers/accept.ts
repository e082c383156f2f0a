import type { IDataObject } from 'n8n-workflow';

import { STORE_KEY, acceptedInProcess, checkAndRecord, rememberAccepted } from './dedupe';
import type { Deduplication, MessageResult } from './inbound';
import { buildItem, ignoreReason, type TriggerSettings } from './item';

/** What happened to one message of a request. */
export type MessageOutcome =
	| { index: number; status: 'accepted'; messageId: string | null; deduplication: Deduplication }
	| { index: number; status: 'duplicate'; messageId: string; firstAcceptedAt: string }
	| { index: number; status: 'ignored'; messageId: string | null; reason: string }
	| { index: number; status: 'rejected'; field: string; reason: string };

export interface Acceptance {
	outcomes: MessageOutcome[];
	/** The items of the execution to start, in the request's order (empty: start none). */
	items: IDataObject[];
}

/** Where accepted message ids are remembered: records an id, or says it was already there. */
export interface DedupeBackend {
	record(messageId: string): Promise<{ duplicate: false } | { duplicate: true; firstSeenAt: number }>;
}

/**
 * The default store: workflow static data (node scope; n8n saves it when the webhook call has answered), merged
 * with the ids this process accepted while other calls were in flight (dedupe.ts: acceptedInProcess).
 */
export function staticDataBackend(staticData: IDataObject, scope: string, receivedAt: number, settings: TriggerSettings): DedupeBackend {
	const dedupe = { ttlMs: settings.dedupeTtlMs, maxEntries: settings.dedupeMaxEntries };
	return {
		async record(messageId) {
			const decision = checkAndRecord(staticData[STORE_KEY], messageId, receivedAt, dedupe, acceptedInProcess(scope));
			if (decision.duplicate) return decision;
			if (decision.store) {
				staticData[STORE_KEY] = decision.store as unknown as IDataObject;
				rememberAccepted(scope, decision.store.entries[decision.store.entries.length - 1], receivedAt, dedupe);
			}
			return { duplicate: false };
		},
	};
}

/**
 * Applies the trigger's filters and deduplication to each message of a request, in order, so a later message of
 * the same request with the same key is a duplicate too. With a deduplication window of 0 nothing is recorded.
 */
export async function acceptMessages(
	results: MessageResult[],
	settings: TriggerSettings,
	backend: DedupeBackend,
	receivedAt: number,
	envelopeField?: string,
): Promise<Acceptance> {
	const outcomes: MessageOutcome[] = [];
	const items: IDataObject[] = [];
	for (const [index, result] of results.entries()) {
		if (result.kind === 'invalid') {
			outcomes.push({ index, status: 'rejected', field: result.field, reason: result.reason });
			continue;
		}
		const { message } = result.value;
		const reason = result.kind === 'notForBot' ? result.reason : ignoreReason(message, settings);
		if (reason) {
			outcomes.push({ index, status: 'ignored', messageId: message.id, reason });
			continue;
		}
		if (message.id !== null && settings.dedupeTtlMs > 0) {
			const decision = await backend.record(message.id);
			if (decision.duplicate) {
				outcomes.push({ index, status: 'duplicate', messageId: message.id, firstAcceptedAt: new Date(decision.firstSeenAt).toISOString() });
				continue;
			}
		}
		outcomes.push({ index, status: 'accepted', messageId: message.id, deduplication: result.value.deduplication });
		const envelope = envelopeField === undefined ? undefined : { field: envelopeField, index, count: results.length };
		items.push(buildItem(result.value, receivedAt, envelope));
	}
	return { outcomes, items };
}

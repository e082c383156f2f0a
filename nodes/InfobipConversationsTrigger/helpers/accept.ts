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

/**
 * Applies the trigger's filters and deduplication to each message of a request, in order. Accepted messages
 * with a key are recorded in `staticData` (node scope; n8n saves it when the webhook call has answered) and in
 * this process's merge buffer, so a later message of the same request with the same key is a duplicate too.
 */
export function acceptMessages(
	results: MessageResult[],
	settings: TriggerSettings,
	staticData: IDataObject,
	scope: string,
	receivedAt: number,
	envelopeField?: string,
): Acceptance {
	const dedupe = { ttlMs: settings.dedupeTtlMs, maxEntries: settings.dedupeMaxEntries };
	const outcomes: MessageOutcome[] = [];
	const items: IDataObject[] = [];
	results.forEach((result, index) => {
		if (result.kind === 'invalid') {
			outcomes.push({ index, status: 'rejected', field: result.field, reason: result.reason });
			return;
		}
		const { message } = result.value;
		const reason = result.kind === 'notForBot' ? result.reason : ignoreReason(message, settings);
		if (reason) {
			outcomes.push({ index, status: 'ignored', messageId: message.id, reason });
			return;
		}
		if (message.id !== null) {
			const decision = checkAndRecord(staticData[STORE_KEY], message.id, receivedAt, dedupe, acceptedInProcess(scope));
			if (decision.duplicate) {
				outcomes.push({ index, status: 'duplicate', messageId: message.id, firstAcceptedAt: new Date(decision.firstSeenAt).toISOString() });
				return;
			}
			if (decision.store) {
				staticData[STORE_KEY] = decision.store as unknown as IDataObject;
				rememberAccepted(scope, decision.store.entries[decision.store.entries.length - 1], receivedAt, dedupe);
			}
		}
		outcomes.push({ index, status: 'accepted', messageId: message.id, deduplication: result.value.deduplication });
		const envelope = envelopeField === undefined ? undefined : { field: envelopeField, index, count: results.length };
		items.push(buildItem(result.value, receivedAt, envelope));
	});
	return { outcomes, items };
}

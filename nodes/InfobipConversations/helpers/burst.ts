/**
 * "Wait Until Customer Stops Typing": which messages form the customer's burst, and whether this execution is the
 * one to answer it. Pure: the node reads the conversation's messages and the server's clock, this decides.
 *
 * A burst is a run of inbound messages, each less than the quiet time after the one before, since the last outbound
 * message (the bot's or an agent's reply). Every message of a burst starts its own execution (possibly on another
 * n8n worker); each one waits until the customer has been quiet for the quiet time after its message. An execution
 * whose message is no longer the newest inbound one gives way (the newer message's execution answers), so exactly
 * one execution answers each burst — with no store but Infobip's own message history.
 */

export interface ListedMessage {
	id?: string;
	direction: string;
	/** ms, the server's clock */
	at: number;
	text?: string | null;
	raw: Record<string, unknown>;
}

export interface OwnMessage {
	/** Infobip's message id, when the trigger item has one (not a `derived:` key) */
	id?: string;
	/** ms, when the item's createdAt is Infobip's */
	at?: number;
	text?: string | null;
}

export type QuietDecision =
	/** A newer customer message arrived: its execution answers; this one outputs nothing. */
	| { kind: 'newer'; newest: ListedMessage }
	/** Not quiet long enough yet: look again after `ms`. */
	| { kind: 'wait'; ms: number }
	/** Quiet: answer these messages (oldest first); the last one is this execution's message. */
	| { kind: 'ready'; burst: ListedMessage[] };

const isInbound = (m: ListedMessage) => m.direction !== 'OUTBOUND';

/** This execution's message in the listing: by id, else the inbound one with its text nearest its time. */
export function findOwn(messages: ListedMessage[], own: OwnMessage): ListedMessage | undefined {
	if (own.id) {
		const byId = messages.find((m) => m.id === own.id);
		if (byId) return byId;
	}
	const candidates = messages.filter((m) => isInbound(m) && (own.text == null || m.text === own.text));
	if (!candidates.length) return undefined;
	if (own.at === undefined) return candidates[candidates.length - 1];
	return candidates.reduce((best, m) => (Math.abs(m.at - own.at!) < Math.abs(best.at - own.at!) ? m : best));
}

/**
 * Decides for `messages` (any order; the newest ones of the conversation), the server time `nowMs` and `quietMs`.
 * When this execution's message is not in the listing (yet), its own time stands in for it.
 */
export function decideQuiet(messages: ListedMessage[], own: OwnMessage, nowMs: number, quietMs: number): QuietDecision {
	const sorted = [...messages].sort((a, b) => a.at - b.at);
	const mine = findOwn(sorted, own);
	const mineAt = mine?.at ?? own.at ?? nowMs;
	const newer = sorted.filter((m) => isInbound(m) && m !== mine && (m.at > mineAt || (m.at === mineAt && mine && sorted.indexOf(m) > sorted.indexOf(mine))));
	if (newer.length) return { kind: 'newer', newest: newer[newer.length - 1] };
	const quietFor = nowMs - mineAt;
	if (quietFor < quietMs) return { kind: 'wait', ms: quietMs - quietFor };
	return { kind: 'ready', burst: burstEndingAt(sorted, mine, quietMs) };
}

/** The inbound messages before `last` that belong to its burst (gaps under the quiet time, no reply between). */
export function burstEndingAt(sorted: ListedMessage[], last: ListedMessage | undefined, quietMs: number): ListedMessage[] {
	if (!last) return [];
	const burst = [last];
	for (let i = sorted.indexOf(last) - 1; i >= 0; i--) {
		const m = sorted[i];
		if (!isInbound(m) || burst[0].at - m.at >= quietMs) break;
		burst.unshift(m);
	}
	return burst;
}

// @ts-check
/**
 * Exactly-once under faults: many customers chat with the external bot flow at once through the emulator,
 * which forwards each customer message to the flow's production webhook (at-least-once: some messages are
 * delivered twice) and injects 429s, 5xx, latency and dropped connections on the API the bot replies through.
 *
 * A customer sends a message and waits for the bot's answer before the next one (up to `replyTimeoutMs`);
 * a share of customers "double-text" (send two messages, then wait for two answers). Every customer message
 * must produce exactly one bot reply: counted per conversation in the emulator (Infobip's truth), and the
 * executions per message id in n8n's database.
 */
const { sleep } = require('../lib/n8n');

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const CHANNELS = ['WHATSAPP', 'SMS', 'VIBER', 'FACEBOOK_MESSENGER', 'LIVE_CHAT'];

/**
 * @param {object} o
 * @param {import('../../dist/emulator').RunningEmulator} o.emu
 * @param {number} o.messages total customer messages
 * @param {number} o.customers distinct customers chatting in parallel
 * @param {string} [o.prefix] customer number prefix (distinct per run on one emulator)
 * @param {number} [o.doubleTextRate] share of turns where the customer sends two messages before waiting (default 0)
 * @param {number} [o.handoffRate] share of customers who end their chat asking for an agent (the example's hand-off)
 * @param {number} [o.replyTimeoutMs] how long a customer waits for an answer before writing again
 * @param {(line: string) => void} [o.progress]
 */
async function driveCustomers(o) {
	const { emu, messages, customers } = o;
	const prefix = o.prefix ?? '38591';
	const doubleText = o.doubleTextRate ?? 0;
	const handoffRate = o.handoffRate ?? 0;
	/** @type {Set<string>} conversations whose last message asked for an agent */
	const handoffs = new Set();
	const replyTimeoutMs = o.replyTimeoutMs ?? 60_000;
	const progress = o.progress ?? (() => {});
	/** @type {Map<string, {conversationId: string, customer: string, messageIds: string[]}>} */
	const conversations = new Map();
	let sent = 0;
	let notForwarded = 0;
	let waitedOut = 0;
	let next = 0;
	const take = () => (next < messages ? ++next : 0);
	const outboundCount = (id) => {
		let n = 0;
		for (const m of emu.state.messages.get(id) ?? []) if (m.direction === 'OUTBOUND') n++;
		return n;
	};
	let rnd = 0x9e3779b9;
	const random = () => {
		rnd ^= rnd << 13;
		rnd ^= rnd >>> 17;
		rnd ^= rnd << 5;
		return (rnd >>> 0) / 4294967296;
	};
	const started = Date.now();
	let lastReport = started;

	const customer = async (index) => {
		const from = `${prefix}${String(index).padStart(6, '0')}`;
		const channel = CHANNELS[index % CHANNELS.length];
		// a customer who will ask for a person after a few questions, then stop writing (the bot no longer gets it)
		const handoffTurn = random() < handoffRate ? 2 + Math.floor(random() * 8) : Infinity;
		let turn = 0;
		for (;;) {
			const burst = turn + 1 < handoffTurn && random() < doubleText ? 2 : 1;
			/** @type {string | undefined} */
			let conversationId;
			let expected = 0;
			let handoff = false;
			for (let b = 0; b < burst; b++) {
				const n = take();
				if (!n) break;
				turn++;
				handoff = turn >= handoffTurn;
				// only the hand-off message contains "agent" (the example's IF); every message gets one reply
				const text = handoff ? `I want to talk to an agent please (#${n})` : `question ${turn} from customer ${index} (#${n})`;
				const r = await emu.inbound({ from, to: '447860099299', channel, text });
				if (handoff) handoffs.add(r.conversationId);
				sent++;
				if (!r.forwarded) notForwarded++;
				conversationId = r.conversationId;
				const c = conversations.get(r.conversationId) ?? { conversationId: r.conversationId, customer: from, messageIds: [] };
				c.messageIds.push(r.messageId);
				conversations.set(r.conversationId, c);
				expected = c.messageIds.length;
			}
			if (!conversationId) return;
			const deadline = Date.now() + replyTimeoutMs;
			while (outboundCount(conversationId) < expected) {
				if (Date.now() > deadline) {
					waitedOut++;
					break;
				}
				await sleep(20);
			}
			if (handoff) return;
			if (Date.now() - lastReport > 10_000) {
				lastReport = Date.now();
				progress(`${sent}/${messages} sent, ${((sent * 1000) / (Date.now() - started)).toFixed(1)} msg/s`);
			}
		}
	};
	await Promise.all(Array.from({ length: customers }, (_, i) => customer(i)));
	const sendingMs = Date.now() - started;
	return { conversations, handoffs, sent, notForwarded, waitedOut, sendingMs, started };
}

/**
 * Waits until nothing changes any more: the emulator has no delivery (or redelivery) pending, every execution
 * of the workflow has finished, and the reply count is stable for `quietMs`.
 */
async function settle({ emu, n8n, workflowId, conversations, quietMs = 3000, timeoutMs = 180_000 }) {
	await emu.waitForIdle();
	const deadline = Date.now() + timeoutMs;
	let lastKey = '';
	let stableSince = Date.now();
	while (Date.now() < deadline) {
		const rows = await n8n.executions(workflowId);
		const running = rows.filter((r) => ['new', 'running', 'waiting'].includes(r.status)).length;
		let replies = 0;
		for (const id of conversations.keys()) for (const m of emu.state.messages.get(id) ?? []) if (m.direction === 'OUTBOUND') replies++;
		const key = `${rows.length}/${running}/${replies}`;
		if (key !== lastKey) {
			lastKey = key;
			stableSince = Date.now();
		} else if (running === 0 && Date.now() - stableSince >= quietMs) {
			return rows;
		}
		await emu.waitForIdle();
		await sleep(250);
	}
	throw new Error(`executions or replies did not settle within ${timeoutMs / 1000} s (${lastKey})`);
}

/**
 * The figures: per conversation, customer messages vs bot replies (lost / duplicated), executions per
 * message id from n8n's database, deliveries and faults from the emulator.
 */
async function count({ emu, n8n, workflowId, conversations, handoffs, rows }) {
	let replies = 0;
	let lost = 0;
	let duplicated = 0;
	let conversationsWithLoss = 0;
	let conversationsWithDuplicates = 0;
	const messageIds = new Set();
	for (const c of conversations.values()) {
		for (const id of c.messageIds) messageIds.add(id);
		const out = (emu.state.messages.get(c.conversationId) ?? []).filter((m) => m.direction === 'OUTBOUND').length;
		replies += out;
		if (out < c.messageIds.length) {
			lost += c.messageIds.length - out;
			conversationsWithLoss++;
		}
		if (out > c.messageIds.length) {
			duplicated += out - c.messageIds.length;
			conversationsWithDuplicates++;
		}
	}
	const deliveries = emu.state.deliveries.filter((d) => messageIds.has(d.messageId));
	const ok = (d) => typeof d.status === 'number' && d.status < 300;
	const firstDelivered = new Set(deliveries.filter((d) => !d.redelivery && ok(d)).map((d) => d.messageId));
	const redelivered = deliveries.filter((d) => d.redelivery && ok(d)).length;
	/** @type {Record<string, number>} */
	const deliveryStatuses = {};
	/** @type {Record<string, number>} why deliveries failed (status and the start of n8n's answer) */
	const deliveryFailures = {};
	for (const d of deliveries) {
		const k = `${d.redelivery ? 'redelivery ' : ''}${d.status}`;
		deliveryStatuses[k] = (deliveryStatuses[k] ?? 0) + 1;
		if (!ok(d)) {
			const why = `${d.status} ${String(d.detail ?? '').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>').slice(0, 120)}`;
			deliveryFailures[why] = (deliveryFailures[why] ?? 0) + 1;
		}
	}

	// executions per message id: the trigger item carries the message id; the Send output carries other ids
	const perMessage = new Map();
	const executionIds = rows.map((r) => r.id);
	const byStatus = {};
	for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
	for (const { id, data } of await n8n.executionData(workflowId)) {
		const found = new Set((String(data).match(UUID) ?? []).filter((u) => messageIds.has(u)));
		for (const m of found) perMessage.set(m, [...(perMessage.get(m) ?? []), id]);
	}
	const messagesWithoutExecution = [...messageIds].filter((m) => !perMessage.has(m)).length;
	// hand-offs: routed to the agents' queue with the metadata the example sets, and no longer with the bot
	let handedOff = 0;
	for (const id of handoffs ?? []) {
		const c = emu.state.conversations.get(id);
		const meta = emu.state.metadata.get(id);
		if (c && c.agentId === null && !c.withBot && c.queueId && meta?.Intent === 'talk to a person') handedOff++;
	}
	const messagesWithSeveralExecutions = [...perMessage.values()].filter((e) => e.length > 1).length;
	return {
		sent: messageIds.size,
		delivered: firstDelivered.size,
		redelivered,
		deliveryAttempts: deliveries.length,
		deliveryStatuses,
		deliveryFailures,
		executions: executionIds.length,
		executionsByStatus: byStatus,
		messagesWithoutExecution,
		messagesWithSeveralExecutions,
		replies,
		lost,
		duplicated,
		conversations: conversations.size,
		handoffsRequested: handoffs?.size ?? 0,
		handoffsCompleted: handedOff,
		conversationsWithLoss,
		conversationsWithDuplicates,
		faultsInjected: { ...emu.state.faultsInjected },
		examples: {
			duplicatedExecutions: [...perMessage.entries()].filter(([, e]) => e.length > 1).slice(0, 5),
			// a message no execution carries, with how each delivery of it was answered
			withoutExecution: [...messageIds]
				.filter((m) => !perMessage.has(m))
				.slice(0, 5)
				.map((m) => ({ messageId: m, deliveries: deliveries.filter((d) => d.messageId === m).map((d) => `${d.redelivery ? 'redelivery ' : ''}${d.status}`) })),
		},
	};
}

module.exports = { driveCustomers, settle, count };

/**
 * Infobip's side of an external chatbot: a customer's message arrives (inbound), joins or opens a conversation
 * and is POSTed to the Bot URL, with retries on 5xx/429/connection errors and at-least-once redelivery.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'undici';

import type { BotSettings } from './botResource';
import type { Clock } from './clock';
import { parseOr400 } from './errors';
import { botPayload, type EmulatorProfile } from './profile';
import { inboundSchema, type InboundInput } from './schemas';
import type { Store } from './store';
import type { Delivery, Message } from './types';

type Outcome = 'accepted' | 'refused' | 'retry';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Bot {
	/** deliveries and redeliveries under way (waitForIdle, close) */
	private readonly pending = new Set<Promise<unknown>>();

	constructor(
		readonly settings: BotSettings,
		private readonly store: Store,
		private readonly clock: Clock,
		private readonly random: () => number,
		private readonly profile: () => EmulatorProfile,
	) {}

	/** A customer's message: into the open conversation (or a new one), then to the bot if it has the conversation. */
	async inbound(input: InboundInput) {
		const msg = parseOr400(inboundSchema, input, 'Invalid inbound message');
		const bot = this.settings;
		this.store.expireSessions(bot.sessionTimeoutSeconds);
		const customer = { from: msg.from, to: msg.to, channel: msg.channel };
		const conv = this.store.openConversation(customer) ?? this.store.createConversation(customer, { agentId: bot.active ? bot.id : null, withBot: bot.active });
		const m: Message = {
			id: randomUUID(),
			conversationId: conv.id,
			...customer,
			direction: 'INBOUND',
			contentType: msg.contentType ?? 'TEXT',
			content: msg.content ?? { text: msg.text ?? '' },
			createdAt: this.clock.ts(),
			authorType: 'CUSTOMER',
		};
		this.store.addMessage(m);
		const forwarded = conv.withBot && bot.active;
		if (forwarded) this.track(this.deliver(m));
		return { conversationId: conv.id, messageId: m.id, forwarded };
	}

	/** Resolves when no delivery is under way, including redeliveries scheduled meanwhile. */
	async idle() {
		while (this.pending.size) await Promise.allSettled([...this.pending]);
	}
	/** Resolves when the deliveries under way now are done. */
	async settle() {
		await Promise.allSettled([...this.pending]);
	}

	private track(p: Promise<unknown>) {
		const tracked = p.finally(() => this.pending.delete(tracked));
		this.pending.add(tracked);
	}

	/** `payload`: fixed at the first delivery, so a redelivery sends exactly the same body */
	private async deliver(m: Message, redelivery = false, payload = botPayload(m, this.profile())): Promise<void> {
		const url = this.settings.url;
		if (!url || !this.settings.active) return;
		const headers = this.settings.deliveryHeaders();
		const { attempts, retryDelayMs } = this.settings.delivery;
		for (let attempt = 1; attempt <= attempts; attempt++) {
			const record = (d: Pick<Delivery, 'status' | 'detail'>) =>
				this.store.state.deliveries.push({ messageId: m.id, conversationId: m.conversationId, status: d.status, attempt, ...(redelivery ? { redelivery } : {}), ...(d.detail ? { detail: d.detail } : {}) });
			const outcome = await this.post(url, headers, payload, record);
			if (outcome === 'accepted' && !redelivery) this.maybeRedeliver(m, payload);
			if (outcome !== 'retry') return;
			if (attempt < attempts) await sleep(retryDelayMs * attempt);
		}
	}

	/** One POST to the Bot URL: accepted (2xx), refused for good (other 4xx), or worth a retry (5xx, 429, no answer). */
	private async post(url: string, headers: Record<string, string>, payload: string, record: (d: Pick<Delivery, 'status' | 'detail'>) => void): Promise<Outcome> {
		try {
			const res = await request(url, { method: 'POST', headers, body: payload });
			// the start of a failed answer's body is kept (why the bot refused), a successful one is dropped
			const detail = res.statusCode >= 300 ? (await res.body.text()).slice(0, 200) : (await res.body.dump(), undefined);
			record({ status: res.statusCode, detail });
			if (res.statusCode < 300) return 'accepted';
			return res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 429 ? 'refused' : 'retry';
		} catch (error) {
			record({ status: 'error', detail: String((error as Error).message).slice(0, 200) });
			return 'retry';
		}
	}

	/** At-least-once, as Infobip: with bot.redeliveryRate the accepted message comes once more, later. */
	private maybeRedeliver(m: Message, payload: string) {
		const { redeliveryRate, redeliveryDelayMs } = this.settings.delivery;
		if (!redeliveryRate || !(this.random() < redeliveryRate)) return;
		this.track(sleep(redeliveryDelayMs).then(() => this.deliver(m, true, payload)));
	}
}

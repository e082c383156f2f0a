/**
 * The emulator's one bot, as two views of the same settings: the BotConfig of startEmulator(), configureBot()
 * and PUT /_emulator/config {bot}, and the API's bot resource (GET/PUT /ccaas/1/bots/{botId}). `url` is the
 * resource's `webhookUrl`; `authHeaderName` names the header of `webhookHeaders` that `authHeaderValue` is.
 */
import { randomUUID } from 'node:crypto';

import { notFound, parseOr400 } from './errors';
import { botSchema, type BotUpdate } from './schemas';
import type { BotConfig } from './types';

/** The BotConfig fields kept as given (the auth header is kept in the header map). */
const PLAIN_KEYS = [
	'url',
	'agentId',
	'sessionTimeoutSeconds',
	'displayName',
	'destination',
	'channel',
	'enabled',
	'redeliveryRate',
	'redeliveryDelayMs',
	'deliveryAttempts',
	'deliveryRetryDelayMs',
] as const;
type Plain = Pick<BotConfig, (typeof PLAIN_KEYS)[number]>;

const MASK = '***';
const mask = (headers: Record<string, string>) => Object.fromEntries(Object.keys(headers).map((k) => [k, MASK]));
const nonEmpty = (headers: Record<string, string>) => Object.keys(headers).length > 0;

export class BotSettings {
	private readonly plain: Plain = { agentId: randomUUID(), sessionTimeoutSeconds: 600 };
	/** the resource's webhookHeaders, sent with every delivery */
	private headers: Record<string, string> = {};
	private authHeaderName = 'Authorization';
	/** resource fields only PUT /ccaas/1/bots/{botId} sets; the emulator sends no events */
	private events: { url?: string; headers: Record<string, string> } = { headers: {} };
	private persistence: BotUpdate['messagePersistencePolicy'] = 'PERSIST_ALL';

	constructor(initial: BotConfig = {}) {
		this.configure(initial);
	}

	get id(): string {
		return this.plain.agentId!;
	}
	get url(): string | undefined {
		return this.plain.url || undefined;
	}
	/** The bot takes new conversations and gets the customers' messages. */
	get active(): boolean {
		return Boolean(this.url) && this.plain.enabled !== false;
	}
	get sessionTimeoutSeconds(): number {
		return this.plain.sessionTimeoutSeconds ?? 600;
	}
	get delivery() {
		const p = this.plain;
		return {
			attempts: Math.max(1, p.deliveryAttempts ?? 3),
			retryDelayMs: p.deliveryRetryDelayMs ?? 50,
			redeliveryRate: p.redeliveryRate ?? 0,
			redeliveryDelayMs: p.redeliveryDelayMs ?? 1000,
		};
	}
	/** The headers of a POST to the Bot URL. */
	deliveryHeaders(): Record<string, string> {
		const out: Record<string, string> = { 'content-type': 'application/json' };
		for (const [name, value] of Object.entries(this.headers)) out[name.toLowerCase()] = value;
		return out;
	}

	/** configureBot() and PUT /_emulator/config {bot}: what `b` names changes (given as undefined: unset). */
	configure(b: BotConfig) {
		const has = (k: keyof BotConfig) => Object.prototype.hasOwnProperty.call(b, k);
		if (has('authHeaderName')) {
			const value = this.authHeaderValue();
			this.setAuthHeader(undefined);
			this.authHeaderName = b.authHeaderName || 'Authorization';
			this.setAuthHeader(value);
		}
		if (has('authHeaderValue')) this.setAuthHeader(b.authHeaderValue);
		for (const k of PLAIN_KEYS) if (has(k)) (this.plain as Record<string, unknown>)[k] = b[k];
	}

	/** The BotConfig as the control API answers it: header values masked. */
	configView() {
		return {
			...this.plain,
			authHeaderName: this.authHeaderName,
			authHeaderValue: this.authHeaderValue() ? MASK : undefined,
			...(nonEmpty(this.headers) ? { webhookHeaders: mask(this.headers) } : {}),
		};
	}

	/** The bot resource as the API answers it (GET /ccaas/1/bots, GET and PUT /ccaas/1/bots/{botId}). */
	resource() {
		const p = this.plain;
		return {
			id: this.id,
			displayName: p.displayName ?? 'Emulator bot',
			...(this.url ? { webhookUrl: this.url } : {}),
			...(nonEmpty(this.headers) ? { webhookHeaders: { ...this.headers } } : {}),
			...(this.events.url ? { webhookEventUrl: this.events.url } : {}),
			...(nonEmpty(this.events.headers) ? { webhookEventHeaders: { ...this.events.headers } } : {}),
			destination: p.destination ?? '447860099299',
			channel: p.channel ?? 'WHATSAPP',
			enabled: p.enabled !== false,
			sessionTimeoutInSec: this.sessionTimeoutSeconds,
			messagePersistencePolicy: this.persistence,
		};
	}

	/** The resource with this id, or a 404. */
	find(botId: string) {
		if (botId !== this.id) throw notFound(`Bot ${botId} not found`);
		return this.resource();
	}

	/** PUT /ccaas/1/bots/{botId}: replaces the bot (what the body leaves out takes its default). */
	replace(botId: string, body: unknown) {
		this.find(botId);
		const b = parseOr400(botSchema, body, (fields) => `Invalid bot: ${fields}`);
		Object.assign(this.plain, {
			url: b.webhookUrl || undefined,
			displayName: b.displayName,
			destination: b.destination,
			channel: b.channel,
			enabled: b.enabled,
			sessionTimeoutSeconds: b.sessionTimeoutInSec,
		});
		this.headers = { ...b.webhookHeaders };
		// one header: it is the one authHeaderName/authHeaderValue speak of
		const names = Object.keys(this.headers);
		if (names.length === 1) this.authHeaderName = names[0];
		this.events = { url: b.webhookEventUrl || undefined, headers: { ...b.webhookEventHeaders } };
		this.persistence = b.messagePersistencePolicy;
		return this.resource();
	}

	private headerKey(name: string) {
		return Object.keys(this.headers).find((k) => k.toLowerCase() === name.toLowerCase());
	}
	private authHeaderValue(): string | undefined {
		const key = this.headerKey(this.authHeaderName);
		return key === undefined ? undefined : this.headers[key];
	}
	private setAuthHeader(value: string | undefined) {
		const key = this.headerKey(this.authHeaderName);
		if (key !== undefined) delete this.headers[key];
		if (value) this.headers[this.authHeaderName] = value;
	}
}

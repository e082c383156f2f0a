import type { IDataObject } from 'n8n-workflow';

import type { InboundMessage, NormalizedMessage } from './inbound';

/** The trigger's options with their defaults applied (n8n gives a collection only the options the user added). */
export interface TriggerSettings {
	channels: string[];
	destinations: string[];
	includeNonText: boolean;
	maxBodyBytes: number;
	dedupeTtlMs: number;
	dedupeMaxEntries: number;
	/** How long the credential's expected header is remembered (credentialCache.ts); 0 = load every time. */
	credentialCacheMs: number;
	/** Refuse (400) every message that lacks a field of the full Conversations message shape, as before. */
	strictValidation: boolean;
}

export const DEFAULTS = {
	maxBodySizeKb: 256,
	dedupeWindowHours: 24,
	dedupeMaxEntries: 5000,
	credentialCacheSeconds: 60,
} as const;

const num = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

/** Splits a comma/newline separated list (as typed in a text field) into trimmed, non-empty values. */
export function splitList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String).map((v) => v.trim()).filter(Boolean);
	if (typeof value !== 'string') return [];
	return value
		.split(/[,\n]/)
		.map((v) => v.trim())
		.filter(Boolean);
}

export function resolveSettings(options: IDataObject): TriggerSettings {
	return {
		channels: splitList(options.channels).map((c) => c.toUpperCase()),
		destinations: splitList(options.destinations),
		includeNonText: options.includeNonText !== false,
		maxBodyBytes: Math.max(1, Math.round(num(options.maxBodySizeKb, DEFAULTS.maxBodySizeKb) * 1024)),
		dedupeTtlMs: Math.max(0, num(options.dedupeWindowHours, DEFAULTS.dedupeWindowHours)) * 3600 * 1000,
		dedupeMaxEntries: Math.max(1, Math.floor(num(options.dedupeMaxEntries, DEFAULTS.dedupeMaxEntries))),
		credentialCacheMs: Math.min(60, Math.max(0, num(options.credentialCacheSeconds, DEFAULTS.credentialCacheSeconds))) * 1000,
		strictValidation: options.strictValidation === true,
	};
}

/**
 * A number or page id as people type it: "+44 7860 099299", "447860099299" and "44-7860-099299" are the
 * same destination. Letters are compared case-insensitively.
 */
export function normalizeDestination(value: string): string {
	return value.replace(/[\s\-().+]/g, '').toLowerCase();
}

/** Why a message is ignored by the options, or undefined when the flow should run for it. */
export function ignoreReason(message: InboundMessage, settings: TriggerSettings): string | undefined {
	if (settings.channels.length && !(message.channel && settings.channels.includes(message.channel.toUpperCase()))) {
		const channel = message.channel ? `channel ${message.channel}` : 'the message names no channel, which';
		return `${channel} is not one of the trigger's Channels (${settings.channels.join(', ')})`;
	}
	if (settings.destinations.length) {
		const to = message.to === null ? undefined : normalizeDestination(message.to);
		if (to === undefined || !settings.destinations.some((d) => normalizeDestination(d) === to)) {
			return message.to === null
				? "the message names no destination (to), so it matches none of the trigger's Destinations"
				: `destination ${message.to} is not one of the trigger's Destinations`;
		}
	}
	if (!settings.includeNonText && message.contentType !== 'TEXT') {
		return `content type ${message.contentType} is not text and "Include Non-Text Messages" is off`;
	}
	return undefined;
}

/** Where a message of an envelope sat: the envelope's field, its index there and the number of messages. */
export interface EnvelopePosition {
	field: string;
	index: number;
	count: number;
}

/**
 * The item a flow works with. Top-level names match what the Infobip Conversations node's Send operation
 * reads by default: conversationId, to (our sender → From), from (the customer → To), channel.
 * `received` says when the trigger got the message, which fields it derived and how it deduplicates.
 * `payload` is the message exactly as received.
 */
export function buildItem(normalized: NormalizedMessage, receivedAtMs: number, envelope?: EnvelopePosition): IDataObject {
	const { message } = normalized;
	const text = message.contentType === 'TEXT' && typeof message.content.text === 'string' ? message.content.text : null;
	return {
		conversationId: message.conversationId,
		messageId: message.id,
		channel: message.channel,
		from: message.from,
		to: message.to,
		direction: message.direction,
		contentType: message.contentType,
		text,
		content: message.content as IDataObject,
		createdAt: message.createdAt,
		received: {
			at: new Date(receivedAtMs).toISOString(),
			derived: normalized.derived,
			deduplication: normalized.deduplication,
			...(envelope ? { envelope: { ...envelope } } : {}),
		},
		payload: normalized.raw as IDataObject,
	};
}

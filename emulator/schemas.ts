/** What the emulator accepts, as zod schemas: the API's request bodies and the control API's inputs. */
import { z } from 'zod';

export const STATUSES = ['OPEN', 'WAITING', 'SOLVED', 'CLOSED'] as const;
export const PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const;

/** PATCH/PUT /conversations/{id} (`id`, `createdAt`, `updatedAt`, `closedAt` are dropped before). */
export const patchSchema = z
	.object({
		topic: z.string().max(1000).optional(),
		summary: z.string().max(4000).optional(),
		status: z.enum(STATUSES).optional(),
		priority: z.enum(PRIORITIES).optional(),
		queueId: z.string().max(255).optional(),
		agentId: z.string().max(255).optional(),
	})
	.strict();
export const metadataSchema = z
	.record(z.union([z.string(), z.number(), z.boolean()]))
	.refine((o) => Object.keys(o).length > 0, 'metadata must have at least one key');

const urlContent = z.object({ url: z.string().url(), caption: z.string().optional() });
export const contentSchemas: Record<string, z.ZodTypeAny> = {
	TEXT: z.object({ text: z.string().min(1) }),
	IMAGE: urlContent,
	VIDEO: urlContent,
	AUDIO: urlContent,
	DOCUMENT: urlContent,
	// the API's examples name the label locationName; `name` is accepted as well
	LOCATION: z.object({ latitude: z.number(), longitude: z.number(), locationName: z.string().optional(), name: z.string().optional(), address: z.string().optional() }),
};
/** POST /conversations/{id}/messages; `content` is then checked with contentSchemas[contentType]. */
export const messageSchema = z.object({
	from: z.string().min(1),
	to: z.string().min(1),
	channel: z.string().min(1),
	contentType: z.string().min(1),
	content: z.record(z.unknown()),
});

/** The OpenAPI description's MessageChannel: what a bot's `channel` may be. */
export const BOT_CHANNELS = [
	'SMS', 'VIBER', 'FACEBOOK_MESSENGER', 'WHATSAPP', 'RCS', 'UNKNOWN', 'EMAIL', 'LIVE_CHAT', 'UNUSED', 'VOICE', 'VIDEO',
	'APPLE_BUSINESS_CHAT', 'LINE', 'GOOGLE_BUSINESS_MESSAGES', 'TELEGRAM', 'CALLS', 'INTERNAL', 'VIBER_BOT', 'FACEBOOK_POST',
	'INSTAGRAM_POST', 'TWITTER_POST', 'INSTAGRAM_MESSAGING', 'GOOGLE_PLAY', 'KAKAO_SANGDAM', 'TWITTER_DM', 'WHATSAPP_CALLS',
	'VIBER_CALLS', 'OPEN_CHANNEL', 'TIKTOK', 'ZALO',
] as const;
export const PERSISTENCE_POLICIES = ['PERSIST_ALL', 'PERSIST_NONE'] as const;
/** header name → value; names HTTP tokens and values without line breaks, so a delivery can send them */
const headerMap = z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a header name'), z.string().regex(/^[^\r\n]*$/, 'has a line break'));
/**
 * PUT /ccaas/1/bots/{botId}: the OpenAPI description's BotApiModel. A PUT replaces the bot, so what it leaves out
 * takes the description's defaults (enabled true, sessionTimeoutInSec 86400, PERSIST_ALL; no webhook). `id` is
 * read-only and ignored.
 */
export const botSchema = z
	.object({
		id: z.string().optional(),
		displayName: z.string().max(255),
		webhookUrl: z.string().max(2000).optional(),
		webhookHeaders: headerMap.optional(),
		webhookEventUrl: z.string().max(2000).optional(),
		webhookEventHeaders: headerMap.optional(),
		destination: z.string().max(255),
		channel: z.enum(BOT_CHANNELS),
		enabled: z.boolean().default(true),
		sessionTimeoutInSec: z.number().int().min(60).max(86400).default(86400),
		messagePersistencePolicy: z.enum(PERSISTENCE_POLICIES).default('PERSIST_ALL'),
	})
	.strict();
export type BotUpdate = z.output<typeof botSchema>;

/** POST /_emulator/inbound, emu.inbound(): a customer's message. */
export const inboundSchema = z.object({
	from: z.string().min(1),
	to: z.string().min(1),
	channel: z.string().min(1).default('WHATSAPP'),
	text: z.string().optional(),
	contentType: z.string().optional(),
	content: z.record(z.unknown()).optional(),
});
export type InboundInput = z.input<typeof inboundSchema>;

/** POST /_emulator/seed, emu.seed(): many conversations at once (docs/emulator.md, Bulk seeding). */
export const seedSchema = z
	.object({
		count: z.number().int().min(1).max(500_000),
		/** assignee; default the bot's agent id; null = unassigned */
		agentId: z.string().min(1).nullable().optional(),
		status: z.enum(STATUSES).default('OPEN'),
		queueId: z.string().min(1).nullable().default(null),
		channel: z.string().min(1).default('WHATSAPP'),
		/** the (newest) message is this long before the emulator's now */
		lastMessageAgoMs: z.number().min(0).default(0),
		/** messages spread evenly from lastMessageAgoMs to lastMessageAgoMs + spreadMs ago */
		spreadMs: z.number().min(0).default(0),
		direction: z.enum(['INBOUND', 'OUTBOUND']).default('INBOUND'),
		to: z.string().min(1).default('447860099299'),
		text: z.string().min(1).default('Hello'),
		/** the bot still receives the customer's messages; default: assigned to the bot */
		withBot: z.boolean().optional(),
	})
	.strict();
export type SeedInput = z.input<typeof seedSchema>;

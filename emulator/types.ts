/** The emulator's public types (re-exported by index.ts) and the internal core the modules share. */
import type { Bot } from './bot';
import type { Clock } from './clock';
import type { Faults } from './faults';
import type { EmulatorProfile } from './profile';
import type { InboundInput, SeedInput } from './schemas';
import type { Store } from './store';

/**
 * The emulator's one bot. It is also the API's bot resource (`GET`/`PUT /ccaas/1/bots/{id}`): `url` is its
 * `webhookUrl`, `authHeaderName` + `authHeaderValue` one header of its `webhookHeaders`, `agentId` its `id`,
 * `sessionTimeoutSeconds` its `sessionTimeoutInSec`. Whichever way it is changed, the next delivery uses it.
 */
export interface BotConfig {
	url?: string;
	authHeaderName?: string;
	authHeaderValue?: string;
	agentId?: string;
	sessionTimeoutSeconds?: number;
	/** The bot resource's `displayName` (default 'Emulator bot'), `destination`, `channel` (shown, not used for routing). */
	displayName?: string;
	destination?: string;
	channel?: string;
	/** The bot resource's `enabled` (default true): a disabled bot gets no messages and takes no new conversations. */
	enabled?: boolean;
	/**
	 * At-least-once delivery, as Infobip does it: after a delivery the bot answered with 2xx, the same message
	 * (same id and body) is sent again with this probability (0–1), `redeliveryDelayMs` later. Default 0.
	 */
	redeliveryRate?: number;
	/** Delay before a redelivery, in ms. Default 1000. */
	redeliveryDelayMs?: number;
	/** Attempts per delivery when the bot answers 5xx/429 or the connection fails. Default 3. */
	deliveryAttempts?: number;
	/** Wait before retry n is n × this, in ms. Default 50. */
	deliveryRetryDelayMs?: number;
}
export interface FaultConfig {
	latencyMs?: number;
	/** extra latency, uniformly random from 0 to this many ms, added to latencyMs (e.g. 20 + 0..30 = 20–50 ms) */
	latencyJitterMs?: number;
	/**
	 * Rate limit per API key: at most this many /ccaas/ requests are accepted in any sliding 1-second window;
	 * beyond it the answer is 429 with Retry-After, counted as faultsInjected.rateLimited. Refused requests do
	 * not use up the window. 0 or unset: no limit.
	 */
	rateLimitPerSecond?: number;
	errorRate?: number;
	rateLimitRate?: number;
	retryAfterSeconds?: number;
	dropRate?: number;
	/** The request is processed (state changes), then the connection is dropped before the answer is sent. */
	dropResponseRate?: number;
}

export interface EmulatorOptions {
	/** Default 'full'; see EmulatorProfile. Changeable later with setProfile() or PUT /_emulator/config {profile}. */
	profile?: EmulatorProfile;
	port?: number;
	host?: string;
	apiKey?: string;
	bot?: BotConfig;
	faults?: FaultConfig;
	seed?: number;
	maxBodyBytes?: number;
}
export interface Conversation {
	id: string;
	topic?: string;
	summary?: string;
	status: 'OPEN' | 'WAITING' | 'SOLVED' | 'CLOSED';
	priority: 'LOW' | 'NORMAL' | 'HIGH' | 'URGENT';
	queueId: string | null;
	agentId: string | null;
	createdAt: string;
	updatedAt: string;
	closedAt?: string;
	/** emulator-only: bot still owns the conversation */
	withBot: boolean;
	customer: Customer;
}
export interface Customer {
	from: string;
	to: string;
	channel: string;
}
export interface Message {
	id: string;
	conversationId: string;
	from: string;
	to: string;
	channel: string;
	direction: 'INBOUND' | 'OUTBOUND';
	contentType: string;
	content: Record<string, unknown>;
	createdAt: string;
	/** Who wrote it, as the API's message objects say (`authorType` CUSTOMER, AGENT, BOT or SYSTEM; `authorId` the agent or bot). */
	authorType?: 'CUSTOMER' | 'AGENT' | 'BOT' | 'SYSTEM';
	authorId?: string;
	/** emulator-only (the 'full' profile answers it too): the x-agent-id an outbound message was sent with */
	agentId?: string;
}
export interface Delivery {
	messageId: string;
	conversationId: string;
	status: number | 'error';
	attempt: number;
	redelivery?: true;
	detail?: string;
}
export interface EmulatorState {
	conversations: Map<string, Conversation>;
	messages: Map<string, Message[]>;
	metadata: Map<string, Record<string, string | number | boolean>>;
	/** One entry per POST to the bot; `redelivery` marks the at-least-once repeats (bot.redeliveryRate). */
	deliveries: Delivery[];
	/** `at`: when the request arrived (epoch ms, real time) */
	requests: Array<{ method: string; path: string; status: number; agentId?: string; at: number }>;
	faultsInjected: Record<string, number>;
}
export interface RunningEmulator {
	url: string;
	apiKey: string;
	botAgentId: string;
	/** The current profile (see EmulatorProfile). */
	readonly profile: EmulatorProfile;
	state: EmulatorState;
	close(): Promise<void>;
	/** Switches the profile at once; kept across reset(), like the faults and the bot configuration. */
	setProfile(profile: EmulatorProfile): void;
	setFaults(f: FaultConfig): void;
	configureBot(b: BotConfig): void;
	advanceClock(ms: number): void;
	now(): number;
	inbound(msg: InboundInput): Promise<{ conversationId: string; messageId: string; forwarded: boolean }>;
	/** Bulk-creates conversations, each with one message at a chosen time (tests, benchmarks). */
	seed(input: SeedInput): { created: number; conversationIds: string[] };
	waitForIdle(): Promise<void>;
	reset(): void;
}

/** What the API and control handlers work on (internal: not exported by index.ts). */
export interface Core {
	readonly apiKey: string;
	profile: EmulatorProfile;
	readonly clock: Clock;
	readonly store: Store;
	readonly bot: Bot;
	readonly faults: Faults;
	reset(): void;
}

import { createHash } from 'node:crypto';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/** The part of an ioredis client this store uses (the module itself is loaded only when the store is chosen). */
export interface Redis {
	status: string;
	connect(): Promise<unknown>;
	set(key: string, value: string, px: 'PX', ms: number, nx: 'NX'): Promise<string | null>;
	get(key: string): Promise<string | null>;
	ping(): Promise<string>;
	quit(): Promise<unknown>;
	disconnect(): void;
	on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Deduplication in Redis (the trigger's "Deduplication Store: Redis"), for n8n setups where several processes
 * serve webhooks (queue mode with `n8n webhook` processes, multi-main behind a load balancer). Workflow static data
 * is saved as a whole per webhook call, so two processes saving at the same moment can drop each other's records;
 * Redis' `SET key value NX PX ttl` records an id and tells whether it was already there in one atomic step, so a
 * message delivered twice to two processes at the same moment still runs once.
 *
 * The client (ioredis) is loaded only when this store is chosen. One client per Redis credential and n8n process
 * is kept open (a connection pool, not state: Redis holds the records) and reused by later webhook calls.
 */

/** Keys: `<prefix><workflow id>:<trigger node id>:<hash of the message id>`, expiring after the window. */
export const KEY_PREFIX = 'n8n-infobip-conversations:dedupe:';
const MAX_CLIENTS = 20;

export interface RedisSettings {
	host: string;
	port: number;
	user?: string;
	password?: string;
	database: number;
	ssl: boolean;
	disableTlsVerification: boolean;
}

export type RedisDecision = { duplicate: false } | { duplicate: true; firstSeenAt: number };

/** Reads n8n's Redis credential (type `redis`). */
export function redisSettings(credentials: ICredentialDataDecryptedObject): RedisSettings {
	const port = Number(credentials.port ?? 6379);
	const database = Number(credentials.database ?? 0);
	return {
		host: String(credentials.host || 'localhost'),
		port: Number.isInteger(port) && port > 0 ? port : 6379,
		user: credentials.user ? String(credentials.user) : undefined,
		password: credentials.password ? String(credentials.password) : undefined,
		database: Number.isInteger(database) && database >= 0 ? database : 0,
		ssl: credentials.ssl === true,
		disableTlsVerification: credentials.disableTlsVerification === true,
	};
}

const clients = new Map<string, Promise<Redis>>();

/** A stable name for a connection's settings; the password only as a digest. */
function clientKey(s: RedisSettings): string {
	const secret = s.password ? createHash('sha256').update(s.password, 'utf8').digest('base64url') : '';
	return JSON.stringify([s.host, s.port, s.user ?? '', secret, s.database, s.ssl, s.disableTlsVerification]);
}

async function createClient(s: RedisSettings): Promise<Redis> {
	// the one runtime dependency besides liquidjs (scan-exceptions.json says why)
	const { default: RedisClient } = await import('ioredis');
	const options = {
		host: s.host,
		port: s.port,
		username: s.user,
		password: s.password,
		db: s.database,
		...(s.ssl ? { tls: { rejectUnauthorized: !s.disableTlsVerification } } : {}),
		lazyConnect: true,
		connectTimeout: 2000,
		commandTimeout: 2000,
		maxRetriesPerRequest: 1,
		// fail at once while disconnected (the trigger then falls back), and keep reconnecting in the background
		enableOfflineQueue: false,
		retryStrategy: (times: number) => Math.min(times * 200, 2000),
		connectionName: 'n8n-infobip-conversations-trigger',
	};
	const client = new RedisClient(options) as unknown as Redis;
	// errors surface on the commands; without a listener ioredis would print each reconnect failure
	client.on('error', () => undefined);
	return client;
}

/**
 * The open client for these settings: created and connected on first use, then shared by the calls of this process.
 * Every caller waits for the first connection (found by the reliability harness: without that, the messages that
 * arrived while it was opening were deduplicated in the static data instead); a failed first connection is
 * forgotten, so the next message tries again. Later disconnections fail fast and are reconnected in the background.
 */
export async function redisClient(s: RedisSettings): Promise<Redis> {
	const key = clientKey(s);
	let client = clients.get(key);
	if (!client) {
		client = createClient(s).then(async (c) => {
			await c.connect().catch((error: Error) => {
				c.disconnect();
				throw error;
			});
			return c;
		});
		clients.set(key, client);
		client.catch(() => clients.delete(key));
		if (clients.size > MAX_CLIENTS) {
			const [oldestKey, oldest] = clients.entries().next().value as [string, Promise<Redis>];
			clients.delete(oldestKey);
			void oldest.then((c) => c.disconnect()).catch(() => undefined);
		}
	}
	return await client;
}

/** The Redis key of a message id for one trigger node. */
export function redisKey(scope: string, messageId: string): string {
	const digest = createHash('sha256').update(messageId, 'utf8').digest('base64url').slice(0, 22);
	return `${KEY_PREFIX}${scope}:${digest}`;
}

/**
 * Records `key` if it is not there yet (atomic), expiring after `ttlMs`; a key already there is a duplicate,
 * with the time it was first accepted.
 */
export async function recordInRedis(client: Redis, key: string, ttlMs: number, nowMs: number): Promise<RedisDecision> {
	const set = await client.set(key, String(nowMs), 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
	if (set === 'OK') return { duplicate: false };
	const first = Number(await client.get(key));
	return { duplicate: true, firstSeenAt: Number.isFinite(first) && first > 0 ? first : nowMs };
}

/** Closes every client of this process (tests, shutdown). */
export async function closeRedisClients(): Promise<void> {
	const all = [...clients.values()];
	clients.clear();
	await Promise.allSettled(
		all.map(async (c) => {
			const client = await c;
			// quit() ends a connected client after its pending commands; disconnect() also stops reconnecting
			await client.quit().catch(() => undefined);
			client.disconnect();
		}),
	);
}

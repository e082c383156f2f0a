/**
 * The trigger's Redis deduplication store against a real Redis server: atomic across "processes" (several served
 * triggers with separate static data, as n8n webhook processes would have), expiry, and the fallback to the
 * static data when Redis is down.
 */
import type { IDataObject } from 'n8n-workflow';

import { closeRedisClients, recordInRedis, redisClient, redisKey, redisSettings } from '../../../../nodes/InfobipConversationsTrigger/helpers/redisStore';
import { InfobipConversationsTrigger } from '../../../../nodes/InfobipConversationsTrigger/InfobipConversationsTrigger.node';
import { describeWithRedis, startRedisServer } from '../../../support/redis';
import { serveTrigger, WorkflowDatabase, type ServedTrigger } from '../../../support/webhookContext';
import { inbound } from '../../../support/inbound';
import { post } from '../../../support/httpCall';

const SECRET = 'Bearer redis-store-secret-81c2';
const AUTH = { authorization: SECRET };

describeWithRedis('Deduplication Store: Redis', () => {
	let redis: Awaited<ReturnType<typeof startRedisServer>>;
	const node = new InfobipConversationsTrigger();
	const servers: ServedTrigger[] = [];
	const workflowId = `wf-redis-${Date.now()}`;
	beforeAll(async () => {
		redis = await startRedisServer();
	}, 30_000);
	afterAll(async () => {
		await closeRedisClients();
		await redis?.stop();
	});
	afterEach(async () => {
		await Promise.all(servers.splice(0).map((s) => s.close()));
	});
	const credentials = (over: IDataObject = {}) => ({
		infobipBotWebhookApi: { headerName: 'Authorization', headerValue: SECRET },
		infobipDedupeRedisApi: { host: '127.0.0.1', port: redis.port, database: 0, password: '', user: '', ssl: false, ...over },
	});
	/** one "n8n webhook process": its own static data (database row), the same workflow and node, shared Redis */
	const process = async (db = new WorkflowDatabase(workflowId), over: IDataObject = {}) => {
		const t = await serveTrigger({ node, credentials: credentials(over), parameters: { deduplicationStore: 'redis' }, db, credentialId: 'redis-cred' });
		servers.push(t);
		return t;
	};

	it('records an id atomically and expires it after the window (SET NX PX)', async () => {
		const client = await redisClient(redisSettings({ host: '127.0.0.1', port: redis.port }));
		const key = redisKey(`wf-unit:${Date.now()}`, 'msg-1');
		expect(await recordInRedis(client, key, 300, 1000)).toEqual({ duplicate: false });
		expect(await recordInRedis(client, key, 300, 2000)).toEqual({ duplicate: true, firstSeenAt: 1000 });
		await new Promise((r) => setTimeout(r, 400));
		expect(await recordInRedis(client, key, 300, 3000)).toEqual({ duplicate: false });
	});

	it('a redelivery that lands on another webhook process is a duplicate (and the static data is not used)', async () => {
		const a = await process();
		const b = await process(new WorkflowDatabase(workflowId));
		const message = JSON.stringify(inbound({ id: `cross-${Date.now()}` }));
		expect((await post(a.url, message, AUTH)).json.status).toBe('accepted');
		expect((await post(b.url, message, AUTH)).json).toMatchObject({ status: 'duplicate', firstAcceptedAt: expect.any(String) });
		expect(a.executions.length + b.executions.length).toBe(1);
		expect(a.db.saves + b.db.saves).toBe(0);
	});

	it('the same message delivered 40 times at once to two processes runs exactly once', async () => {
		const a = await process();
		const b = await process();
		const message = JSON.stringify(inbound({ id: `burst-${Date.now()}` }));
		const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => post((i % 2 ? a : b).url, message, AUTH)));
		expect(answers.filter((r) => r.json.status === 'accepted')).toHaveLength(1);
		expect(answers.filter((r) => r.json.status === 'duplicate')).toHaveLength(39);
		expect(a.executions.length + b.executions.length).toBe(1);
	});

	it('messages that arrive while the first connection is still opening wait for it (none falls back to the static data)', async () => {
		const t = await process(new WorkflowDatabase(workflowId), { database: 3 });
		const tag = Date.now();
		const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post(t.url, JSON.stringify(inbound({ id: `first-${tag}-${i}` })), AUTH)));
		expect(answers.every((r) => r.json.status === 'accepted')).toBe(true);
		expect(t.logs.filter((l) => /Redis deduplication store is not available/.test(l))).toEqual([]);
		expect(t.db.saves).toBe(0);
	});

	it('an envelope is deduplicated per message across processes', async () => {
		const a = await process();
		const b = await process();
		const tag = Date.now();
		const body = JSON.stringify({ results: [inbound({ id: `e1-${tag}` }), inbound({ id: `e2-${tag}` })] });
		expect((await post(a.url, body, AUTH)).json).toMatchObject({ accepted: 2 });
		expect((await post(b.url, JSON.stringify({ results: [inbound({ id: `e2-${tag}` }), inbound({ id: `e3-${tag}` })] }), AUTH)).json).toMatchObject({ accepted: 1, duplicates: 1 });
	});

	it('falls back to the static data, accepting the message, when Redis cannot be reached', async () => {
		const t = await serveTrigger({ node, credentials: credentials({ port: 1 }), parameters: { deduplicationStore: 'redis' }, credentialId: 'redis-down' });
		servers.push(t);
		const message = JSON.stringify(inbound({ id: `down-${Date.now()}` }));
		expect((await post(t.url, message, AUTH)).json.status).toBe('accepted');
		expect((await post(t.url, message, AUTH)).json.status).toBe('duplicate'); // the static data remembered it
		expect(t.executions).toHaveLength(1);
		expect(t.logs.some((l) => /Redis deduplication store is not available/.test(l))).toBe(true);
		expect(t.logs.join('\n')).not.toContain(SECRET);
	});
});

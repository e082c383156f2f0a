/**
 * The trigger's short-lived cache of its credential's expected header: a message whose header matches a fresh
 * entry is accepted without loading the credential (the most expensive step of a webhook call in n8n); anything
 * else loads it, so a rotated secret works at once.
 */
import { checkHeaderCached, clearCredentialCache, type LoadedHeader } from '../../../../nodes/shared/webhook/credentialCache';
import { InfobipConversationsTrigger } from '../../../../nodes/InfobipConversationsTrigger/InfobipConversationsTrigger.node';
import { serveTrigger, type ServedTrigger } from '../../../support/webhookContext';
import { inbound } from '../../../support/inbound';
import { post } from '../../../support/httpCall';

describe('checkHeaderCached', () => {
	let now = 1_000_000;
	const clock = () => now;
	let loads = 0;
	let current: LoadedHeader = { headerName: 'Authorization', expected: 'Bearer one' };
	const load = async () => {
		loads++;
		await new Promise((r) => setTimeout(r, 5));
		return { ...current };
	};
	const check = (value: string | undefined, ttl = 60_000, key: string | null = 'cred-1') =>
		checkHeaderCached(key ?? undefined, value === undefined ? {} : { authorization: value }, load, ttl, clock);
	beforeEach(() => {
		clearCredentialCache();
		loads = 0;
		now = 1_000_000;
		current = { headerName: 'Authorization', expected: 'Bearer one' };
	});

	it('loads on a miss, then accepts from the cache without loading (hit)', async () => {
		expect(await check('Bearer one')).toEqual({ result: 'accepted', source: 'credential', headerName: 'Authorization' });
		expect(await check('Bearer one')).toEqual({ result: 'accepted', source: 'cache', headerName: 'Authorization' });
		expect(loads).toBe(1);
	});

	it('loads again after the time to live', async () => {
		await check('Bearer one');
		now += 59_999;
		expect((await check('Bearer one')).result).toBe('accepted');
		expect(loads).toBe(1);
		now += 2;
		expect(await check('Bearer one')).toMatchObject({ source: 'credential' });
		expect(loads).toBe(2);
	});

	it('a header that does not match the cached value loads the credential before refusing', async () => {
		await check('Bearer one');
		expect(await check('Bearer wrong')).toEqual({ result: 'refused', headerName: 'Authorization' });
		expect(await check(undefined)).toEqual({ result: 'refused', headerName: 'Authorization' });
		expect(loads).toBe(3);
	});

	it('a rotated secret works at once; the old one is accepted at most until its entry expires', async () => {
		await check('Bearer one');
		current = { headerName: 'Authorization', expected: 'Bearer two' };
		expect(await check('Bearer two')).toMatchObject({ result: 'accepted', source: 'credential' });
		// the entry now holds the new value: the old one is refused after a load
		expect(await check('Bearer one')).toMatchObject({ result: 'refused' });
		expect(loads).toBe(3);
	});

	it('a changed header name is followed', async () => {
		await check('Bearer one');
		current = { headerName: 'X-Bot-Secret', expected: 'Bearer one' };
		now += 60_000;
		expect(await checkHeaderCached('cred-1', { 'x-bot-secret': 'Bearer one' }, load, 60_000, clock)).toMatchObject({ result: 'accepted', headerName: 'X-Bot-Secret' });
		expect(await check('Bearer one')).toMatchObject({ result: 'refused', headerName: 'X-Bot-Secret' });
	});

	it('concurrent misses share one load', async () => {
		const results = await Promise.all(Array.from({ length: 20 }, () => check('Bearer one')));
		expect(results.every((r) => r.result === 'accepted')).toBe(true);
		expect(loads).toBe(1);
	});

	it('with a time to live of 0, or without a credential id, loads every time', async () => {
		await check('Bearer one', 0);
		await check('Bearer one', 0);
		await check('Bearer one', 60_000, null);
		await check('Bearer one', 60_000, null);
		expect(loads).toBe(4);
	});

	it('never caches a credential without an expected value, and passes load errors on', async () => {
		current = { headerName: 'Authorization', expected: '' };
		expect(await check('')).toEqual({ result: 'notConfigured' });
		expect(await check('')).toEqual({ result: 'notConfigured' });
		expect(loads).toBe(2);
		await expect(checkHeaderCached('cred-2', {}, async () => Promise.reject(new Error('db down')), 60_000, clock)).rejects.toThrow('db down');
	});
});

describe('the trigger uses the cache', () => {
	const node = new InfobipConversationsTrigger();
	const SECRET = 'Bearer cache-secret-3a91';
	const servers: ServedTrigger[] = [];
	afterEach(async () => {
		await Promise.all(servers.splice(0).map((s) => s.close()));
	});
	const start = async (over: Parameters<typeof serveTrigger>[0] extends infer O ? Partial<O> : never = {}) => {
		const credentials = { infobipBotWebhookApi: { headerName: 'Authorization', headerValue: SECRET } };
		const t = await serveTrigger({ node, credentials, ...over });
		servers.push(t);
		return { t, credentials };
	};

	it('loads the credential once for many messages', async () => {
		const { t } = await start();
		for (let i = 0; i < 10; i++) expect((await post(t.url, JSON.stringify(inbound({ id: `m-${i}` })), { authorization: SECRET })).status).toBe(200);
		expect(t.executions).toHaveLength(10);
		expect(t.credentialLoads).toBe(1);
	});

	it('a rotated secret works for the next message; a wrong header loads again and gets 401', async () => {
		const { t, credentials } = await start();
		await post(t.url, JSON.stringify(inbound({ id: 'r-1' })), { authorization: SECRET });
		credentials.infobipBotWebhookApi.headerValue = 'Bearer rotated-77';
		expect((await post(t.url, JSON.stringify(inbound({ id: 'r-2' })), { authorization: 'Bearer rotated-77' })).status).toBe(200);
		expect((await post(t.url, JSON.stringify(inbound({ id: 'r-3' })), { authorization: 'Bearer nope' })).status).toBe(401);
		expect(t.credentialLoads).toBe(3);
	});

	it('with Credential Cache 0 loads it for every message', async () => {
		const { t } = await start({ parameters: { triggerOptions: { credentialCacheSeconds: 0 } } });
		for (let i = 0; i < 3; i++) await post(t.url, JSON.stringify(inbound({ id: `z-${i}` })), { authorization: SECRET });
		expect(t.credentialLoads).toBe(3);
	});

	it('keeps accepting from the cache while n8n cannot load the credential, and answers 503 to what needs a load', async () => {
		const credentials = { infobipBotWebhookApi: { headerName: 'Authorization', headerValue: SECRET } };
		const options: Parameters<typeof serveTrigger>[0] = { node, credentials };
		const t = await serveTrigger(options);
		servers.push(t);
		await post(t.url, JSON.stringify(inbound({ id: 'd-1' })), { authorization: SECRET });
		options.credentialsError = new Error('Connection terminated due to connection timeout');
		expect((await post(t.url, JSON.stringify(inbound({ id: 'd-2' })), { authorization: SECRET })).status).toBe(200);
		expect((await post(t.url, JSON.stringify(inbound({ id: 'd-3' })), { authorization: 'Bearer other' })).status).toBe(503);
		expect(t.executions).toHaveLength(2);
		expect(t.credentialLoads).toBe(2);
	});
});

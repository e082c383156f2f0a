/**
 * Deduplication while many deliveries overlap. n8n loads a workflow's static data when a webhook call starts and
 * saves all of it after the node answered, so overlapping calls each save their own copy and the later save drops
 * what the earlier one recorded. The trigger merges the ids its process accepted into every store it saves and
 * into every duplicate check (acceptedInProcess), so no accepted id is forgotten by that process.
 */
import { request as httpRequest } from 'node:http';

import type { IDataObject, INodeType, IWebhookFunctions } from 'n8n-workflow';

import {
	acceptedInProcess,
	checkAndRecord,
	messageKey,
	readEntries,
	rememberAccepted,
	STORE_VERSION,
} from '../../../../nodes/InfobipConversationsTrigger/helpers/dedupe';
import { InfobipConversationsTrigger } from '../../../../nodes/InfobipConversationsTrigger/InfobipConversationsTrigger.node';
import { serveTrigger, WorkflowDatabase, type ServedTrigger } from '../../../support/webhookContext';
import { inbound } from '../../../support/inbound';

const SECRET = 'Bearer bot-secret-concurrency-1';
const CREDENTIALS = { infobipBotWebhookApi: { headerName: 'Authorization', headerValue: SECRET } };

/**
 * Starts all requests, each sending only the first half of its body, and finishes them together once every one
 * has been received: n8n (the harness) loads the static data before the trigger reads the body, so all calls
 * work on copies loaded before any of them saved — the overlap a busy bot sees.
 */
async function postOverlapping(url: string, bodies: string[], headers: Record<string, string> = { authorization: SECRET }) {
	const pending = bodies.map((body) => {
		const req = httpRequest(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } });
		const answer = new Promise<{ status: number; json: IDataObject }>((resolve, reject) => {
			req.on('response', (res) => {
				const parts: Buffer[] = [];
				res.on('data', (c: Buffer) => parts.push(c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(parts).toString('utf8') || '{}') as IDataObject }));
			});
			req.on('error', reject);
		});
		req.write(body.slice(0, 10));
		return { req, rest: body.slice(10), answer };
	});
	await new Promise((r) => setTimeout(r, 300));
	for (const p of pending) p.req.end(p.rest);
	return await Promise.all(pending.map((p) => p.answer));
}

describe('trigger deduplication under concurrent deliveries', () => {
	const servers: ServedTrigger[] = [];
	afterEach(async () => {
		await Promise.all(servers.splice(0).map((s) => s.close()));
	});

	it('60 overlapping deliveries are all remembered: every redelivery is a duplicate and starts nothing', async () => {
		const db = new WorkflowDatabase();
		const t = await serveTrigger({ node: new InfobipConversationsTrigger(), credentials: CREDENTIALS, db });
		servers.push(t);
		const ids = Array.from({ length: 60 }, (_, i) => `concurrent-${i}`);
		const first = await postOverlapping(t.url, ids.map((id) => JSON.stringify(inbound({ id }))));
		expect(first.map((r) => r.json.status)).toEqual(ids.map(() => 'accepted'));
		expect(t.db.saves).toBe(60);

		const again = await postOverlapping(t.url, ids.map((id) => JSON.stringify(inbound({ id, content: { text: 'again' } }))));
		expect(again.map((r) => r.json.status)).toEqual(ids.map(() => 'duplicate'));
		expect(t.executions).toHaveLength(60);
		// and the database holds all of them after the last save
		const stored = readEntries((db.nodeData('Infobip Trigger') as IDataObject).dedupe);
		expect(new Set(stored.map((e) => e.slice(0, 12)))).toEqual(new Set(ids.map(messageKey)));
	});

	it('(harness) models the overlap: a node that only writes its static data keeps just the last of 20 records', async () => {
		const naive: INodeType = {
			description: { ...new InfobipConversationsTrigger().description, properties: [{ displayName: 'Raw Body', name: 'options', type: 'hidden', default: { binaryData: true } }] },
			async webhook(this: IWebhookFunctions) {
				const req = this.getRequestObject();
				let raw = '';
				for await (const chunk of req) raw += String(chunk);
				const data = this.getWorkflowStaticData('node');
				data[(JSON.parse(raw) as { id: string }).id] = true;
				this.getResponseObject().end('{}');
				return { noWebhookResponse: true, workflowData: [[{ json: {} }]] };
			},
		};
		const db = new WorkflowDatabase();
		const t = await serveTrigger({ node: naive, db });
		servers.push(t);
		const answers = await postOverlapping(t.url, Array.from({ length: 20 }, (_, i) => JSON.stringify({ id: `n${i}` })), {});
		expect(answers).toHaveLength(20);
		expect(db.saves).toBe(20);
		expect(Object.keys(db.nodeData('Infobip Trigger') ?? {})).toHaveLength(1);
	});

	it('overlapping calls still leave every id in the database, for a restarted process (empty memory) to find', async () => {
		const db = new WorkflowDatabase();
		const node = new InfobipConversationsTrigger();
		const a = await serveTrigger({ node, credentials: CREDENTIALS, db });
		servers.push(a);
		await postOverlapping(a.url, ['r1', 'r2', 'r3'].map((id) => JSON.stringify(inbound({ id }))));
		const stored = readEntries((db.nodeData('Infobip Trigger') as IDataObject).dedupe);
		expect(stored).toHaveLength(3);
		// a fresh process that shares only the database: same answers from the stored entries alone
		const decision = checkAndRecord({ v: STORE_VERSION, entries: stored }, 'r2', Date.now(), { ttlMs: 3600_000, maxEntries: 5000 });
		expect(decision.duplicate).toBe(true);
	});
});

describe('trigger when n8n cannot load its credential (database overloaded)', () => {
	it('answers 503 so Infobip retries, logs the cause, starts nothing', async () => {
		const t = await serveTrigger({
			node: new InfobipConversationsTrigger(),
			credentials: CREDENTIALS,
			credentialsError: new Error('timeout exceeded when trying to connect'),
		});
		try {
			const [r] = await postOverlapping(t.url, [JSON.stringify(inbound({ id: 'db-down' }))]);
			expect(r.status).toBe(503);
			expect(r.json).toEqual({ error: 'credential_unavailable', message: expect.stringMatching(/could not load its Infobip Bot Webhook credential right now/) });
			expect(t.executions).toHaveLength(0);
			expect(t.db.saves).toBe(0);
			expect(t.logs.join('\n')).toMatch(/error: Infobip Conversations Trigger: could not load the Infobip Bot Webhook credential \(timeout exceeded when trying to connect\); request refused \(503\)/);
			expect(t.logs.join('\n')).not.toContain(SECRET);
		} finally {
			await t.close();
		}
	});
});

describe('checkAndRecord with entries accepted elsewhere in the process', () => {
	const t0 = Date.UTC(2024, 4, 1, 10, 0, 0);
	const opts = { ttlMs: 3600_000, maxEntries: 4 };
	const entry = (id: string, at: number) => messageKey(id) + Math.floor(at / 1000).toString(36);

	it('counts them as accepted and merges them into the saved store, oldest first, without doubles', () => {
		const snapshot = { v: 1, entries: [entry('a', t0), entry('c', t0 + 2000)] };
		const also = [entry('b', t0 + 1000), entry('c', t0 + 2000)];
		expect(checkAndRecord(snapshot, 'b', t0 + 5000, opts, also)).toEqual({ duplicate: true, firstSeenAt: t0 + 1000 });
		const d = checkAndRecord(snapshot, 'd', t0 + 5000, opts, also);
		expect(d).toEqual({ duplicate: false, store: { v: 1, entries: [entry('a', t0), entry('b', t0 + 1000), entry('c', t0 + 2000), entry('d', t0 + 5000)] } });
	});

	it('applies the window and the cap to merged entries too', () => {
		const also = [entry('old', t0 - 3600_000), entry('x', t0 + 1000), entry('y', t0 + 2000), entry('z', t0 + 3000)];
		const d = checkAndRecord({ v: 1, entries: [entry('w', t0 + 500)] }, 'new', t0 + 4000, opts, also);
		expect(!d.duplicate && d.store!.entries).toEqual([entry('x', t0 + 1000), entry('y', t0 + 2000), entry('z', t0 + 3000), entry('new', t0 + 4000)]);
		expect(checkAndRecord(undefined, 'old', t0 + 4000, opts, also).duplicate).toBe(false);
	});
});

describe('acceptedInProcess / rememberAccepted', () => {
	const opts = { ttlMs: 60_000, maxEntries: 3 };
	const at = (s: number) => 'k'.repeat(12) + s.toString(36);

	it('keeps the newest entries per trigger node within the window and the cap', () => {
		const scope = `scope-${Math.random()}`;
		const now = 1_700_000_000_000;
		for (let i = 0; i < 5; i++) rememberAccepted(scope, at(now / 1000 + i), now + i * 1000, opts);
		expect(acceptedInProcess(scope)).toEqual([at(now / 1000 + 2), at(now / 1000 + 3), at(now / 1000 + 4)]);
		rememberAccepted(scope, at(now / 1000 + 120), now + 120_000, opts);
		expect(acceptedInProcess(scope)).toEqual([at(now / 1000 + 120)]);
		expect(acceptedInProcess('another scope')).toEqual([]);
	});

	it('remembers nothing when deduplication is off', () => {
		const scope = `scope-${Math.random()}`;
		rememberAccepted(scope, at(1), 1000, { ttlMs: 0, maxEntries: 3 });
		expect(acceptedInProcess(scope)).toEqual([]);
	});

	it('forgets the least recently used trigger nodes beyond 200', () => {
		const first = `first-${Math.random()}`;
		rememberAccepted(first, at(1), 1000, opts);
		for (let i = 0; i < 200; i++) rememberAccepted(`filler-${i}-${Math.random()}`, at(1), 1000, opts);
		expect(acceptedInProcess(first)).toEqual([]);
	});
});

import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';

import type { IDataObject, INodeType, IWebhookFunctions } from 'n8n-workflow';

import { InfobipConversationsTrigger } from '../../../nodes/InfobipConversationsTrigger/InfobipConversationsTrigger.node';
import { serveTrigger, WorkflowDatabase, type ServedTrigger, type ServeTriggerOptions } from '../../support/webhookContext';
import { inbound } from '../../support/inbound';
import { post } from '../../support/httpCall';

const SECRET = 'Bearer bot-secret-9d2c41';
const CREDENTIALS = { infobipBotWebhookApi: { headerName: 'Authorization', headerValue: SECRET } };
const AUTH = { authorization: SECRET };

const json = (value: unknown) => JSON.stringify(value);

describe('Infobip Conversations Trigger served like n8n does', () => {
	const node = new InfobipConversationsTrigger();
	const servers: ServedTrigger[] = [];
	const start = async (over: Partial<ServeTriggerOptions> = {}) => {
		const served = await serveTrigger({ node, credentials: CREDENTIALS, ...over });
		servers.push(served);
		return served;
	};
	afterEach(async () => {
		await Promise.all(servers.splice(0).map((s) => s.close()));
		jest.restoreAllMocks();
	});

	describe('authentication (401, before anything else)', () => {
		it.each([
			['missing', {}],
			['wrong', { authorization: 'Bearer bot-secret-9d2c4X' }],
			['wrong length', { authorization: 'Bearer bot-secret' }],
			['longer', { authorization: `${SECRET}0` }],
			['right value in another header', { 'x-authorization': SECRET }],
		])('%s header → 401, no execution, nothing stored', async (_name, headers) => {
			const t = await start();
			const r = await post(t.url, json(inbound()), headers);
			expect(r.status).toBe(401);
			expect(r.json).toEqual({ error: 'unauthorized', message: 'Missing or wrong Authorization header' });
			expect(t.executions).toHaveLength(0);
			expect(t.db.saves).toBe(0);
		});

		it('answers 401 even to a malformed or oversized body from an unauthenticated caller', async () => {
			const t = await start({ parameters: { triggerOptions: { maxBodySizeKb: 1 } } });
			expect((await post(t.url, '{not json', { authorization: 'nope' })).status).toBe(401);
			expect((await post(t.url, Buffer.alloc(50_000, 'x'), { authorization: 'nope' })).status).toBe(401);
			expect(t.executions).toHaveLength(0);
		});

		it('uses the header name from the credential', async () => {
			const t = await start({ credentials: { infobipBotWebhookApi: { headerName: 'X-Bot-Token', headerValue: 'tok-123' } } });
			expect((await post(t.url, json(inbound()), { authorization: 'tok-123' })).json).toEqual({
				error: 'unauthorized',
				message: 'Missing or wrong X-Bot-Token header',
			});
			expect((await post(t.url, json(inbound()), { 'x-bot-token': 'tok-123' })).status).toBe(200);
			expect(t.executions).toHaveLength(1);
		});

		it('with Authentication "None" accepts requests without any header (and the editor shows a warning)', async () => {
			const t = await start({ parameters: { authentication: 'none' }, credentials: {} });
			const r = await post(t.url, json(inbound()));
			expect(r.status).toBe(200);
			expect(t.executions).toHaveLength(1);
			const warning = node.description.properties.find((p) => p.name === 'noAuthWarning')!;
			expect(warning).toMatchObject({ type: 'notice', displayOptions: { show: { authentication: ['none'] } } });
			expect(warning.displayName).toMatch(/^Warning: without authentication anyone/);
			expect(node.description.credentials).toEqual([
				{ name: 'infobipBotWebhookApi', required: true, displayOptions: { show: { authentication: ['botWebhookHeader'] } }, testedBy: 'infobipBotWebhookHeader' },
				{ name: 'infobipDedupeRedisApi', required: true, displayOptions: { show: { deduplicationStore: ['redis'] } }, testedBy: 'infobipDedupeRedisConnection' },
				{ name: 'infobipConversationsApi', required: true, displayOptions: { show: { registration: ['automatic'] } } },
			]);
		});

		it('refuses everything (500, named cause, no execution) when the credential has no expected value', async () => {
			const variants: Array<ServeTriggerOptions['credentials']> = [{}, { infobipBotWebhookApi: { headerName: 'Authorization', headerValue: '' } }];
			for (const credentials of variants) {
				const t = await start({ credentials });
				const r = await post(t.url, json(inbound()), { authorization: '' });
				expect(r.status).toBe(500);
				expect(r.json.error).toBe('not_configured');
				expect(r.json.message).toMatch(/Infobip Bot Webhook credential/);
				expect(t.executions).toHaveLength(0);
				expect(t.logs.join('\n')).toMatch(/error: Infobip Conversations Trigger: no Infobip Bot Webhook credential/);
			}
		});
	});

	describe('body size (413)', () => {
		it('rejects on Content-Length, before reading, even when the body is also malformed', async () => {
			const t = await start({ parameters: { triggerOptions: { maxBodySizeKb: 1 } } });
			const r = await post(t.url, Buffer.alloc(2000, '{'), AUTH);
			expect(r.status).toBe(413);
			expect(r.json).toEqual({ error: 'payload_too_large', message: 'The request body is larger than 1024 bytes (option Max Body Size)' });
			expect(t.executions).toHaveLength(0);
		});

		it('rejects a chunked body (no Content-Length) once it passes the limit', async () => {
			const t = await start({ parameters: { triggerOptions: { maxBodySizeKb: 8 } } });
			const r = await post(t.url, { chunks: Array.from({ length: 4 }, () => Buffer.alloc(4096, ' ')) }, AUTH);
			expect(r.status).toBe(413);
			expect(t.executions).toHaveLength(0);
		});

		it('drops a client that ignores the 413 and keeps sending (reads at most ~1 MB more, buffers nothing)', async () => {
			const t = await start({ parameters: { triggerOptions: { maxBodySizeKb: 8 } } });
			const outcome = await new Promise<{ status?: number; written: number; dropped: boolean }>((resolve) => {
				const req = httpRequest(t.url, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' } });
				const result = { status: undefined as number | undefined, written: 0, dropped: false };
				req.on('response', (res) => {
					result.status = res.statusCode;
					res.resume();
				});
				req.on('error', () => {
					result.dropped = true;
					resolve(result);
				});
				req.on('close', () => resolve(result));
				const chunk = Buffer.alloc(64 * 1024, ' ');
				const pump = (): void => {
					while (result.written < 64 * 1024 * 1024) {
						result.written += chunk.length;
						if (!req.write(chunk)) {
							req.once('drain', pump);
							return;
						}
					}
					req.end();
				};
				pump();
			});
			expect(outcome.status).toBe(413);
			expect(outcome.dropped).toBe(true);
			expect(outcome.written).toBeLessThan(64 * 1024 * 1024);
			// the server read the 8 KB limit, then discarded about 1 MB more and closed the connection
			while (t.requests[0].socketBytesRead === undefined) await new Promise((r) => setImmediate(r));
			expect(t.requests[0].socketBytesRead).toBeGreaterThan(1024 * 1024);
			expect(t.requests[0].socketBytesRead).toBeLessThan(8 * 1024 + 1024 * 1024 + 256 * 1024);
			expect(t.executions).toHaveLength(0);
		});

		it('accepts a message right up to the limit', async () => {
			const t = await start({ parameters: { triggerOptions: { maxBodySizeKb: 1 } } });
			const body = json(inbound({ content: { text: '' } }));
			const padded = json(inbound({ content: { text: 'x'.repeat(1024 - body.length) } }));
			expect(Buffer.byteLength(padded)).toBe(1024);
			expect((await post(t.url, padded, AUTH)).status).toBe(200);
			expect(t.executions).toHaveLength(1);
		});
	});

	describe('JSON and message shape (400)', () => {
		it('answers malformed JSON itself with 400, not n8n\'s 422 (hidden options.binaryData default)', async () => {
			const t = await start();
			const r = await post(t.url, '{"conversationId": "c1", ', AUTH);
			expect(r.status).toBe(400);
			expect(r.json).toEqual({ error: 'invalid_json', message: expect.stringMatching(/^The request body is not valid JSON/) });
			expect(t.requests[0].outcome).toBe('node-answered');
			expect(t.executions).toHaveLength(0);
		});

		it('would get n8n\'s own 422 if the hidden default were overridden (why the hidden parameter exists)', async () => {
			const t = await start({ parameters: { options: {} } });
			const r = await post(t.url, '{"conversationId": "c1", ', AUTH);
			expect(r.status).toBe(422);
			expect(t.requests[0].outcome).toBe('n8n-422');
			// even then, a valid message still works: the trigger reads n8n's buffered rawBody
			expect((await post(t.url, json(inbound()), AUTH)).status).toBe(200);
			expect(t.executions).toHaveLength(1);
		});

		it('refuses only what can never be a message, naming the field', async () => {
			const t = await start();
			const cases: Array<[unknown, string, string]> = [
				[inbound({ conversationId: undefined }), 'conversationId', 'conversationId is required'],
				[inbound({ conversationId: '' }), 'conversationId', 'conversationId must be a non-empty string'],
				[inbound({ content: undefined }), 'content', expect.stringMatching(/^content is required/) as unknown as string],
				['hello bot', '(body)', 'The request body must be a JSON object (an inbound message)'],
				[null, '(body)', 'The request body must be a JSON object (an inbound message)'],
				[{ results: [{ text: 'no conversation' }] }, 'results[0].conversationId', expect.stringMatching(/^No message of the request could be read; the first: conversationId is required/) as unknown as string],
			];
			for (const [body, field, message] of cases) {
				const r = await post(t.url, json(body), AUTH);
				expect(r.status).toBe(400);
				expect(r.json).toEqual({ error: 'invalid_message', field, message });
			}
			expect((await post(t.url, '', AUTH)).json).toEqual({ error: 'invalid_json', message: expect.stringMatching(/empty/) });
			expect(t.executions).toHaveLength(0);
		});

		it('with Strict Validation refuses every message that lacks a field of the full shape (the former behaviour)', async () => {
			const t = await start({ parameters: { triggerOptions: { strictValidation: true } } });
			const cases: Array<[unknown, string, string]> = [
				[inbound({ id: undefined }), 'id', 'id is required'],
				[inbound({ createdAt: undefined }), 'createdAt', 'createdAt is required'],
				[inbound({ direction: 'OUTBOUND' }), 'direction', 'direction must be "INBOUND"; this trigger only accepts inbound customer messages'],
				[inbound({ content: {} }), 'content.text', 'content.text must be a string for a TEXT message'],
				[[inbound()], '(body)', 'The request body must be a JSON object (one inbound message)'],
			];
			for (const [body, field, message] of cases) {
				const r = await post(t.url, json(body), AUTH);
				expect(r.status).toBe(400);
				expect(r.json).toEqual({ error: 'invalid_message', field, message });
			}
			expect(t.executions).toHaveLength(0);
			expect((await post(t.url, json(inbound()), AUTH)).json).toEqual({ status: 'accepted', messageId: 'msg-1' });
			expect(t.executions[0].items[0].json.received).toEqual({ at: expect.any(String), derived: [], deduplication: 'messageId' });
		});

		it('reads gzip bodies and answers 415 to an unknown Content-Encoding', async () => {
			const t = await start();
			expect((await post(t.url, gzipSync(json(inbound())), { ...AUTH, 'content-encoding': 'gzip' })).status).toBe(200);
			expect((await post(t.url, json(inbound({ id: 'm2' })), { ...AUTH, 'content-encoding': 'compress' })).status).toBe(415);
			expect(t.executions).toHaveLength(1);
		});
	});

	describe('accepted message → one item', () => {
		it('answers 200 accepted and starts one execution with the flow-ready item', async () => {
			const t = await start();
			const raw = inbound({ id: 'msg-42', customerDisplayName: 'Ana', extra: { nested: [1, 2] } });
			const r = await post(t.url, json(raw), { ...AUTH, 'content-type': 'application/json; charset=utf-8' });
			expect(r.status).toBe(200);
			expect(r.json).toEqual({ status: 'accepted', messageId: 'msg-42' });
			expect(t.executions).toHaveLength(1);
			expect(t.executions[0].items).toEqual([
				{
					json: {
						conversationId: 'conv-1',
						messageId: 'msg-42',
						channel: 'WHATSAPP',
						from: '385911111111',
						to: '447860099299',
						direction: 'INBOUND',
						contentType: 'TEXT',
						text: 'hello',
						content: { text: 'hello' },
						createdAt: '2024-05-01T10:00:00.000+00:00',
						received: { at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), derived: [], deduplication: 'messageId' },
						payload: raw,
					},
				},
			]);
		});

		it('gives non-text messages text: null and keeps their content', async () => {
			const t = await start();
			await post(t.url, json(inbound({ contentType: 'LOCATION', content: { latitude: 45.8, longitude: 15.97 } })), AUTH);
			expect(t.executions[0].items[0].json).toMatchObject({ contentType: 'LOCATION', text: null, content: { latitude: 45.8, longitude: 15.97 } });
		});
	});

	describe('filters (200 ignored, no execution, nothing stored)', () => {
		it.each([
			[{ channels: ['SMS'] }, inbound(), "channel WHATSAPP is not one of the trigger's Channels (SMS)"],
			[{ destinations: '441234, other-page' }, inbound(), "destination 447860099299 is not one of the trigger's Destinations"],
			[{ includeNonText: false }, inbound({ contentType: 'IMAGE', content: { url: 'https://x/y.jpg' } }), 'content type IMAGE is not text and "Include Non-Text Messages" is off'],
		])('%j', async (triggerOptions, message, reason) => {
			const t = await start({ parameters: { triggerOptions } });
			const r = await post(t.url, json(message), AUTH);
			expect(r.status).toBe(200);
			expect(r.json).toEqual({ status: 'ignored', messageId: 'msg-1', reason });
			expect(t.executions).toHaveLength(0);
			expect(t.db.saves).toBe(0);
		});

		it('lets matching messages through', async () => {
			const t = await start({ parameters: { triggerOptions: { channels: ['WHATSAPP', 'SMS'], destinations: '+44 7860 099299', includeNonText: false } } });
			expect((await post(t.url, json(inbound()), AUTH)).json.status).toBe('accepted');
			expect(t.executions).toHaveLength(1);
		});
	});

	describe('deduplication by message id (workflow static data)', () => {
		it('answers a redelivered id 200 duplicate and starts no second execution', async () => {
			const t = await start();
			expect((await post(t.url, json(inbound({ id: 'a' })), AUTH)).json.status).toBe('accepted');
			expect((await post(t.url, json(inbound({ id: 'b' })), AUTH)).json.status).toBe('accepted');
			const dup = await post(t.url, json(inbound({ id: 'b', content: { text: 'redelivered' } })), AUTH);
			expect(dup.status).toBe(200);
			expect(dup.json).toEqual({ status: 'duplicate', messageId: 'b', firstAcceptedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
			expect(t.executions.map((e) => e.items[0].json.messageId)).toEqual(['a', 'b']);
			// one save per accepted message, none for the duplicate; only hashed ids are stored
			expect(t.db.saves).toBe(2);
			const stored = t.db.nodeData('Infobip Trigger') as IDataObject;
			expect(stored.dedupe).toEqual({ v: 1, entries: [expect.any(String), expect.any(String)] });
			expect(JSON.stringify(stored)).not.toMatch(/"a"|"b"/);
		});

		it('remembers across a restart and across two webhook processes sharing the database', async () => {
			const db = new WorkflowDatabase();
			const first = await start({ db });
			expect((await post(first.url, json(inbound({ id: 'x1' })), AUTH)).json.status).toBe('accepted');
			await first.close();
			const restarted = await start({ db });
			const other = await start({ db });
			expect((await post(restarted.url, json(inbound({ id: 'x1' })), AUTH)).json.status).toBe('duplicate');
			expect((await post(other.url, json(inbound({ id: 'x2' })), AUTH)).json.status).toBe('accepted');
			expect((await post(restarted.url, json(inbound({ id: 'x2' })), AUTH)).json.status).toBe('duplicate');
			expect(first.executions.length + restarted.executions.length + other.executions.length).toBe(2);
		});

		it('forgets an id after the window (default 24 h, option in hours)', async () => {
			let now = Date.UTC(2024, 4, 1, 12);
			jest.spyOn(Date, 'now').mockImplementation(() => now);
			const t = await start();
			await post(t.url, json(inbound()), AUTH);
			now += 23 * 3600_000;
			expect((await post(t.url, json(inbound()), AUTH)).json.status).toBe('duplicate');
			now += 1 * 3600_000;
			expect((await post(t.url, json(inbound()), AUTH)).json.status).toBe('accepted');

			const short = await start({ parameters: { triggerOptions: { dedupeWindowHours: 0.5 } } });
			await post(short.url, json(inbound({ id: 's' })), AUTH);
			now += 29 * 60_000;
			expect((await post(short.url, json(inbound({ id: 's' })), AUTH)).json.status).toBe('duplicate');
			now += 60_000;
			expect((await post(short.url, json(inbound({ id: 's' })), AUTH)).json.status).toBe('accepted');
		});

		it('keeps at most "Max Remembered Message IDs", forgetting the oldest', async () => {
			const t = await start({ parameters: { triggerOptions: { dedupeMaxEntries: 100 } } });
			for (let i = 0; i <= 100; i++) expect((await post(t.url, json(inbound({ id: `m${i}` })), AUTH)).status).toBe(200);
			expect(((t.db.nodeData('Infobip Trigger') as IDataObject).dedupe as IDataObject).entries).toHaveLength(100);
			expect((await post(t.url, json(inbound({ id: 'm1' })), AUTH)).json.status).toBe('duplicate');
			expect((await post(t.url, json(inbound({ id: 'm0' })), AUTH)).json.status).toBe('accepted'); // was dropped
		});

		it('with a window of 0 runs every delivery and stores nothing', async () => {
			const t = await start({ parameters: { triggerOptions: { dedupeWindowHours: 0 } } });
			await post(t.url, json(inbound()), AUTH);
			await post(t.url, json(inbound()), AUTH);
			expect(t.executions).toHaveLength(2);
			expect(t.db.saves).toBe(0);
		});

		it('(harness) models n8n 2.x: static data changed by a node that only returns workflowData is lost once data exists', async () => {
			// This is why the trigger answers itself and returns noWebhookResponse together with workflowData.
			const naive: INodeType = {
				description: { ...node.description, properties: [] },
				async webhook(this: IWebhookFunctions) {
					const data = this.getWorkflowStaticData('node');
					data.count = ((data.count as number) ?? 0) + 1;
					return { workflowData: [[{ json: {} }]] };
				},
			};
			const t = await serveTrigger({ node: naive });
			servers.push(t);
			await post(t.url, '{}');
			await post(t.url, '{}');
			await post(t.url, '{}');
			expect(t.executions).toHaveLength(3);
			expect(t.db.nodeData('Infobip Trigger')).toEqual({ count: 1 }); // only the very first change survived
		});
	});

	it('never puts the secret into answers, items or logs', async () => {
		const t = await start();
		await post(t.url, json(inbound()), AUTH);
		await post(t.url, json(inbound()), AUTH);
		await post(t.url, json(inbound()), { authorization: SECRET.slice(0, -1) });
		await post(t.url, '{bad', AUTH);
		await post(t.url, json(inbound({ direction: 'OUTBOUND' })), AUTH);
		const everything = [...t.requests.map((r) => r.body), JSON.stringify(t.executions), ...t.logs, t.db.staticDataJson ?? ''].join('\n');
		expect(t.requests.map((r) => r.status)).toEqual([200, 200, 401, 400, 200]);
		for (const fragment of [SECRET, 'bot-secret-9d2c41', SECRET.slice(0, -1)]) expect(everything).not.toContain(fragment);
	});
});

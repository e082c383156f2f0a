/**
 * What Infobip may POST to a Bot URL, read liberally: Infobip publishes no schema for it and does not redeliver
 * after a 4xx, so the trigger requires only a conversation id and the customer message, derives the rest and
 * says what it derived. Each case asserts the HTTP answer and the item(s) of the execution.
 */
import type { IDataObject } from 'n8n-workflow';

import { InfobipConversationsTrigger } from '../../../../nodes/InfobipConversationsTrigger/InfobipConversationsTrigger.node';
import { serveTrigger, type ServedTrigger, type ServeTriggerOptions } from '../../../support/webhookContext';
import { inbound } from '../../../support/inbound';
import { post } from '../../../support/httpCall';

const SECRET = 'Bearer bot-secret-51ae07';
const CREDENTIALS = { infobipBotWebhookApi: { headerName: 'Authorization', headerValue: SECRET } };
const AUTH = { authorization: SECRET };
const json = (value: unknown) => JSON.stringify(value);
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** The example of a minimal forwarded message: no id, direction or createdAt. */
const MINIMAL = { conversationId: 'c-1', from: '385911113333', to: 'SENDER-1', channel: 'WHATSAPP', contentType: 'TEXT', content: { text: 'hi' } };

/** The shape public integration code (Google's Dialogflow integration for Infobip Conversations, its tests) uses. */
const DIALOGFLOW_SHAPE = {
	id: 'B3C502BC20CB3EA6031F863991E1D3A3',
	channel: 'VIBER',
	from: 'EndUsersNumber',
	to: 'InfobipSender',
	direction: 'INBOUND',
	conversationId: 'abcd',
	createdAt: '2021-05-18T15:15:25.737+00:00',
	updatedAt: '2021-05-18T15:15:25.737+00:00',
	content: { text: 'Hello', showUrlPreview: null },
	singleSendMessage: {
		from: { phoneNumber: 'EndUsersNumber', type: 'PHONE_NUMBER' },
		to: { phoneNumber: 'InfobipSender', type: 'PHONE_NUMBER' },
		content: { text: 'Hello', trackingData: null, type: 'TEXT' },
		channel: 'VIBER',
		direction: 'INBOUND',
	},
	contentType: 'TEXT',
};

describe('Infobip Conversations Trigger: every plausible message runs, once', () => {
	const node = new InfobipConversationsTrigger();
	const servers: ServedTrigger[] = [];
	const start = async (over: Partial<ServeTriggerOptions> = {}) => {
		const served = await serveTrigger({ node, credentials: CREDENTIALS, ...over });
		servers.push(served);
		return served;
	};
	afterEach(async () => {
		await Promise.all(servers.splice(0).map((s) => s.close()));
	});
	const items = (t: ServedTrigger) => t.executions.flatMap((e) => e.items.map((i) => i.json));

	it('a minimal message (no id, direction, createdAt) runs, with what was derived named', async () => {
		const t = await start();
		const before = Date.now();
		const r = await post(t.url, json(MINIMAL), AUTH);
		expect(r.status).toBe(200);
		expect(r.json).toEqual({ status: 'accepted', messageId: null, deduplication: 'none' });
		expect(t.executions).toHaveLength(1);
		const item = items(t)[0];
		expect(item).toEqual({
			conversationId: 'c-1',
			messageId: null,
			channel: 'WHATSAPP',
			from: '385911113333',
			to: 'SENDER-1',
			direction: 'INBOUND',
			contentType: 'TEXT',
			text: 'hi',
			content: { text: 'hi' },
			createdAt: expect.stringMatching(ISO),
			received: { at: item.createdAt, derived: ['direction', 'createdAt'], deduplication: 'none' },
			payload: MINIMAL,
		});
		expect(Date.parse(String(item.createdAt))).toBeGreaterThanOrEqual(before - 5);
	});

	it('without anything stable to tell a redelivery from a repeat, each delivery runs (none is lost)', async () => {
		const t = await start();
		await post(t.url, json(MINIMAL), AUTH);
		const again = await post(t.url, json(MINIMAL), AUTH);
		expect(again.json.status).toBe('accepted');
		expect(t.executions).toHaveLength(2);
		expect(t.db.saves).toBe(0); // nothing to remember
	});

	it('a message without id but with its own createdAt gets a stable key: its redelivery is a duplicate', async () => {
		const t = await start();
		const message = { ...MINIMAL, createdAt: '2024-05-01T10:00:00.000+0000' };
		const first = await post(t.url, json(message), AUTH);
		expect(first.json).toEqual({ status: 'accepted', messageId: expect.stringMatching(/^derived:[A-Za-z0-9_-]{22}$/) });
		const again = await post(t.url, json({ ...message, content: { text: 'hi' } }), AUTH);
		expect(again.json).toEqual({ status: 'duplicate', messageId: first.json.messageId, firstAcceptedAt: expect.stringMatching(ISO) });
		expect(t.executions).toHaveLength(1);
		expect(items(t)[0]).toMatchObject({
			messageId: first.json.messageId,
			createdAt: '2024-05-01T10:00:00.000+0000',
			received: { derived: ['direction', 'id'], deduplication: 'derivedKey' },
		});
		// the same text in the same conversation at another time is another message
		const later = await post(t.url, json({ ...message, createdAt: '2024-05-01T10:00:07.000+0000' }), AUTH);
		expect(later.json.status).toBe('accepted');
		expect(t.executions).toHaveLength(2);
	});

	it('the full Conversations message shape derives nothing', async () => {
		const t = await start();
		const r = await post(t.url, json(inbound()), AUTH);
		expect(r.json).toEqual({ status: 'accepted', messageId: 'msg-1' });
		expect(items(t)[0].received).toEqual({ at: expect.stringMatching(ISO), derived: [], deduplication: 'messageId' });
	});

	it('the shape of public integration code (nested singleSendMessage, +00:00, extra fields) is read as is', async () => {
		const t = await start();
		expect((await post(t.url, json(DIALOGFLOW_SHAPE), AUTH)).json).toEqual({ status: 'accepted', messageId: 'B3C502BC20CB3EA6031F863991E1D3A3' });
		expect(items(t)[0]).toMatchObject({
			conversationId: 'abcd',
			channel: 'VIBER',
			from: 'EndUsersNumber',
			to: 'InfobipSender',
			text: 'Hello',
			createdAt: '2021-05-18T15:15:25.737+00:00',
			received: { derived: [] },
			payload: DIALOGFLOW_SHAPE,
		});
	});

	it('takes addresses, channel and content type from singleSendMessage when the top level lacks them', async () => {
		const t = await start();
		const { from: _f, to: _t, channel: _c, contentType: _ct, direction: _d, ...rest } = DIALOGFLOW_SHAPE;
		const message = { ...rest, content: { url: 'https://example.com/a.jpg' }, singleSendMessage: { ...rest.singleSendMessage, content: { url: 'https://example.com/a.jpg', type: 'IMAGE' } } };
		await post(t.url, json(message), AUTH);
		expect(items(t)[0]).toMatchObject({
			from: 'EndUsersNumber',
			to: 'InfobipSender',
			channel: 'VIBER',
			direction: 'INBOUND',
			contentType: 'IMAGE',
			text: null,
			received: { derived: ['contentType', 'from', 'to', 'channel', 'direction'] },
		});
	});

	it('keeps unknown extra fields in payload and Infobip\'s +0000 timestamps as sent', async () => {
		const t = await start();
		const message = inbound({ createdAt: '2024-05-01T10:00:00.000+0000', queueId: 'q-1', customerDisplayName: 'Ana', tags: ['vip'] });
		await post(t.url, json(message), AUTH);
		expect(items(t)[0]).toMatchObject({ createdAt: '2024-05-01T10:00:00.000+0000', payload: message });
	});

	it.each([
		['a TEXT message without content.text', { ...MINIMAL, content: { caption: 'x' } }, { contentType: 'TEXT', text: null, content: { caption: 'x' }, derived: ['direction', 'createdAt'] }],
		['content as a plain string', { conversationId: 'c-1', content: 'hi there' }, { contentType: 'TEXT', text: 'hi there', content: { text: 'hi there' }, derived: ['content', 'contentType', 'direction', 'createdAt'] }],
		['a top-level text instead of content', { conversationId: 'c-1', text: 'hi there' }, { contentType: 'TEXT', text: 'hi there', content: { text: 'hi there' }, derived: ['content', 'contentType', 'direction', 'createdAt'] }],
		['an unknown content type without text', { conversationId: 'c-1', content: { something: 1 } }, { contentType: 'UNKNOWN', text: null, derived: ['contentType', 'direction', 'createdAt'] }],
		['a numeric conversation id and lower-case values', { conversationId: 42, channel: 'whatsapp', direction: 'inbound', contentType: 'text', content: { text: 'hi' } }, { conversationId: '42', channel: 'WHATSAPP', direction: 'INBOUND', contentType: 'TEXT', text: 'hi', derived: ['createdAt'] }],
		['an empty id', { ...MINIMAL, id: '' }, { messageId: null, derived: ['direction', 'createdAt'] }],
	])('%s runs', async (_name, body, expected) => {
		const t = await start();
		const r = await post(t.url, json(body), AUTH);
		expect(r.status).toBe(200);
		const { derived, ...fields } = expected as IDataObject & { derived: string[] };
		expect(items(t)[0]).toMatchObject({ ...fields, received: { derived } });
	});

	it('answers the bot\'s or an agent\'s own OUTBOUND message 200 ignored (no loop, not refused)', async () => {
		const t = await start();
		const r = await post(t.url, json(inbound({ direction: 'OUTBOUND' })), AUTH);
		expect(r.status).toBe(200);
		expect(r.json).toEqual({ status: 'ignored', messageId: 'msg-1', reason: expect.stringMatching(/^direction OUTBOUND/) });
		expect(t.executions).toHaveLength(0);
	});

	describe('an envelope of several messages', () => {
		const three = () => [
			inbound({ id: 'e-1', content: { text: 'hi' } }),
			{ conversationId: 'conv-1', from: '385911111111', to: '447860099299', channel: 'WHATSAPP', content: { text: 'my order' }, createdAt: '2024-05-01T10:00:01.000+0000' },
			{ conversationId: 'conv-2', content: { text: 'hello?' } },
		];

		it('{"results":[3 messages]} → one execution with one item per message, in order, each marked', async () => {
			const t = await start();
			const r = await post(t.url, json({ results: three(), messageCount: 3 }), AUTH);
			expect(r.status).toBe(200);
			expect(r.json).toEqual({
				status: 'accepted',
				accepted: 3,
				duplicates: 0,
				ignored: 0,
				rejected: 0,
				messages: [
					{ index: 0, status: 'accepted', messageId: 'e-1', deduplication: 'messageId' },
					{ index: 1, status: 'accepted', messageId: expect.stringMatching(/^derived:/), deduplication: 'derivedKey' },
					{ index: 2, status: 'accepted', messageId: null, deduplication: 'none' },
				],
			});
			expect(t.executions).toHaveLength(1);
			const list = items(t);
			expect(list.map((i) => i.text)).toEqual(['hi', 'my order', 'hello?']);
			expect(list.map((i) => (i.received as IDataObject).envelope)).toEqual([0, 1, 2].map((index) => ({ field: 'results', index, count: 3 })));
			expect(list[1].payload).toEqual(three()[1]);
		});

		it('deduplicates each message on its own: a redelivered envelope starts nothing for what was seen', async () => {
			const t = await start();
			await post(t.url, json({ results: three() }), AUTH);
			const again = await post(t.url, json({ results: three() }), AUTH);
			expect(again.json).toMatchObject({ status: 'accepted', accepted: 1, duplicates: 2 });
			expect(t.executions).toHaveLength(2);
			expect(t.executions[1].items.map((i) => i.json.text)).toEqual(['hello?']); // the one without a stable key
			const onlyKnown = await post(t.url, json({ messages: three().slice(0, 2) }), AUTH);
			expect(onlyKnown.json).toMatchObject({ status: 'duplicate', accepted: 0, duplicates: 2 });
			expect(t.executions).toHaveLength(2);
		});

		it('a JSON array of messages and a {"messages":[…]} envelope work the same way', async () => {
			const t = await start();
			expect((await post(t.url, json([inbound({ id: 'a-1' }), inbound({ id: 'a-2' })]), AUTH)).json).toMatchObject({ accepted: 2 });
			expect((await post(t.url, json({ messages: [inbound({ id: 'a-3' })] }), AUTH)).json).toMatchObject({ accepted: 1 });
			expect(t.executions.map((e) => e.items.length)).toEqual([2, 1]);
			expect(items(t)[0].received).toMatchObject({ envelope: { field: '(array)', index: 0, count: 2 } });
		});

		it('keeps the readable messages when one is not a message, and says which was not', async () => {
			const t = await start();
			const r = await post(t.url, json({ results: [inbound({ id: 'ok-1' }), { text: 'no conversation id' }, 'junk'] }), AUTH);
			expect(r.status).toBe(200);
			expect(r.json).toMatchObject({
				accepted: 1,
				rejected: 2,
				messages: [
					{ index: 0, status: 'accepted' },
					{ index: 1, status: 'rejected', field: 'conversationId', reason: 'conversationId is required' },
					{ index: 2, status: 'rejected', field: '(body)' },
				],
			});
			expect(t.executions).toHaveLength(1);
			expect(t.logs.some((l) => /message 1 of the request's "results" could not be read/.test(l))).toBe(true);
		});

		it('applies the filters per message, and an empty envelope starts nothing', async () => {
			const t = await start({ parameters: { triggerOptions: { channels: ['WHATSAPP'] } } });
			const r = await post(t.url, json({ results: [inbound({ id: 'w-1' }), inbound({ id: 's-1', channel: 'SMS' })] }), AUTH);
			expect(r.json).toMatchObject({ accepted: 1, ignored: 1, messages: [{ status: 'accepted' }, { status: 'ignored', reason: expect.stringMatching(/channel SMS/) }] });
			expect((await post(t.url, json({ results: [] }), AUTH)).json).toMatchObject({ status: 'ignored', accepted: 0 });
			expect(t.executions).toHaveLength(1);
		});

		it('is refused with Strict Validation (one full message per request, as before)', async () => {
			const t = await start({ parameters: { triggerOptions: { strictValidation: true } } });
			const r = await post(t.url, json({ results: three() }), AUTH);
			expect(r.status).toBe(400);
			expect(r.json).toMatchObject({ error: 'invalid_message', field: 'conversationId' });
		});
	});
});

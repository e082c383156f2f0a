/**
 * Send after an ambiguous failure (5xx, reset) looks for the message it may have created before sending again.
 * A bot often sends the same text twice in a row ("Ask me about our opening hours…"); the earlier identical reply
 * must not be taken for this one, or the customer's second message goes unanswered. When the input item is the
 * customer message being answered, the lookup only accepts messages created after it (Infobip's clock).
 * Found by the reliability harness (scripts/reliability): 27 of 2,000 replies lost with 1.5 % 5xx before this.
 */
import nock from 'nock';

jest.mock('../../../../../nodes/InfobipConversations/transport/sleep', () => ({ sleep: jest.fn(async () => undefined) }));

import { answeredMessageTime } from '../../../../../nodes/InfobipConversations/actions/message/send.operation';
import { InfobipConversations } from '../../../../../nodes/InfobipConversations/InfobipConversations.node';
import { startEmulator, type FaultConfig, type RunningEmulator } from '../../../../../emulator';
import { createExecuteContext } from '../../../../support/n8nContext';
import { useNock } from '../../../../support/nock';

const BASE = 'https://xyz.api.infobip.com';
const credentials = { infobipConversationsApi: { baseUrl: BASE, authScheme: 'apiKey', apiKey: 'k-123456789', defaultAgentId: 'bot-1' } };
const TEXT = 'Hi! Ask me about our opening hours.';
const params = { resource: 'message', operation: 'send', conversationId: '={{ $json.conversationId }}', agentId: '', from: '447860099299', to: '385911111111', channel: 'WHATSAPP', contentType: 'TEXT', text: TEXT };

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
const reply = (id: string, at: number) => ({ id, conversationId: 'conv-1', direction: 'OUTBOUND', to: '385911111111', contentType: 'TEXT', content: { text: TEXT }, createdAt: iso(at) });
const triggerItem = (at: number) => ({ conversationId: 'conv-1', messageId: 'in-2', from: '385911111111', to: '447860099299', channel: 'WHATSAPP', direction: 'INBOUND', contentType: 'TEXT', text: 'hello again', createdAt: iso(at) });

function run(item: Record<string, unknown>) {
	const ctx = createExecuteContext({ parameters: { ...params, conversationId: item.conversationId ?? 'conv-1' }, items: [{ json: item as never }], credentials });
	return new InfobipConversations().execute.call(ctx);
}

useNock('127.0.0.1');

describe('Send: the lookup after an ambiguous failure', () => {
	it('does not take an identical reply to the previous customer message for this one: sends again', async () => {
		const now = Date.now();
		const earlier = reply('out-1', now - 1500); // the answer to the customer's previous message
		const scope = nock(BASE)
			.post('/ccaas/1/conversations/conv-1/messages')
			.reply(500, { requestError: { serviceException: { messageId: 'GENERAL_ERROR', text: 'x' } } })
			.get('/ccaas/1/conversations/conv-1/messages')
			.query(true)
			.reply(200, { messages: [earlier] })
			.post('/ccaas/1/conversations/conv-1/messages', (body) => body.content?.text === TEXT)
			.reply(200, reply('out-2', now + 10));
		const out = await run(triggerItem(now - 1000));
		expect(out[0][0].json).toMatchObject({ id: 'out-2' });
		expect(scope.isDone()).toBe(true);
	});

	it('without the customer message as input falls back to the 5-second window of the local clock', async () => {
		const now = Date.now();
		const scope = nock(BASE)
			.post('/ccaas/1/conversations/conv-1/messages')
			.reply(503, {})
			.get('/ccaas/1/conversations/conv-1/messages')
			.query(true)
			.reply(200, { messages: [reply('recent', now - 1500)] });
		const out = await run({ conversationId: 'conv-1', note: 'not a message' });
		expect(out[0][0].json).toMatchObject({ id: 'recent' });
		expect(scope.isDone()).toBe(true);
	});
});

describe('Send answering a customer message, against the emulator', () => {
	let emu: RunningEmulator;
	beforeEach(async () => {
		emu = await startEmulator({ apiKey: 'emu-key-123456', bot: { agentId: 'bot-1' } });
	});
	afterEach(async () => emu.close());

	const outbound = (id: string) => (emu.state.messages.get(id) ?? []).filter((m) => m.direction === 'OUTBOUND');
	const lastInbound = (id: string) => [...(emu.state.messages.get(id) ?? [])].reverse().find((m) => m.direction === 'INBOUND')!;
	/** The reply as the example bot sends it, with `fault` injected on the first request only. */
	async function answer(conversationId: string, fault?: FaultConfig) {
		const ctx = createExecuteContext({
			parameters: { ...params, conversationId },
			items: [{ json: { ...lastInbound(conversationId) } as never }],
			credentials: { infobipConversationsApi: { baseUrl: emu.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: 'bot-1' } },
		});
		if (fault) {
			emu.setFaults(fault);
			const original = ctx.helpers.httpRequestWithAuthentication;
			ctx.helpers.httpRequestWithAuthentication = async function (this: unknown, ...args: Parameters<typeof original>) {
				try {
					return await original.apply(this as never, args);
				} finally {
					emu.setFaults({});
				}
			} as typeof original;
		}
		return (await new InfobipConversations().execute.call(ctx))[0][0].json;
	}
	const tick = () => new Promise((r) => setTimeout(r, 5));

	it.each([
		['a 500 before anything was created', { errorRate: 1 }, 'error'],
		['a connection dropped before anything was created', { dropRate: 1 }, 'drop'],
		['an answer lost after the message was created', { dropResponseRate: 1 }, 'dropResponse'],
	] as const)('the same text as the previous reply, after %s: exactly one new reply', async (_name, fault, kind) => {
		const { conversationId } = await emu.inbound({ from: '385911111111', to: '447860099299', channel: 'WHATSAPP', text: 'hi' });
		await tick();
		await answer(conversationId);
		await tick();
		await emu.inbound({ from: '385911111111', to: '447860099299', channel: 'WHATSAPP', text: 'hi again' });
		await tick();
		const sent = await answer(conversationId, fault);
		expect(emu.state.faultsInjected).toEqual({ [kind]: 1 });
		const replies = outbound(conversationId);
		expect(replies.map((m) => m.content)).toEqual([{ text: TEXT }, { text: TEXT }]);
		expect(sent.id).toBe(replies[1].id);
		expect(Date.parse(replies[1].createdAt)).toBeGreaterThan(Date.parse(lastInbound(conversationId).createdAt));
	});
});

describe('answeredMessageTime', () => {
	const at = Date.UTC(2024, 4, 1, 10);
	it('is the createdAt of an inbound message of the same conversation', () => {
		expect(answeredMessageTime({ direction: 'INBOUND', conversationId: 'c', createdAt: '2024-05-01T10:00:00.000+00:00' }, 'c')).toBe(at);
		expect(answeredMessageTime({ direction: 'INBOUND', conversationId: 'c', createdAt: '2024-05-01T10:00:00Z' }, 'c')).toBe(at);
		expect(answeredMessageTime({ direction: 'INBOUND', conversationId: 'c', createdAt: '2024-05-01T10:00:00.000+0000' }, 'c')).toBe(at);
	});
	it('is -Infinity when the trigger derived createdAt (n8n\'s clock, not Infobip\'s)', () => {
		const item = { direction: 'INBOUND', conversationId: 'c', createdAt: '2024-05-01T10:00:00.000Z', received: { derived: ['createdAt', 'id'] } };
		expect(answeredMessageTime(item, 'c')).toBe(-Infinity);
		expect(answeredMessageTime({ ...item, received: { derived: ['direction'] } }, 'c')).toBe(at);
	});
	it('is -Infinity for anything else', () => {
		for (const item of [undefined, {}, { direction: 'OUTBOUND', conversationId: 'c', createdAt: '2024-05-01T10:00:00Z' }, { direction: 'INBOUND', conversationId: 'other', createdAt: '2024-05-01T10:00:00Z' }, { direction: 'INBOUND', conversationId: 'c', createdAt: 'yesterday' }, { direction: 'INBOUND', conversationId: 'c', createdAt: 5 }]) {
			expect(answeredMessageTime(item, 'c')).toBe(-Infinity);
		}
	});
});

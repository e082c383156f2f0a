import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

jest.mock('../../nodes/InfobipConversations/transport/sleep', () => ({ sleep: jest.fn(async () => undefined) }));

import { startEmulator, type RunningEmulator } from '../../emulator';
import { InfobipConversations } from '../../nodes/InfobipConversations/InfobipConversations.node';
import { createExecuteContext } from '../helpers/n8nContext';

describe('a bot conversation against the real emulator', () => {
	let emu: RunningEmulator;
	let server: Server;
	const forwarded: Array<Record<string, unknown>> = [];

	beforeAll(async () => {
		server = createServer((req, res) => {
			let raw = '';
			req.on('data', (c) => (raw += c));
			req.on('end', () => {
				forwarded.push(JSON.parse(raw));
				res.end();
			});
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		emu = await startEmulator({
			bot: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, agentId: 'bot-uuid', authHeaderValue: 'Bearer s' },
		});
	});
	afterAll(async () => {
		await emu.close();
		await new Promise<void>((r) => server.close(() => r()));
	});

	const node = new InfobipConversations();
	const ctxFor = (parameters: Record<string, unknown>, item: Record<string, unknown>) =>
		createExecuteContext({
			parameters,
			items: [{ json: item as never }],
			credentials: { infobipConversationsApi: { baseUrl: emu.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: 'bot-uuid' } },
		});

	it('reply → metadata → route; afterwards the bot gets nothing more', async () => {
		await emu.inbound({ from: '385911111111', to: '447860099299', channel: 'WHATSAPP', text: 'I need an agent' });
		await emu.waitForIdle();
		expect(forwarded).toHaveLength(1);
		const item = forwarded[0];
		const conversationId = item.conversationId as string;

		const reply = await node.execute.call(
			ctxFor({ resource: 'message', operation: 'send', conversationId, agentId: '', from: item.to, to: item.from, channel: item.channel, contentType: 'TEXT', text: 'Connecting you to an agent' }, item),
		);
		expect(reply[0][0].json).toMatchObject({ direction: 'OUTBOUND', agentId: 'bot-uuid', content: { text: 'Connecting you to an agent' } });

		await node.execute.call(ctxFor({ resource: 'conversation', operation: 'setMetadata', conversationId, mode: 'merge', inputMode: 'json', metadataJson: '{"Intent":"agent","Score":0.9}' }, item));
		expect(emu.state.metadata.get(conversationId)).toEqual({ Intent: 'agent', Score: 0.9 });

		const routed = await node.execute.call(ctxFor({ resource: 'conversation', operation: 'route', conversationId }, item));
		expect(routed[0][0].json).toMatchObject({ id: conversationId, agentId: null });

		const next = await emu.inbound({ from: '385911111111', to: '447860099299', channel: 'WHATSAPP', text: 'hello?' });
		await emu.waitForIdle();
		expect(next.forwarded).toBe(false);
		expect(forwarded).toHaveLength(1);
	});

	it('a 429 with Retry-After followed by success delivers exactly one message', async () => {
		const { conversationId } = await emu.inbound({ from: '100', to: '200', channel: 'SMS', text: 'hi' });
		let calls = 0;
		emu.setFaults({ rateLimitRate: 1, retryAfterSeconds: 1 });
		const ctx = ctxFor({ resource: 'message', operation: 'send', conversationId, agentId: 'bot-uuid', from: '200', to: '100', channel: 'SMS', contentType: 'TEXT', text: 'once' }, {});
		const original = ctx.helpers.httpRequestWithAuthentication;
		ctx.helpers.httpRequestWithAuthentication = async function (this: unknown, ...args: Parameters<typeof original>) {
			if (++calls === 2) emu.setFaults({});
			return await original.apply(this as never, args);
		} as typeof original;
		await node.execute.call(ctx);
		const outbound = (emu.state.messages.get(conversationId) ?? []).filter((m) => m.direction === 'OUTBOUND');
		expect(outbound.map((m) => m.content)).toEqual([{ text: 'once' }]);
		expect(emu.state.faultsInjected.rateLimit).toBe(1);
	});
});

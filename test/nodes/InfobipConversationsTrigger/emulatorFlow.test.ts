import type { IDataObject, INodeProperties } from 'n8n-workflow';

jest.mock('../../../nodes/InfobipConversations/transport/sleep', () => ({ sleep: jest.fn(async () => undefined) }));

import { startEmulator, type RunningEmulator } from '../../../emulator';
import { InfobipConversations } from '../../../nodes/InfobipConversations/InfobipConversations.node';
import { InfobipConversationsTrigger } from '../../../nodes/InfobipConversationsTrigger/InfobipConversationsTrigger.node';
import { createExecuteContext } from '../../support/n8nContext';
import { serveTrigger, type ServedTrigger, type ServeTriggerOptions } from '../../support/webhookContext';

const BOT_SECRET = 'Bearer emulator-bot-secret-51';
const BOT_AGENT = 'bot-uuid-7a1c';
const CUSTOMER = { from: '385911111111', to: '447860099299', channel: 'WHATSAPP' };

/**
 * The Send operation's default parameter values, resolved against the trigger item the way n8n resolves
 * `={{ $json.<field> }}` — so the test fails if the trigger's field names and the Send defaults drift apart.
 */
function sendDefaults(item: IDataObject): IDataObject {
	const node = new InfobipConversations();
	const resolved: IDataObject = {};
	for (const name of ['conversationId', 'from', 'to', 'channel']) {
		const prop = node.description.properties.find(
			(p: INodeProperties) => p.name === name && p.displayOptions?.show?.operation?.includes('send'),
		)!;
		const match = /^=\{\{\s*\$json\.(\w+)\s*\}\}$/.exec(String(prop.default));
		if (!match) throw new Error(`Send default of ${name} is not a simple $json reference: ${String(prop.default)}`);
		expect(item[match[1]]).toEqual(expect.any(String));
		resolved[name] = item[match[1]];
	}
	return resolved;
}

describe('customer → emulator → trigger → Conversations node → emulator (done-when)', () => {
	let emu: RunningEmulator;
	const servers: ServedTrigger[] = [];
	const trigger = new InfobipConversationsTrigger();
	const actions = new InfobipConversations();
	const serve = async (over: Partial<ServeTriggerOptions> = {}) => {
		const t = await serveTrigger({
			node: trigger,
			credentials: { infobipBotWebhookApi: { headerName: 'Authorization', headerValue: BOT_SECRET } },
			...over,
		});
		servers.push(t);
		emu.configureBot({ url: t.url });
		return t;
	};
	const run = async (parameters: IDataObject, item: IDataObject) =>
		await actions.execute.call(
			createExecuteContext({
				parameters,
				items: [{ json: item }],
				credentials: { infobipConversationsApi: { baseUrl: emu.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: BOT_AGENT } },
			}),
		);

	beforeEach(async () => {
		emu = await startEmulator({ bot: { agentId: BOT_AGENT, authHeaderValue: BOT_SECRET } });
	});
	afterEach(async () => {
		await emu.close();
		await Promise.all(servers.splice(0).map((s) => s.close()));
	});

	it('reply with the trigger item\'s fields → Set Metadata → Route; then the bot gets nothing more', async () => {
		const t = await serve();
		const { conversationId, messageId } = await emu.inbound({ ...CUSTOMER, text: 'I need an agent' });
		await emu.waitForIdle();

		expect(emu.state.deliveries).toEqual([{ messageId, conversationId, status: 200, attempt: 1 }]);
		expect(t.executions).toHaveLength(1);
		const item = t.executions[0].items[0].json;
		expect(item).toMatchObject({ conversationId, messageId, ...CUSTOMER, direction: 'INBOUND', contentType: 'TEXT', text: 'I need an agent' });

		const reply = await run(
			{ resource: 'message', operation: 'send', agentId: '', contentType: 'TEXT', text: 'Connecting you to an agent', ...sendDefaults(item) },
			item,
		);
		expect(reply[0][0].json).toMatchObject({ direction: 'OUTBOUND', agentId: BOT_AGENT });
		const outbound = (emu.state.messages.get(conversationId) ?? []).filter((m) => m.direction === 'OUTBOUND');
		expect(outbound).toEqual([
			expect.objectContaining({
				from: CUSTOMER.to,
				to: CUSTOMER.from,
				channel: 'WHATSAPP',
				agentId: BOT_AGENT,
				content: { text: 'Connecting you to an agent' },
			}),
		]);

		await run({ resource: 'conversation', operation: 'setMetadata', conversationId: item.conversationId, mode: 'merge', inputMode: 'json', metadataJson: '{"Intent":"agent","Text":"I need an agent"}' }, item);
		expect(emu.state.metadata.get(conversationId)).toEqual({ Intent: 'agent', Text: 'I need an agent' });
		await run({ resource: 'conversation', operation: 'route', conversationId: item.conversationId }, item);
		expect(emu.state.conversations.get(conversationId)).toMatchObject({ agentId: null, queueId: expect.any(String) });

		const next = await emu.inbound({ ...CUSTOMER, text: 'hello?' });
		await emu.waitForIdle();
		expect(next.forwarded).toBe(false);
		expect(emu.state.deliveries).toHaveLength(1);
		expect(t.executions).toHaveLength(1);
	});

	it('a delivery whose answer was lost is redelivered and answered "duplicate": one execution', async () => {
		const t = await serve({ loseAnswer: (n) => n === 1 });
		const { messageId } = await emu.inbound({ ...CUSTOMER, text: 'only once please' });
		await emu.waitForIdle();
		expect(emu.state.deliveries.map((d) => [d.messageId, d.status, d.attempt])).toEqual([
			[messageId, 'error', 1],
			[messageId, 200, 2],
		]);
		expect(t.requests.map((r) => [r.outcome, r.status, JSON.parse(r.body).status])).toEqual([
			['execution', 200, 'accepted'],
			['node-answered', 200, 'duplicate'],
		]);
		expect(t.executions).toHaveLength(1);
	});

	it('a 5xx before the trigger ran is redelivered and then runs exactly once', async () => {
		const t = await serve({
			intercept: (_req, res, n) => {
				if (n !== 1) return false;
				res.writeHead(503).end();
				return true;
			},
		});
		const { messageId } = await emu.inbound({ ...CUSTOMER, text: 'are you there?' });
		await emu.waitForIdle();
		expect(emu.state.deliveries.map((d) => [d.status, d.attempt])).toEqual([
			[503, 1],
			[200, 2],
		]);
		expect(t.executions.map((e) => e.items[0].json.messageId)).toEqual([messageId]);
	});

	it('lost answers are retried by the emulator, yet every message runs exactly once', async () => {
		// one message at a time: deliveries of *different* messages racing each other can overwrite each
		// other's dedupe record (n8n saves static data last-writer-wins); docs/trigger.md lists this limit
		const t = await serve({ loseAnswer: (n) => n % 2 === 1 });
		const sent: string[] = [];
		for (let i = 0; i < 5; i++) {
			sent.push((await emu.inbound({ ...CUSTOMER, text: `message ${i}` })).messageId);
			await emu.waitForIdle();
		}
		expect(t.executions.map((e) => e.items[0].json.messageId).sort()).toEqual([...sent].sort());
		expect(emu.state.deliveries.filter((d) => d.status === 'error').length).toBeGreaterThan(0);
	});

	it('a bot configured with the wrong header value gets 401s and starts nothing', async () => {
		const t = await serve();
		emu.configureBot({ authHeaderValue: 'Bearer not-the-secret' });
		await emu.inbound({ ...CUSTOMER, text: 'hi' });
		await emu.waitForIdle();
		expect(emu.state.deliveries.map((d) => d.status)).toEqual([401]); // 4xx is not retried
		expect(t.executions).toHaveLength(0);
	});
});

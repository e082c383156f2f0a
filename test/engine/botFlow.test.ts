/**
 * examples/external-bot.json in n8n's engine, against the emulator: a customer message reaches the trigger's URL,
 * the trigger's webhook() runs in n8n-core's WebhookContext and the execution runs in WorkflowExecute, with the
 * real If node of this n8n and the example's parameters as they are (defaults such as `={{ $json.conversationId }}`
 * and `$('Customer message').item` resolved by n8n through paired items).
 */
import fs from 'node:fs';
import path from 'node:path';

import { startEmulator, type RunningEmulator } from '../../emulator';
import { TestN8n, type WorkflowJson } from '../support/engine/engine';
import { expressionEngine, logs, stopN8n } from '../support/engine/n8n';

const example = JSON.parse(fs.readFileSync(path.join(__dirname, '../../examples/external-bot.json'), 'utf8')) as WorkflowJson;
const BOT_SECRET = 'Bearer engine-bot-secret-7d1e';

let emu: RunningEmulator;
let n8n: TestN8n;

beforeAll(async () => {
	emu = await startEmulator({ bot: { agentId: 'bot-engine-1' } });
	n8n = new TestN8n(example, {
		infobipBotWebhookApi: { headerName: 'Authorization', headerValue: BOT_SECRET },
		infobipConversationsApi: { baseUrl: emu.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: emu.botAgentId },
	});
	emu.configureBot({ url: await n8n.serveWebhook('Customer message'), authHeaderValue: BOT_SECRET });
});
afterAll(async () => {
	await n8n.close();
	await emu.close();
	await stopN8n();
});

/** A customer message, delivered by the emulator; resolves when n8n has handled it and its execution is done. */
async function customerSays(text: string, from = '385911111111') {
	const before = n8n.executions.length;
	const sent = await emu.inbound({ from, to: '447860099299', channel: 'WHATSAPP', text });
	await emu.waitForIdle();
	await n8n.idle();
	return { ...sent, executions: n8n.executions.slice(before) };
}

const outbound = (conversationId: string) =>
	(emu.state.messages.get(conversationId) ?? []).filter((m) => m.direction === 'OUTBOUND').map((m) => m.content);

it('expressions run in the expression engine n8n selects by default', async () => {
	// both installs default to the isolated-vm engine (N8N_EXPRESSION_ENGINE=vm); startN8n initialises it as n8n does
	await customerSays('warm-up', '385900000000');
	expect(await expressionEngine()).toBe('vm');
});

it('"agent": tells the customer, stores the context, hands off; afterwards the bot gets nothing', async () => {
	const { conversationId, executions } = await customerSays('I need an agent please');
	expect(executions).toHaveLength(1);
	const [execution] = executions;
	expect(execution.mode).toBe('webhook');
	expect(execution.error).toBeUndefined();
	expect(execution.status).toBe('success');
	expect(execution.order).toEqual(['Customer message', 'Wants a person?', 'Tell the customer', 'Context for the agent', 'Hand off to agents']);

	const [sent] = execution.json('Tell the customer');
	expect(sent).toMatchObject({ conversationId, direction: 'OUTBOUND', agentId: 'bot-engine-1', channel: 'WHATSAPP', to: '385911111111' });
	expect(outbound(conversationId)).toEqual([{ text: 'Connecting you to an agent now. They will see everything you wrote, so no need to repeat it.' }]);
	// `$('Customer message').item` two nodes later: found through each node's pairedItem
	expect(emu.state.metadata.get(conversationId)).toEqual({ Intent: 'talk to a person', LastCustomerMessage: 'I need an agent please', Channel: 'WHATSAPP' });
	expect(execution.output('Context for the agent')[0].pairedItem).toEqual({ item: 0 });
	expect(execution.json('Hand off to agents')[0]).toMatchObject({ id: conversationId, agentId: null });

	const next = await customerSays('hello?');
	expect(next.conversationId).toBe(conversationId);
	expect(next.forwarded).toBe(false);
	expect(next.executions).toHaveLength(0);
});

it('anything else: the Answer branch, its text from an expression over the trigger item', async () => {
	const { conversationId, executions } = await customerSays('When are you open?', '385922222222');
	expect(executions.map((e) => e.order)).toEqual([['Customer message', 'Wants a person?', 'Answer']]);
	expect(executions[0].output('Wants a person?', 0)).toEqual([]);
	expect(outbound(conversationId)).toEqual([{ text: 'We are open 8:00-20:00, Monday to Saturday.' }]);
});

it('a redelivered message runs once: the trigger deduplicates in the static data n8n saved after the first call', async () => {
	const savesBefore = n8n.row.saves;
	const recorded = () => ((n8n.row.nodeData('Customer message')?.dedupe as { entries?: unknown[] } | undefined)?.entries ?? []).length;
	const recordedBefore = recorded();
	emu.configureBot({ redeliveryRate: 1, redeliveryDelayMs: 20 });
	try {
		const { conversationId, messageId, executions } = await customerSays('hi there', '385933333333');
		expect(emu.state.deliveries.filter((d) => d.messageId === messageId).map((d) => d.status)).toEqual([200, 200]);
		expect(executions).toHaveLength(1);
		expect(outbound(conversationId)).toHaveLength(1);
		expect(n8n.row.saves).toBeGreaterThan(savesBefore);
		// one record for the message (stored in the row as n8n stores static data), none for its redelivery
		expect(recorded()).toBe(recordedBefore + 1);
	} finally {
		emu.configureBot({ redeliveryRate: 0 });
	}
});

it('a request without the bot header is refused before anything runs', async () => {
	const before = n8n.executions.length;
	const target = await n8n.serveWebhook('Customer message');
	const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"conversationId":"x","content":{"text":"hi"}}' });
	expect(res.status).toBe(401);
	await n8n.idle();
	expect(n8n.executions.length).toBe(before);
});

it('no secret in the executions or in what the nodes logged', () => {
	const text = JSON.stringify(n8n.executions.map((e) => e.run)) + logs.join('\n');
	expect(text).not.toContain(emu.apiKey);
	expect(text).not.toContain(BOT_SECRET);
});

/**
 * Set Metadata and Send in n8n's engine against the emulator, in both profiles: in 'documented' (PATCH …/metadata
 * answers 405, as an account that keeps to Infobip's public pages may) Merge still keeps the old keys, through
 * GET + PUT. Parameters come as a user sets them: the conversation from the default `={{ $json.conversationId }}`,
 * the metadata from an expression over each item.
 */
import { startEmulator, type EmulatorProfile, type RunningEmulator } from '../../emulator';
import { chain, node, TestN8n } from '../support/engine/engine';
import { stopN8n } from '../support/engine/n8n';

let emu: RunningEmulator;
afterEach(async () => emu.close());
afterAll(async () => stopN8n());

const credentials = () => ({
	infobipConversationsApi: { baseUrl: emu.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: emu.botAgentId },
});

/** Input → Set Metadata over one item per conversation; `values` is an expression over the item. */
async function setMetadata(items: Array<Record<string, unknown>>, mode: 'merge' | 'replace', metadataJson = '={{ JSON.stringify($json.values) }}') {
	const n8n = new TestN8n(
		chain(
			node('Input', 'n8n-nodes-base.noOp'),
			// one item after the other, so the second one surely knows what the first found out
			node('Set Metadata', 'infobipConversations', { resource: 'conversation', operation: 'setMetadata', mode, inputMode: 'json', metadataJson, options: { concurrency: 1 } }),
		),
		credentials(),
	);
	return await n8n.run({ start: 'Input', data: [items.map((json) => ({ json: json as never }))], mode: 'manual' });
}

const metadataCalls = () => emu.state.requests.filter((r) => r.path.endsWith('/metadata')).map((r) => `${r.method} ${r.status}`);

describe.each([
	['full', 'PATCH', ['PATCH 200', 'PATCH 200']],
	['documented', 'GET+PUT', ['PATCH 405', 'GET 200', 'PUT 200', 'GET 200', 'PUT 200']],
] as const)('Set Metadata in the %s profile', (profile, writePath, calls) => {
	beforeEach(async () => {
		emu = await startEmulator({ profile: profile as EmulatorProfile, bot: { agentId: 'bot-1' } });
	});

	it(`Merge keeps the old keys and adds the new ones (${writePath})`, async () => {
		const [a, b] = emu.seed({ count: 2 }).conversationIds;
		emu.state.metadata.set(a, { Manufacturer: 'Mazda', Model: 'CX-3' });
		emu.state.metadata.set(b, { Channel: 'SMS' });
		const run = await setMetadata(
			[
				{ conversationId: a, values: { Model: 'CX-5', EnginePower: 90 } },
				{ conversationId: b, values: { Intent: 'agent' } },
			],
			'merge',
		);
		expect(run.error).toBeUndefined();
		expect(run.json('Set Metadata').map((o) => o.writePath)).toEqual([writePath, writePath]);
		expect(run.output('Set Metadata').map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(emu.state.metadata.get(a)).toEqual({ Manufacturer: 'Mazda', Model: 'CX-5', EnginePower: 90 });
		expect(emu.state.metadata.get(b)).toEqual({ Channel: 'SMS', Intent: 'agent' });
		// documented: one refused PATCH in the execution, then GET + PUT for each item
		expect(metadataCalls()).toEqual(calls);
	});

	it('Merge on a conversation without metadata, and Replace', async () => {
		const [a] = emu.seed({ count: 1 }).conversationIds;
		const merged = await setMetadata([{ conversationId: a, values: { Intent: 'agent' } }], 'merge');
		expect(merged.json('Set Metadata')[0].writePath).toBe(writePath);
		expect(emu.state.metadata.get(a)).toEqual({ Intent: 'agent' });
		const replaced = await setMetadata([{ conversationId: a, values: { Only: 'this' } }], 'replace');
		expect(replaced.json('Set Metadata')[0].writePath).toBe('PUT');
		expect(emu.state.metadata.get(a)).toEqual({ Only: 'this' });
	});

	it('an unknown conversation: the execution fails with a clear not-found error on the node', async () => {
		const run = await setMetadata([{ conversationId: '00000000-0000-4000-8000-000000000000', values: { Intent: 'agent' } }], 'merge');
		expect(run.status).toBe('error');
		expect(run.error).toMatchObject({ message: 'Infobip: Conversation 00000000-0000-4000-8000-000000000000 not found', httpCode: '404' });
		expect(run.task('Set Metadata').error?.message).toBe('Infobip: Conversation 00000000-0000-4000-8000-000000000000 not found');
		expect((run.error as unknown as { node?: { name: string } }).node?.name).toBe('Set Metadata');
	});

	it('metadata JSON that is not an object is refused before any call, naming the field', async () => {
		const [a] = emu.seed({ count: 1 }).conversationIds;
		const before = emu.state.requests.length;
		const run = await setMetadata([{ conversationId: a }], 'merge', '={{ "[1, 2]" }}');
		expect(run.status).toBe('error');
		expect(run.error?.message).toBe('Metadata must be a JSON object of key/value pairs');
		expect(emu.state.requests.length).toBe(before);
	});

	it('an expression that gives an object (not JSON text) is taken as the metadata', async () => {
		const [a] = emu.seed({ count: 1 }).conversationIds;
		const run = await setMetadata([{ conversationId: a, values: { Intent: 'agent', Score: 0.9 } }], 'merge', '={{ $json.values }}');
		expect(run.error).toBeUndefined();
		expect(emu.state.metadata.get(a)).toEqual({ Intent: 'agent', Score: 0.9 });
	});
});

describe('Send', () => {
	beforeEach(async () => {
		emu = await startEmulator({ bot: { agentId: 'bot-1' } });
	});

	it('a 429 with Retry-After, then success: exactly one message, the wait honoured', async () => {
		const { conversationId } = await emu.inbound({ from: '100', to: '200', channel: 'SMS', text: 'hi' });
		emu.setFaults({ rateLimitRate: 1, retryAfterSeconds: 1 });
		// the fault ends as soon as it has refused one request (the node waits the Retry-After second before retrying)
		const clear = setInterval(() => {
			if (emu.state.faultsInjected.rateLimit) emu.setFaults({});
		}, 5);
		const n8n = new TestN8n(
			chain(node('Input', 'n8n-nodes-base.noOp'), node('Send', 'infobipConversations', { resource: 'message', operation: 'send', contentType: 'TEXT', text: 'once' })),
			credentials(),
		);
		const started = Date.now();
		// the item as the trigger makes it: Send's defaults take conversation, from/to (swapped) and channel from it
		const run = await n8n.run({ start: 'Input', data: [[{ json: { conversationId, from: '100', to: '200', channel: 'SMS' } }]] });
		clearInterval(clear);
		expect(run.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		const outbound = (emu.state.messages.get(conversationId) ?? []).filter((m) => m.direction === 'OUTBOUND');
		expect(outbound.map((m) => [m.content, m.from, m.to])).toEqual([[{ text: 'once' }, '200', '100']]);
		expect(emu.state.faultsInjected.rateLimit).toBe(1);
	});
});

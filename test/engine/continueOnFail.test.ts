/**
 * Continue On Fail in n8n's engine: the node's error items keep their pairedItem, so a later node's
 * `$('Input').item` finds the input item that failed; the node's On Error settings (the legacy `continueOnFail`
 * flag, "Continue", "Continue (using error output)") as n8n applies them.
 */
import { startEmulator, type RunningEmulator } from '../../emulator';
import { node, TestN8n, type WorkflowJson } from '../support/engine/engine';
import { stopN8n } from '../support/engine/n8n';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
let emu: RunningEmulator;
let ids: string[];

beforeAll(async () => {
	emu = await startEmulator({ bot: { agentId: 'bot-1' } });
	ids = emu.seed({ count: 2 }).conversationIds;
});
afterAll(async () => {
	await emu.close();
	await stopN8n();
});

/** n8n's Set node (3.4) copying the input item's tag through paired items. */
const tagFromInput = (name: string) =>
	node(
		name,
		'n8n-nodes-base.set',
		{
			mode: 'manual',
			assignments: { assignments: [{ id: `${name}-tag`, name: 'inputTag', value: "={{ $('Input').item.json.tag }}", type: 'string' }] },
			includeOtherFields: true,
			options: {},
		},
		{ typeVersion: 3.4 },
	);

/** Input → Set Metadata (On Error as given) → Tag (output 0) [→ Tag errors (output 1)] */
function workflow(onError: Partial<ReturnType<typeof node>>): WorkflowJson {
	const setMetadata = node(
		'Set Metadata',
		'infobipConversations',
		{ resource: 'conversation', operation: 'setMetadata', mode: 'merge', inputMode: 'json', metadataJson: '={{ JSON.stringify({ Tag: $json.tag }) }}' },
		onError,
	);
	return {
		nodes: [node('Input', 'n8n-nodes-base.noOp'), setMetadata, tagFromInput('Tag'), tagFromInput('Tag errors')],
		connections: {
			Input: { main: [[{ node: 'Set Metadata', type: 'main' as never, index: 0 }]] },
			'Set Metadata': { main: [[{ node: 'Tag', type: 'main' as never, index: 0 }], [{ node: 'Tag errors', type: 'main' as never, index: 0 }]] },
		},
	};
}

async function run(onError: Partial<ReturnType<typeof node>>) {
	const n8n = new TestN8n(workflow(onError), {
		infobipConversationsApi: { baseUrl: emu.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: emu.botAgentId },
	});
	const items = [
		{ conversationId: ids[0], tag: 'first' },
		{ conversationId: UNKNOWN, tag: 'second' },
		{ conversationId: ids[1], tag: 'third' },
	];
	return await n8n.run({ start: 'Input', data: [items.map((json) => ({ json }))] });
}

describe.each([
	['the legacy continueOnFail flag', { continueOnFail: true }],
	['On Error: Continue', { onError: 'continueRegularOutput' as const }],
])('%s', (_label, setting) => {
	it('the failed item is an error item paired with its input; the others are written; the workflow goes on', async () => {
		const execution = await run(setting);
		expect(execution.status).toBe('success');
		const out = execution.output('Set Metadata');
		expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		// with the error at item level, n8n keeps only its message in the json (the description stays on the error)
		expect(out[1].json).toEqual({ error: `Infobip: Conversation ${UNKNOWN} not found` });
		expect(out[1].error?.description).toEqual(expect.any(String));
		expect(out[0].json).toMatchObject({ conversationId: ids[0], writePath: 'PATCH' });
		// a later node reaches the input item of each result, the failed one included
		expect(execution.json('Tag').map((j) => j.inputTag)).toEqual(['first', 'second', 'third']);
		expect(emu.state.metadata.get(ids[0])).toMatchObject({ Tag: 'first' });
		expect(emu.state.metadata.get(ids[1])).toMatchObject({ Tag: 'third' });
	});
});

it('without it, the first failure stops the execution and names the node and the item', async () => {
	const execution = await run({});
	expect(execution.status).toBe('error');
	expect(execution.error?.message).toBe(`Infobip: Conversation ${UNKNOWN} not found`);
	expect(execution.error).toMatchObject({ name: 'NodeApiError', httpCode: '404', context: { itemIndex: 1 }, node: { name: 'Set Metadata' } });
	expect(execution.task('Set Metadata').error?.message).toBe(`Infobip: Conversation ${UNKNOWN} not found`);
	expect(execution.order).not.toContain('Tag');
});

describe('On Error: Continue (using error output)', () => {
	it('the node has the error output n8n adds', async () => {
		const execution = await run({ onError: 'continueErrorOutput' });
		expect(execution.status).toBe('success');
		expect(execution.task('Set Metadata').data?.main).toHaveLength(2);
	});

	// n8n moves an item to the error output only when it carries `error` at the item level, or its json has no keys but
	// error/message (2.x also details): the nodes' error items carry the error at item level (nodes/shared/errors.ts).
	it('the failed item goes to the error output, still paired with its input; the others to the success output', async () => {
		const execution = await run({ onError: 'continueErrorOutput' });
		expect(execution.json('Set Metadata', 0).map((j) => j.conversationId)).toEqual([ids[0], ids[1]]);
		const [failed] = execution.output('Set Metadata', 1);
		expect(failed.json.error).toBe(`Infobip: Conversation ${UNKNOWN} not found`);
		expect(execution.json('Tag errors').map((j) => j.inputTag)).toEqual(['second']);
	});
});

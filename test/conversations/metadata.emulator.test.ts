/**
 * Set Metadata against the real emulator in both profiles: in 'documented' (PATCH …/metadata answers 405, as an
 * account that keeps to Infobip's public pages may) Merge still keeps the old keys and adds the new ones.
 */
import { startEmulator, type EmulatorProfile, type RunningEmulator } from '../../emulator';
import { InfobipConversations } from '../../nodes/InfobipConversations/InfobipConversations.node';
import { createExecuteContext } from '../helpers/n8nContext';

let emu: RunningEmulator;
afterEach(async () => emu.close());

function setMetadata(ids: string[], mode: 'merge' | 'replace', values: (i: number) => Record<string, unknown>) {
	const ctx = createExecuteContext({
		parameters: (i) => ({
			resource: 'conversation',
			operation: 'setMetadata',
			conversationId: ids[i],
			mode,
			inputMode: 'json',
			metadataJson: JSON.stringify(values(i)),
			// one item after the other, so the second one surely knows what the first found out
			options: { concurrency: 1 },
		}),
		items: ids.map((conversationId) => ({ json: { conversationId } })),
		credentials: { infobipConversationsApi: { baseUrl: emu.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: emu.botAgentId } },
	});
	return new InfobipConversations().execute.call(ctx).then((out) => out[0].map((i) => i.json));
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
		const out = await setMetadata([a, b], 'merge', (i) => (i === 0 ? { Model: 'CX-5', EnginePower: 90 } : { Intent: 'agent' }));
		expect(out.map((o) => o.writePath)).toEqual([writePath, writePath]);
		expect(emu.state.metadata.get(a)).toEqual({ Manufacturer: 'Mazda', Model: 'CX-5', EnginePower: 90 });
		expect(emu.state.metadata.get(b)).toEqual({ Channel: 'SMS', Intent: 'agent' });
		// documented: one refused PATCH in the execution, then GET + PUT for each item
		expect(metadataCalls()).toEqual(calls);
	});

	it('Merge on a conversation without metadata, and Replace', async () => {
		const [a] = emu.seed({ count: 1 }).conversationIds;
		expect((await setMetadata([a], 'merge', () => ({ Intent: 'agent' })))[0].writePath).toBe(writePath);
		expect(emu.state.metadata.get(a)).toEqual({ Intent: 'agent' });
		expect((await setMetadata([a], 'replace', () => ({ Only: 'this' })))[0].writePath).toBe('PUT');
		expect(emu.state.metadata.get(a)).toEqual({ Only: 'this' });
	});

	it('an unknown conversation: a clear not-found error', async () => {
		const error = await setMetadata(['00000000-0000-4000-8000-000000000000'], 'merge', () => ({ Intent: 'agent' })).catch((e) => e);
		expect(error.message).toBe('Infobip: Conversation 00000000-0000-4000-8000-000000000000 not found');
		expect(error.httpCode).toBe('404');
	});
});

/**
 * examples/sweep-idle-sessions.json in n8n's engine against the emulator, started as its Schedule Trigger starts
 * it (mode 'trigger', the trigger's item): Sweep Idle Sessions, then this n8n's real If, Set, NoOp nodes and the
 * disabled Slack node, with the example's expressions over the sweep's summary. In both emulator profiles
 * ('documented': claims and records through GET + PUT of the metadata).
 */
import fs from 'node:fs';
import path from 'node:path';

import { startEmulator, type EmulatorProfile, type RunningEmulator } from '../../emulator';
import { TestN8n, type WorkflowJson } from '../support/engine/engine';
import { stopN8n } from '../support/engine/n8n';

const example = JSON.parse(fs.readFileSync(path.join(__dirname, '../../examples/sweep-idle-sessions.json'), 'utf8')) as WorkflowJson;
const MIN = 60_000;

let emu: RunningEmulator;
afterEach(async () => emu.close());
afterAll(async () => stopN8n());

/** What n8n's Schedule Trigger emits for a run. */
const scheduleItem = () => {
	const now = new Date();
	return { json: { timestamp: now.toISOString(), 'Readable date': now.toUTCString(), Timezone: 'UTC (UTC+00:00)' } };
};

function exampleN8n() {
	return new TestN8n(example, {
		infobipConversationsApi: { baseUrl: emu.url, authScheme: 'apiKey', apiKey: emu.apiKey, defaultAgentId: emu.botAgentId },
	});
}

describe.each(['full', 'documented'] as const)('in the %s profile', (profile) => {
	beforeEach(async () => {
		emu = await startEmulator({ profile: profile as EmulatorProfile, bot: { agentId: 'bot-1', sessionTimeoutSeconds: 7 * 86_400 } });
	});

	it('closes the idle bot conversations, reports through the If, and the next run finds nothing', async () => {
		const idle = emu.seed({ count: 3, lastMessageAgoMs: 45 * MIN }).conversationIds;
		const fresh = emu.seed({ count: 2, lastMessageAgoMs: 10 * MIN }).conversationIds;
		const human = emu.seed({ count: 1, lastMessageAgoMs: 45 * MIN, agentId: 'agent-alice' }).conversationIds;
		const n8n = exampleN8n();

		const execution = await n8n.run({ start: 'Every 5 minutes', data: [[scheduleItem()]] });
		expect(execution.error).toBeUndefined();
		expect(execution.order).toEqual(['Every 5 minutes', 'Sweep Idle Sessions', 'Failures or many closed?', 'Nothing to report']);
		const [summary] = execution.json('Sweep Idle Sessions');
		expect(summary).toMatchObject({ type: 'summary', candidates: 3, acted: 3, failed: 0, results: { closed: 3 }, dryRun: false });
		for (const id of idle) {
			expect(emu.state.conversations.get(id)!.status).toBe('CLOSED');
			// the run id starts with the execution id n8n gave this run
			expect(String(emu.state.metadata.get(id)?.idleSweep)).toMatch(/^Closed by n8n idle sweep at \S+Z after 4\d(\.\d)? min idle \(run \d+-[0-9a-f]{8}\)$/);
			expect(outboundCountOf(id)).toBe(1);
		}
		for (const id of [...fresh, ...human]) expect(emu.state.conversations.get(id)!.status).toBe('OPEN');
		if (profile === 'documented') expect(emu.state.requests.some((r) => r.method === 'PATCH' && r.status === 405)).toBe(true);

		const again = await n8n.run({ start: 'Every 5 minutes', data: [[scheduleItem()]] });
		expect(again.json('Sweep Idle Sessions')[0]).toMatchObject({ type: 'summary', candidates: 0, acted: 0 });
		expect(again.order).toContain('Nothing to report');
	});
});

it('50 or more closed: the alert text is prepared from the summary; the disabled Slack node passes it through', async () => {
	emu = await startEmulator({ bot: { agentId: 'bot-1', sessionTimeoutSeconds: 7 * 86_400 } });
	emu.seed({ count: 50, lastMessageAgoMs: 45 * MIN });
	const execution = await exampleN8n().run({ start: 'Every 5 minutes', data: [[scheduleItem()]] });
	expect(execution.error).toBeUndefined();
	expect(execution.order).toEqual(['Every 5 minutes', 'Sweep Idle Sessions', 'Failures or many closed?', 'Prepare alert text', 'Post to Slack (add credential, then enable)']);
	const [alert] = execution.json('Prepare alert text');
	expect(alert.text).toMatch(/^Infobip idle sweep \d+-[0-9a-f]{8}: 50 closed, 0 failed, 0 skipped of 50 idle conversations \(all done\)\. Results: \{"closed":50\}$/);
	expect(execution.json('Post to Slack (add credential, then enable)')).toEqual([alert]);
});

function outboundCountOf(id: string) {
	return (emu.state.messages.get(id) ?? []).filter((m) => m.direction === 'OUTBOUND').length;
}

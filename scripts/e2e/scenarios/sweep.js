// @ts-check
/**
 * Scheduled sweep: the shipped example (Schedule Trigger → Sweep Idle Sessions → IF → alert text → Slack (disabled)),
 * run twice in real n8n:
 *  - manually, with `n8n execute` (n8n stopped; the CLI cannot start at a Schedule Trigger, so a copy starts at a
 *    Manual Trigger and alerts from 5 closed instead of 50),
 *  - on a schedule: a copy firing every 5 seconds is activated; once n8n runs it closes a second batch of idle
 *    conversations, and its later runs find nothing left to do.
 */
const { loadExample, sleep } = require('../../lib/n8n');

const MANUAL_ID = 'e2eSweepManual1';
const SCHEDULED_ID = 'e2eSweepSched01';

async function prepare(ctx) {
	const { n8n } = ctx;
	const example = loadExample('sweep-idle-sessions.json');
	const trigger = example.nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger');
	if (!trigger || !example.nodes.some((n) => n.parameters.operation === 'sweepIdle')) throw new Error('examples/sweep-idle-sessions.json is not a scheduled sweep');

	const manual = JSON.parse(JSON.stringify(example));
	Object.assign(manual.nodes.find((n) => n.name === trigger.name), { type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} });
	manual.nodes.find((n) => n.type === 'n8n-nodes-base.if').parameters.conditions.conditions[1].rightValue = 5;

	const scheduled = JSON.parse(JSON.stringify(example));
	scheduled.nodes.find((n) => n.name === trigger.name).parameters = { rule: { interval: [{ field: 'seconds', secondsInterval: 5 }] } };

	await n8n.importWorkflow({ ...manual, id: MANUAL_ID, name: `${example.name} (manual)` });
	await n8n.importWorkflow({ ...scheduled, id: SCHEDULED_ID, name: `${example.name} (every 5 s)` });
	return { example };
}

const outbound = (emu, id) => (emu.state.messages.get(id) || []).filter((m) => m.direction === 'OUTBOUND');

/** n8n is stopped: run the manual copy from the CLI. */
async function offline(ctx) {
	const { n8n, emu, check } = ctx;
	const idle = emu.seed({ count: 7, lastMessageAgoMs: 45 * 60_000 }).conversationIds;
	const fresh = emu.seed({ count: 3, lastMessageAgoMs: 5 * 60_000 }).conversationIds;
	const out = await n8n.execute(MANUAL_ID);
	check('sweep (manual): execution finished with status success', /"status":\s*"success"/.test(out), out.slice(-500));
	check('sweep (manual): the 7 idle conversations are closed', idle.every((id) => emu.state.conversations.get(id).status === 'CLOSED'));
	check('sweep (manual): the 3 fresh ones are untouched', fresh.every((id) => emu.state.conversations.get(id).status === 'OPEN' && outbound(emu, id).length === 0));
	check('sweep (manual): one goodbye each, sent with the bot x-agent-id', idle.every((id) => outbound(emu, id).length === 1 && outbound(emu, id)[0].agentId === emu.botAgentId));
	check('sweep (manual): the IF routed the summary to the alert text', /7 closed, 0 failed, 0 skipped of 7 idle conversations/.test(out));
	// the second batch is for the schedule, once n8n runs
	ctx.sweepBatch = { idle: emu.seed({ count: 5, lastMessageAgoMs: 40 * 60_000 }).conversationIds, fresh };
	await n8n.activate(SCHEDULED_ID);
}

async function run(ctx) {
	const { n8n, emu, check } = ctx;
	const { idle, fresh } = ctx.sweepBatch;
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline && !idle.every((id) => emu.state.conversations.get(id).status === 'CLOSED')) await sleep(500);
	check('sweep (scheduled): the activated schedule closed the new idle conversations', idle.every((id) => emu.state.conversations.get(id).status === 'CLOSED'));
	const rows = await n8n.waitForExecutions(SCHEDULED_ID, (r) => r.length >= 3, { timeoutMs: 40_000 }).catch(() => []);
	check('sweep (scheduled): it ran again on schedule (≥ 3 runs) and every run succeeded', rows.length >= 3 && rows.every((r) => r.status === 'success' && r.mode === 'trigger'), JSON.stringify(rows));
	check('sweep (scheduled): later runs found nothing left to do (one goodbye each, fresh ones untouched)', idle.every((id) => outbound(emu, id).length === 1) && fresh.every((id) => emu.state.conversations.get(id).status === 'OPEN'));
}

module.exports = { prepare, offline, run };

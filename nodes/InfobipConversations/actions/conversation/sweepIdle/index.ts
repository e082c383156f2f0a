/**
 * Conversation → Sweep Idle Sessions: description.ts (its parameters), params.ts (read and checked once),
 * state.ts + run.ts (one run: SweepRun's steps and counters), model.ts (its constants and output items).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { resolveAgentId } from '../../../helpers/params';
import { readAssignee, readParams } from './params';
import { SweepRun } from './run';

export { description } from './description';
export { ACTION_ROUNDS_AFTER_MESSAGE, CLAIM_ATTEMPTS, CLAIM_TTL_MS } from './model';

/** The sweep runs once per execution, whatever the number of input items (see the operation's description). */
export const runsOnce = true;

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const startedAt = Date.now();
	const params = readParams(this, i);
	const botId = await resolveAgentId(this, i);
	const assignee = params.sweepAction === 'assign' ? readAssignee(this, i, botId) : '';
	return await new SweepRun(this, i, params, botId, assignee, startedAt).run();
}

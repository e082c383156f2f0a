import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { runKeyed } from '../helpers/concurrency';
import { MAX_REQUESTS_PER_SECOND, startPacing } from '../transport/pacer';
import * as conversation from './conversation';
import * as message from './message';
import { errorItem, toNodeError } from '../../shared/errors';

type Op = (this: IExecuteFunctions, i: number) => Promise<IDataObject[]>;
/** `runsOnce`: the operation runs once per execution with the first item's parameters (e.g. Sweep Idle Sessions). */
const resources: Record<string, Record<string, { execute: Op; runsOnce?: boolean }>> = {
	conversation: conversation.operations,
	message: message.operations,
};

/** "Max Requests per Second" of the node (first item; node-wide like Concurrency); 0 = no limit. */
export function maxRequestsPerSecond(ctx: IExecuteFunctions, collection: 'options' | 'sweepOptions'): number {
	const value = ctx.getNodeParameter(`${collection}.maxRequestsPerSecond`, 0, 0) as unknown;
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > MAX_REQUESTS_PER_SECOND) {
		throw new NodeOperationError(ctx.getNode(), `"Options → Max Requests per Second" must be a number from 0 to ${MAX_REQUESTS_PER_SECOND} (0 = no limit)`, {
			itemIndex: 0,
			description: `Got ${JSON.stringify(value)}. Set it to the requests-per-second limit of your Infobip account, or 0.`,
		});
	}
	return n;
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = resources[resource]?.[operation];
	if (!op) throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	// one pacer for all calls of this execution (Sweep Idle Sessions keeps its options in its own collection)
	startPacing(this, maxRequestsPerSecond(this, operation === 'sweepIdle' ? 'sweepOptions' : 'options'));
	if (op.runsOnce) {
		try {
			const out = await op.execute.call(this, 0);
			return [out.map((json) => ({ json, pairedItem: { item: 0 } }))];
		} catch (error) {
			if (this.continueOnFail()) return [[errorItem(this.getNode(), error, 0)]];
			throw toNodeError(this.getNode(), error, 0);
		}
	}
	const concurrency = (this.getNodeParameter('options.concurrency', 0, 5) as number) || 1;

	const tasks = items.map((_, i) => ({
		// items for the same conversation keep their order; others run in parallel
		key: String(this.getNodeParameter('conversationId', i, '') || `item-${i}`),
		run: async (): Promise<INodeExecutionData[]> => {
			try {
				const out = await op.execute.call(this, i);
				return out.map((json) => ({ json, pairedItem: { item: i } }));
			} catch (error) {
				if (this.continueOnFail()) return [errorItem(this.getNode(), error, i)];
				throw toNodeError(this.getNode(), error, i);
			}
		},
	}));
	const results = await runKeyed(tasks, concurrency);
	return [results.flat()];
}

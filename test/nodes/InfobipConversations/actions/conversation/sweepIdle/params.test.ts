/**
 * The sweep's parameters are named in errors by their labels in the editor, taken from the description (no second
 * list to keep in step with it).
 */
import { NodeOperationError } from 'n8n-workflow';

import { description } from '../../../../../../nodes/InfobipConversations/actions/conversation/sweepIdle/description';
import { LABELS, labelsOf, paramsSchema, readParams } from '../../../../../../nodes/InfobipConversations/actions/conversation/sweepIdle/params';
import { createExecuteContext } from '../../../../../support/n8nContext';

describe('Sweep Idle Sessions parameters', () => {
	it('every checked parameter has its label: top level as shown, a collection option as "Collection → Option"', () => {
		expect(Object.keys(paramsSchema.shape).filter((name) => !LABELS[name])).toEqual([]);
		expect(LABELS).toMatchObject({
			idleTimeoutMinutes: 'Idle Timeout (Minutes)',
			sweepAction: 'Action',
			channel: 'Filters → Channel',
			queueIds: 'Filters → Queue IDs',
			claimSettleMs: 'Options → Claim Settle Time (Ms)',
			maxRequestsPerSecond: 'Options → Max Requests per Second',
		});
		expect(labelsOf(description)).toEqual(LABELS);
		expect(LABELS.sweepNotice).toBeUndefined();
	});

	it('an out-of-range parameter stops the run naming its label', () => {
		const ctx = createExecuteContext({ parameters: { resource: 'conversation', operation: 'sweepIdle', sweepOptions: { pageSize: 1000 } } });
		expect(() => readParams(ctx, 0)).toThrow(NodeOperationError);
		expect(() => readParams(ctx, 0)).toThrow('"Options → Page Size" must be at most 999');
	});
});

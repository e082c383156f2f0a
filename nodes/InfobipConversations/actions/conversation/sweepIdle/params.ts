/**
 * The sweep's parameters: read once (first input item), checked with zod, and named in errors by their labels in
 * the editor, which are taken from the description (a collection's options as "Collection → Option").
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { CHANNELS } from '../../../../shared/infobip';
import { description } from './description';

export const paramsSchema = z.object({
	idleTimeoutMinutes: z.number({ invalid_type_error: 'must be a number' }).finite().min(1, 'must be at least 1 minute').max(525_600, 'must be at most a year'),
	statuses: z.array(z.enum(['OPEN', 'WAITING', 'SOLVED'])).min(1, 'choose at least one status'),
	sweepAction: z.enum(['close', 'route', 'assign', 'report']),
	messageText: z.string().max(4096, 'must be at most 4096 characters'),
	dryRun: z.boolean(),
	channel: z.enum(CHANNELS as [string, ...string[]]).optional(),
	queueIds: z.array(z.string().min(1)),
	claimKey: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'use 1–64 letters, digits, "_", "-" or "."'),
	claimSettleMs: z.number().int('must be a whole number').min(10, 'must be at least 10 ms').max(60_000, 'must be at most 60000 ms'),
	concurrency: z.number().int('must be a whole number').min(1, 'must be at least 1').max(20, 'must be at most 20'),
	maxConversations: z.number().int('must be a whole number').min(1, 'must be at least 1'),
	output: z.enum(['each', 'summary', 'both']),
	pageSize: z.number().int('must be a whole number').min(1, 'must be at least 1').max(999, 'must be at most 999'),
	maxRequestsPerSecond: z.number({ invalid_type_error: 'must be a number' }).finite().min(0, 'must be 0 (no limit) or more'),
});
export type SweepParams = z.infer<typeof paramsSchema>;

/** Parameter name → its label in the editor: "Idle Timeout (Minutes)", "Options → Claim Metadata Key". */
export function labelsOf(properties: INodeProperties[]): Record<string, string> {
	const labels: Record<string, string> = {};
	for (const property of properties) {
		if (property.type === 'notice') continue;
		if (property.type !== 'collection') {
			labels[property.name] = property.displayName;
			continue;
		}
		for (const option of (property.options ?? []) as INodeProperties[]) {
			labels[option.name] = `${property.displayName} → ${option.displayName}`;
		}
	}
	return labels;
}

export const LABELS = labelsOf(description);

/** The parameters of item `i`, with their defaults; a parameter out of range stops the run naming it. */
export function readParams(ctx: IExecuteFunctions, i: number): SweepParams {
	const filters = ctx.getNodeParameter('sweepFilters', i, {}) as IDataObject;
	const options = ctx.getNodeParameter('sweepOptions', i, {}) as IDataObject;
	const raw = {
		idleTimeoutMinutes: ctx.getNodeParameter('idleTimeoutMinutes', i, 30),
		statuses: ctx.getNodeParameter('statuses', i, ['OPEN']),
		sweepAction: ctx.getNodeParameter('sweepAction', i, 'close'),
		messageText: String(ctx.getNodeParameter('messageText', i, '') ?? '').trim(),
		dryRun: ctx.getNodeParameter('dryRun', i, false),
		channel: filters.channel ? String(filters.channel) : undefined,
		queueIds: String(filters.queueIds ?? '')
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean),
		claimKey: options.claimKey === undefined ? 'idleSweep' : String(options.claimKey).trim(),
		claimSettleMs: options.claimSettleMs ?? 1000,
		concurrency: options.concurrency ?? 5,
		maxConversations: options.maxConversations ?? 1000,
		output: options.output ?? 'each',
		pageSize: options.pageSize ?? 100,
		maxRequestsPerSecond: options.maxRequestsPerSecond ?? 0,
	};
	const parsed = paramsSchema.safeParse(raw);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const field = String(issue.path[0] ?? '');
		throw new NodeOperationError(ctx.getNode(), `"${LABELS[field] ?? field}" ${issue.message}`, {
			itemIndex: i,
			description: `Fix "${LABELS[field] ?? field}" of Sweep Idle Sessions.`,
		});
	}
	return parsed.data;
}

/** The agent who takes over (action Assign to Agent): a person, not the bot itself. */
export function readAssignee(ctx: IExecuteFunctions, i: number, botId: string): string {
	const assignee = String(ctx.getNodeParameter('assignee', i, '', { extractValue: true }) ?? '').trim();
	if (!assignee || assignee === botId) {
		throw new NodeOperationError(ctx.getNode(), assignee ? '"Agent" is the bot itself' : '"Agent" is empty', {
			itemIndex: i,
			description: 'Choose the agent (a person) who takes over the idle conversations.',
		});
	}
	return assignee;
}

import { randomUUID } from 'node:crypto';

import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { z } from 'zod';

import { MAX_ATTEMPTS } from '../../transport';
import {
	assignConversation,
	closeConversation,
	getConversation,
	listConversations,
	listMessages,
	mergeMetadata,
	readMetadata,
	routeConversation,
	sendMessage,
	type MergeOptions,
	type MetadataWritePath,
} from '../../transport/conversations';
import { pacingIntervalMs } from '../../transport/pacer';
import { sleep } from '../../transport/sleep';
import { resolveAgentId } from '../../helpers/params';
import {
	ServerClock,
	describeOutcome,
	formatClaim,
	formatInfobipTime,
	isForeignFreshClaim,
	lastActivity,
	mapBounded,
	parseInfobipTime,
	walkPages,
	type SweepAction,
} from '../../helpers/sweep';
import { CHANNELS } from '../../../shared/infobip';
import { concurrencyOption, maxRequestsPerSecondOption } from '../../helpers/options';
import { agentLocatorField } from './common';
import { toNodeError } from '../../../shared/errors';

/** The sweep runs once per execution, whatever the number of input items (see the operation's description). */
export const runsOnce = true;

/** A claim older than this is treated as left behind by a run that died, and may be taken over. */
export const CLAIM_TTL_MS = 10 * 60_000;
/** How often one conversation's claim is tried again when the API answered too slowly for a safe claim. */
export const CLAIM_ATTEMPTS = 3;

const show = { resource: ['conversation'], operation: ['sweepIdle'] };

export const description: INodeProperties[] = [
	{
		displayName:
			'Runs once per execution (parameters from the first input item): finds conversations idle with the bot for the Idle Timeout and acts on each at most once, even when two sweeps run at the same time.',
		name: 'sweepNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	{
		displayName: 'Bot Agent ID',
		name: 'agentId',
		type: 'string',
		default: '',
		displayOptions: { show },
		description:
			'The external bot whose conversations are swept: its UUID from the bot configuration page. Empty: the credential\'s Default Bot Agent ID.',
	},
	{
		displayName: 'Idle Timeout (Minutes)',
		name: 'idleTimeoutMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 30,
		required: true,
		displayOptions: { show },
		description: 'A conversation is idle when its last message (customer or bot) is at least this old, by the Infobip server\'s clock',
	},
	{
		displayName: 'Statuses',
		name: 'statuses',
		type: 'multiOptions',
		default: ['OPEN'],
		displayOptions: { show },
		options: [
			{ name: 'Open', value: 'OPEN' },
			{ name: 'Solved', value: 'SOLVED' },
			{ name: 'Waiting', value: 'WAITING' },
		],
		description: 'Which conversation statuses count',
	},
	{
		displayName: 'Action',
		name: 'sweepAction',
		type: 'options',
		default: 'close',
		displayOptions: { show },
		options: [
			{ name: 'Assign to Agent', value: 'assign', description: 'Assign each idle conversation directly to one agent' },
			{ name: 'Close', value: 'close', description: 'Set the status to CLOSED' },
			{ name: 'Report Only', value: 'report', description: 'Only list the idle conversations; change nothing' },
			{ name: 'Route to Agents', value: 'route', description: 'Hand off by routing rules; the bot stops receiving messages' },
		],
	},
	agentLocatorField({ show: { ...show, sweepAction: ['assign'] } }),
	{
		displayName: 'Message Before Acting',
		name: 'messageText',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		displayOptions: { show: { ...show, sweepAction: ['close', 'route', 'assign'] } },
		placeholder: 'e.g. We are closing this chat for now. Write again any time!',
		description:
			'Optional text sent to the customer as the bot (same channel, reply addresses from the last message) right before the action. Empty: no message.',
	},
	{
		displayName: 'Dry Run',
		name: 'dryRun',
		type: 'boolean',
		default: false,
		displayOptions: { show },
		description: 'Whether to only report what would be done, without claiming, messaging or changing any conversation',
	},
	{
		displayName: 'Filters',
		name: 'sweepFilters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Channel',
				name: 'channel',
				type: 'options',
				default: 'WHATSAPP',
				options: CHANNELS.map((c) => ({ name: c, value: c })),
				description: 'Only conversations whose last message is on this channel',
			},
			{
				displayName: 'Queue IDs',
				name: 'queueIds',
				type: 'string',
				default: '',
				description: 'Comma-separated queue IDs; only conversations in these queues',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'sweepOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Claim Metadata Key',
				name: 'claimKey',
				type: 'string',
				default: 'idleSweep',
				description:
					'Conversation metadata key used to claim a conversation (so concurrent sweeps never act twice) and, afterwards, to record what was done. Agents see it.',
			},
			{
				displayName: 'Claim Settle Time (Ms)',
				name: 'claimSettleMs',
				type: 'number',
				typeOptions: { minValue: 10, maxValue: 60000 },
				default: 1000,
				description:
					'How long a claim must stand before acting. A claim whose write took longer than half of this is retried, so keep it well above the API\'s response time.',
			},
			concurrencyOption('How many conversations are checked and acted on at once'),
			{
				displayName: 'Max Conversations per Run',
				name: 'maxConversations',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1000,
				description: 'Stop after this many idle conversations (the oldest first); the next run continues',
			},
			maxRequestsPerSecondOption('the sweep makes per second', '; the Claim Settle Time is then lengthened by the pacing wait. 0: no limit'),
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				default: 'each',
				options: [
					{ name: 'Each Conversation', value: 'each', description: 'One item per idle conversation' },
					{ name: 'Summary Only', value: 'summary', description: 'One item with counts, always (good for alerting)' },
					{ name: 'Both', value: 'both', description: 'One item per idle conversation, then the summary item' },
				],
			},
			{
				displayName: 'Page Size',
				name: 'pageSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 999 },
				default: 100,
				description: 'Conversations listed per request (Infobip allows up to 999)',
			},
		],
	},
];

const paramsSchema = z.object({
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
type SweepParams = z.infer<typeof paramsSchema>;

const LABELS: Record<string, string> = {
	idleTimeoutMinutes: 'Idle Timeout (Minutes)',
	statuses: 'Statuses',
	sweepAction: 'Action',
	messageText: 'Message Before Acting',
	dryRun: 'Dry Run',
	channel: 'Filters → Channel',
	queueIds: 'Filters → Queue IDs',
	claimKey: 'Options → Claim Metadata Key',
	claimSettleMs: 'Options → Claim Settle Time (Ms)',
	concurrency: 'Options → Concurrency',
	maxConversations: 'Options → Max Conversations per Run',
	output: 'Options → Output',
	pageSize: 'Options → Page Size',
	maxRequestsPerSecond: 'Options → Max Requests per Second',
};

function readParams(ctx: IExecuteFunctions, i: number): SweepParams {
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

type Result =
	| 'closed'
	| 'routed'
	| 'assigned'
	| 'reported'
	| 'already-closed'
	| 'would-close'
	| 'would-route'
	| 'would-assign'
	| 'skipped-active'
	| 'skipped-claimed'
	| 'skipped-changed'
	| 'failed';

const PAST: Record<Exclude<SweepAction, 'report'>, Result> = { close: 'closed', route: 'routed', assign: 'assigned' };

interface Candidate {
	conversation: IDataObject;
	lastMessage: IDataObject | undefined;
	item: IDataObject;
	idleMinutes: number;
}

function isoTime(value: unknown): string | undefined {
	const t = parseInfobipTime(value);
	return t === undefined ? undefined : new Date(t).toISOString();
}

function errorText(error: unknown): string {
	const e = error as { message?: string; description?: string };
	return [e.message, e.description].filter(Boolean).join(' — ');
}

function httpCode(error: unknown): string | undefined {
	return error instanceof NodeApiError ? String(error.httpCode ?? '') : undefined;
}

/** Rounds of the transport's retries for the (idempotent) action after the message went out: the customer was told, so finishing matters. */
export const ACTION_ROUNDS_AFTER_MESSAGE = 3;

/** Whether `a` is not older than `b` (by createdAt; unknown times count as in order). */
function newestFirst(a: IDataObject, b: IDataObject): boolean {
	const ta = parseInfobipTime(a.createdAt);
	const tb = parseInfobipTime(b.createdAt);
	return ta === undefined || tb === undefined || ta >= tb;
}

function textOf(message: IDataObject | undefined): string | undefined {
	const content = message?.content as IDataObject | undefined;
	return typeof content?.text === 'string' ? content.text : undefined;
}

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const startedAt = Date.now();
	const p = readParams(this, i);
	const botId = await resolveAgentId(this, i);
	const action = p.sweepAction as SweepAction;
	let assignee = '';
	if (action === 'assign') {
		assignee = String(this.getNodeParameter('assignee', i, '', { extractValue: true }) ?? '').trim();
		if (!assignee || assignee === botId) {
			throw new NodeOperationError(this.getNode(), assignee ? '"Agent" is the bot itself' : '"Agent" is empty', {
				itemIndex: i,
				description: 'Choose the agent (a person) who takes over the idle conversations.',
			});
		}
	}
	const acting = action !== 'report' && !p.dryRun;
	// With "Max Requests per Second", a claim's read and write may each wait behind the other workers' calls for a
	// start slot (at most `concurrency` slots): the settle time grows by twice that, so the claim rule below still
	// holds for a claim written as fast as the API allows, and the wait after it still covers any rival's claim.
	const pacingAllowanceMs = p.maxRequestsPerSecond > 0 ? Math.ceil(4 * p.concurrency * pacingIntervalMs(p.maxRequestsPerSecond)) : 0;
	const settleMs = p.claimSettleMs + pacingAllowanceMs;
	const timeoutMs = p.idleTimeoutMinutes * 60_000;
	const runId = `${String(this.getExecutionId?.() ?? 'manual').replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40)}-${randomUUID().slice(0, 8)}`;
	const clock = new ServerClock();

	// every answer feeds the server clock; metadata calls go through transport/metadata.ts (PATCH, or GET + PUT where
	// the account refuses PATCH). A conversation without metadata (404 on GET) has no claim.
	const observed: MergeOptions = { onHeaders: (headers) => clock.observe(headers.date) };
	const writePaths = new Set<MetadataWritePath>();
	const writeMetadata = async (id: string, values: IDataObject, current?: IDataObject): Promise<void> => {
		const { writePath } = await mergeMetadata(this, id, values, { ...observed, ...(current ? { current } : {}) });
		writePaths.add(writePath);
	};
	/**
	 * The newest message. Two are asked for, newest first: if the answer is not newest first (a server that ignores
	 * orderBy), the newest is read from the last page of the default order instead, so the sweep never judges a
	 * conversation by an old message and acts early.
	 */
	const lastMessageOf = async (id: string): Promise<IDataObject | undefined> => {
		const body = await listMessages(this, id, { limit: 2, orderBy: 'createdAt:desc' }, observed);
		const messages = (body.messages as IDataObject[] | undefined) ?? [];
		if (messages.length < 2 || newestFirst(messages[0], messages[1])) return messages[0];
		const total = Number((body.pagination as IDataObject | undefined)?.totalItems);
		if (!Number.isInteger(total) || total < 1) return messages.reduce((a, b) => (newestFirst(a, b) ? a : b));
		const last = await listMessages(this, id, { limit: 1, page: total - 1 }, observed);
		return ((last.messages as IDataObject[] | undefined) ?? [])[0] ?? messages[0];
	};

	// Probe: checks the credential and the filters, and gives the server's clock before anything is listed.
	await listConversations(this, { agentId: botId, status: p.statuses[0], limit: 1 }, observed);
	const serverStart = clock.now();
	const cutoff = serverStart - timeoutMs;

	const results: Partial<Record<Result, number>> = {};
	const items: IDataObject[] = [];
	const keepItems = p.output !== 'summary';
	let scanned = 0;
	let candidates = 0;
	let notIdle = 0;
	let otherChannel = 0;
	let pageReads = 0;
	let guardTripped = false;
	let limitReached = false;

	const finish = (item: IDataObject, result: Result, extra: IDataObject = {}): void => {
		results[result] = (results[result] ?? 0) + 1;
		if (keepItems) items.push({ ...item, result, ...extra });
	};

	/** Phase 1: idle check; when acting, the claim (read metadata → write our claim, within half the settle time). */
	const inspect = async (conversation: IDataObject): Promise<{ stays: boolean; claimed?: Candidate & { claim: string; writtenAt: number } }> => {
		const id = String(conversation.id);
		scanned++;
		let lastMessage: IDataObject | undefined;
		try {
			lastMessage = await lastMessageOf(id);
		} catch (error) {
			if (candidates >= p.maxConversations) return { stays: true };
			candidates++;
			finish({ type: 'conversation', conversationId: id, action, dryRun: p.dryRun, runId }, 'failed', { error: errorText(error) });
			return { stays: true };
		}
		const channel = lastMessage?.channel ? String(lastMessage.channel) : null;
		if (p.channel && channel !== p.channel) {
			otherChannel++;
			return { stays: true };
		}
		const activity = lastActivity(lastMessage, conversation, clock.now());
		if (!activity || activity.idleMs < timeoutMs) {
			notIdle++;
			return { stays: true };
		}
		if (candidates >= p.maxConversations) {
			limitReached = true;
			return { stays: true };
		}
		candidates++;
		const idleMinutes = Math.floor(activity.idleMs / 6000) / 10;
		const item: IDataObject = {
			type: 'conversation',
			conversationId: id,
			lastActivityAt: new Date(activity.at).toISOString(),
			idleMinutes,
			channel,
			status: conversation.status ?? null,
			queueId: conversation.queueId ?? null,
			action,
			dryRun: p.dryRun,
			messageSent: false,
			runId,
		};
		if (action === 'report') {
			finish(item, 'reported');
			return { stays: true };
		}
		if (p.dryRun) {
			finish(item, `would-${action}` as Result, p.messageText ? { wouldSendMessage: true } : {});
			return { stays: true };
		}
		try {
			for (let attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt++) {
				const readStarted = performance.now();
				const metadata = await readMetadata(this, id, observed);
				const current = metadata[p.claimKey];
				if (isForeignFreshClaim(current, runId, clock.now(), CLAIM_TTL_MS)) {
					finish(item, 'skipped-claimed', { reason: `claimed by another sweep run (${String(current)})` });
					return { stays: true };
				}
				const claim = formatClaim(runId, clock.now());
				// GET + PUT mode: the PUT carries the metadata just read (no second GET), so the timing rule below
				// still measures read → write
				await writeMetadata(id, { [p.claimKey]: claim }, metadata);
				const writtenAt = performance.now();
				// Fischer's condition: our write landed less than the settle time after the read that saw no claim
				if (writtenAt - readStarted <= settleMs / 2) {
					return { stays: false, claimed: { conversation, lastMessage, item, idleMinutes, claim, writtenAt } };
				}
			}
		} catch (error) {
			finish(item, 'failed', { error: errorText(error) });
			return { stays: true };
		}
		finish(item, 'skipped-claimed', {
			reason: `the claim could not be written within half the Claim Settle Time (${settleMs / 2} ms) in ${CLAIM_ATTEMPTS} attempts; left for a later run`,
		});
		return { stays: true };
	};

	/** Phase 2 (after the settle time): the claim is still ours, nothing changed; message; action; record. */
	const act = async (c: Candidate & { claim: string }): Promise<boolean> => {
		const id = String(c.conversation.id);
		try {
			const [metadata, newest, now] = await Promise.all([
				readMetadata(this, id, observed),
				lastMessageOf(id),
				getConversation(this, id, observed),
			]);
			const holder = metadata[p.claimKey];
			if (holder !== c.claim) {
				finish(c.item, 'skipped-claimed', { reason: `another sweep run claimed it at the same time (${String(holder)})` });
				return true;
			}
			if (String(newest?.id ?? '') !== String(c.lastMessage?.id ?? '')) {
				finish(c.item, 'skipped-active', {
					reason: 'a new message arrived after the conversation was listed',
					lastActivityAt: isoTime(newest?.createdAt) ?? c.item.lastActivityAt,
				});
				return true;
			}
			if (now.status === 'CLOSED' || now.agentId !== botId || !p.statuses.includes(String(now.status) as never)) {
				finish(c.item, 'skipped-changed', {
					reason: `the conversation changed after listing (status ${String(now.status)}, agent ${String(now.agentId ?? 'none')})`,
				});
				return true;
			}
		} catch (error) {
			finish(c.item, 'failed', { error: errorText(error) });
			return true;
		}

		const extra: IDataObject = {};
		const last = c.lastMessage;
		// an earlier run sent this very message and then failed to act: finish without saying it twice
		const alreadySaid =
			!!p.messageText && last?.direction === 'OUTBOUND' && String(last.authorId ?? last.agentId ?? botId) === botId && textOf(last) === p.messageText;
		if (alreadySaid) {
			extra.reason = 'the message is already the last one in the conversation (sent by an earlier run); not sent again';
		} else if (p.messageText) {
			if (last?.from && last.to && last.channel) {
				const inbound = last.direction !== 'OUTBOUND';
				try {
					await sendMessage(this, {
						conversationId: id,
						agentId: botId,
						from: String(inbound ? last.to : last.from),
						to: String(inbound ? last.from : last.to),
						channel: String(last.channel),
						contentType: 'TEXT',
						content: { text: p.messageText },
						notBefore: clock.now() - 5000,
					});
					extra.messageSent = true;
				} catch (error) {
					finish(c.item, 'failed', { error: `Message not sent, conversation left as it was: ${errorText(error)}` });
					return true;
				}
			} else {
				extra.reason = 'no earlier message to take the customer address from; acted without sending the message';
			}
		}

		let result: Result = PAST[action as Exclude<SweepAction, 'report'>];
		// close, route and assign are idempotent; once the customer has the message, keep trying a little longer
		const attempts = (extra.messageSent || alreadySaid ? ACTION_ROUNDS_AFTER_MESSAGE : 1) * MAX_ATTEMPTS;
		try {
			if (action === 'close') {
				await closeConversation(this, id, { ...observed, attempts });
			} else if (action === 'route') {
				await routeConversation(this, id, { ...observed, attempts });
			} else {
				await assignConversation(this, id, assignee, { ...observed, attempts });
			}
		} catch (error) {
			let closed = false;
			if (httpCode(error) === '400' && action !== 'assign') {
				closed = await getConversation(this, id)
					.then((conv) => conv.status === 'CLOSED')
					.catch(() => false);
			}
			if (!closed) {
				const note = extra.messageSent
					? ' (the message was sent; once the conversation is idle again a later run finishes it without sending the message twice)'
					: '';
				finish(c.item, 'failed', { ...extra, error: errorText(error) + note });
				return true;
			}
			result = 'already-closed';
		}
		if (result !== 'already-closed') {
			const record = describeOutcome(action as Exclude<SweepAction, 'report'>, clock.now(), c.idleMinutes, runId, assignee);
			try {
				await writeMetadata(id, { [p.claimKey]: record });
			} catch (error) {
				extra.recordError = errorText(error);
			}
		}
		finish(c.item, result, extra);
		return false;
	};

	const processPage = async (page: IDataObject[]): Promise<string[]> => {
		const inspected = await mapBounded(page, p.concurrency, inspect);
		const stay = page.filter((_, k) => inspected[k].stays).map((c) => String(c.id));
		const claimed = inspected.flatMap((r) => (r.claimed ? [r.claimed] : []));
		if (claimed.length) {
			// one wait for the whole page: each claim must stand the settle time after its write
			const latest = Math.max(...claimed.map((c) => c.writtenAt));
			await sleep(Math.max(0, latest + settleMs - performance.now()));
			const remains = await mapBounded(claimed, p.concurrency, act);
			claimed.forEach((c, k) => remains[k] && stay.push(String(c.conversation.id)));
		}
		return stay;
	};

	for (const status of p.statuses) {
		if (limitReached || candidates >= p.maxConversations) break;
		const qs: IDataObject = {
			agentId: botId,
			status,
			updatedBefore: formatInfobipTime(cutoff),
			orderBy: 'updatedAt:asc',
			limit: p.pageSize,
			...(p.queueIds.length ? { queueIds: p.queueIds } : {}),
		};
		try {
			const walk = await walkPages<IDataObject & { id: string }>({
				pageSize: p.pageSize,
				mutating: acting,
				fetchPage: async (page) => {
					const body = await listConversations(this, { ...qs, page }, observed);
					const total = (body.pagination as IDataObject | undefined)?.totalItems;
					return {
						items: ((body.conversations as Array<IDataObject & { id: string }> | undefined) ?? []).filter((c) => c && c.id),
						totalItems: typeof total === 'number' ? total : undefined,
					};
				},
				process: processPage,
				shouldStop: () => limitReached || candidates >= p.maxConversations,
			});
			pageReads += walk.pageReads;
			guardTripped ||= walk.guardTripped;
		} catch (error) {
			// a listing error stops the run; say what was already done
			const done = Object.entries(results).map(([k, v]) => `${k}: ${v}`).join(', ') || 'nothing';
			const failure = toNodeError(this.getNode(), error, i);
			failure.description = [failure.description, `Listing the conversations failed; before that this run did: ${done} (run ${runId}).`]
				.filter(Boolean)
				.join('\n');
			throw failure;
		}
	}
	if (candidates >= p.maxConversations) limitReached = true;

	const count = (...r: Result[]) => r.reduce((n, k) => n + (results[k] ?? 0), 0);
	const summary: IDataObject = {
		type: 'summary',
		runId,
		dryRun: p.dryRun,
		action,
		botAgentId: botId,
		idleTimeoutMinutes: p.idleTimeoutMinutes,
		statuses: p.statuses,
		serverTime: new Date(serverStart).toISOString(),
		clockSource: clock.source,
		updatedBefore: new Date(cutoff).toISOString(),
		scanned,
		candidates,
		acted: count('closed', 'routed', 'assigned'),
		wouldAct: count('would-close', 'would-route', 'would-assign'),
		failed: count('failed'),
		skipped: count('skipped-active', 'skipped-claimed', 'skipped-changed'),
		results,
		notIdle,
		otherChannel,
		limitReached,
		pageReads,
		// how this run wrote metadata (claims, records): null when it wrote none
		metadataWritePath: writePaths.has('GET+PUT') ? 'GET+PUT' : writePaths.has('PATCH') ? 'PATCH' : null,
		...(pacingAllowanceMs ? { maxRequestsPerSecond: p.maxRequestsPerSecond, claimSettleMs: settleMs } : {}),
		...(guardTripped ? { warning: 'The paging guard stopped the run early; the next run continues.' } : {}),
		...(this.getInputData().length > 1 ? { note: `Ran once for ${this.getInputData().length} input items (parameters from the first).` } : {}),
		durationMs: Date.now() - startedAt,
	};
	if (p.output === 'summary') return [summary];
	return p.output === 'both' ? [...items, summary] : items;
}

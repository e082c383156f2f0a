import { z } from 'zod';

import type { NormalizedMessage } from './inbound';

/**
 * Strict Validation (an option, off by default): the message Infobip POSTs to an external chatbot's Bot URL must
 * have the full shape of a message of the Conversations Messages API, every field present, or it is refused
 * with 400. Unknown extra fields are kept (they stay in the raw `payload` of the item). `createdAt` is only
 * required to be a non-empty string. Without the option the trigger reads messages liberally (inbound.ts).
 */
const nonEmpty = z.string().min(1);

export const inboundMessageSchema = z
	.object({
		conversationId: nonEmpty,
		id: nonEmpty,
		from: nonEmpty,
		to: nonEmpty,
		channel: nonEmpty,
		direction: z.literal('INBOUND'),
		contentType: nonEmpty,
		content: z.record(z.unknown()),
		createdAt: nonEmpty,
	})
	.passthrough()
	.superRefine((message, ctx) => {
		if (message.contentType === 'TEXT' && typeof message.content?.text !== 'string') {
			ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['content', 'text'], message: 'must be a string for a TEXT message' });
		}
	});

export type PayloadResult = { ok: true; value: NormalizedMessage } | { ok: false; field: string; reason: string };

function describe(issue: z.ZodIssue): string {
	switch (issue.code) {
		case z.ZodIssueCode.invalid_type:
			if (issue.received === 'undefined') return 'is required';
			return `must be ${issue.expected === 'object' || issue.expected === 'array' ? 'an' : 'a'} ${issue.expected} (got ${issue.received})`;
		case z.ZodIssueCode.invalid_literal:
			return `must be ${JSON.stringify(issue.expected)}; this trigger only accepts inbound customer messages`;
		case z.ZodIssueCode.too_small:
			return 'must not be empty';
		default:
			return issue.message;
	}
}

/** Checks a parsed JSON body against the full inbound-message shape; on failure names the first bad field. */
export function parseStrictMessage(body: unknown): PayloadResult {
	if (body === null || typeof body !== 'object' || Array.isArray(body)) {
		return { ok: false, field: '(body)', reason: 'The request body must be a JSON object (one inbound message)' };
	}
	const parsed = inboundMessageSchema.safeParse(body);
	if (parsed.success) {
		const { conversationId, id, from, to, channel, direction, contentType, content, createdAt } = parsed.data;
		return {
			ok: true,
			value: {
				message: { conversationId, id, from, to, channel, direction, contentType, content, createdAt },
				derived: [],
				deduplication: 'messageId',
				raw: body as Record<string, unknown>,
			},
		};
	}
	const issue = parsed.error.issues[0];
	const field = issue.path.join('.') || '(body)';
	return { ok: false, field, reason: `${field} ${describe(issue)}` };
}

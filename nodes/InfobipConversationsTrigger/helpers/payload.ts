import { z } from 'zod';

/**
 * The message Infobip POSTs to an external chatbot's Bot URL: the same shape as a message of the
 * Conversations Messages API. Unknown extra fields are kept (they stay in the raw `payload` of the item).
 * `createdAt` is only required to be a non-empty string: rejecting a real message over a timestamp format
 * would lose it (Infobip does not redeliver after a 4xx).
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

export type InboundMessage = z.infer<typeof inboundMessageSchema>;

export type PayloadResult = { ok: true; message: InboundMessage } | { ok: false; field: string; reason: string };

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

/** Checks a parsed JSON body against the inbound-message shape; on failure names the first bad field. */
export function parseInboundMessage(body: unknown): PayloadResult {
	if (body === null || typeof body !== 'object' || Array.isArray(body)) {
		return { ok: false, field: '(body)', reason: 'The request body must be a JSON object (one inbound message)' };
	}
	const parsed = inboundMessageSchema.safeParse(body);
	if (parsed.success) return { ok: true, message: parsed.data };
	const issue = parsed.error.issues[0];
	const field = issue.path.join('.') || '(body)';
	return { ok: false, field, reason: `${field} ${describe(issue)}` };
}

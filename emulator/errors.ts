/** The errors the emulator answers, in Infobip's two error shapes. */
import type { z } from 'zod';

export class HttpError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly messageId = 'BAD_REQUEST',
		readonly validationErrors?: Record<string, string[]>,
		/** extra response headers (Retry-After of a 429, Allow of a 405) */
		readonly headers: Record<string, string> = {},
	) {
		super(message);
	}
}

export const notFound = (text = 'Not found') => new HttpError(404, text, 'NOT_FOUND');
export const methodNotAllowed = (allow?: string) => new HttpError(405, 'Method not allowed', 'METHOD_NOT_ALLOWED', undefined, allow ? { allow } : {});
export const tooManyRequests = (retryAfterSeconds: number) =>
	new HttpError(429, 'Too many requests', 'TOO_MANY_REQUESTS', undefined, { 'retry-after': String(retryAfterSeconds) });
export const generalError = () => new HttpError(500, 'Something went wrong. Please contact support.', 'GENERAL_ERROR');

/** Infobip's two error shapes: 400 on CCaaS is {statusCode, message}; others are requestError/serviceException. */
export function errorBody(e: HttpError) {
	const details = e.validationErrors ? { validationErrors: e.validationErrors } : {};
	if (e.status === 400) return { statusCode: 'ERROR', message: e.message, ...details };
	return { requestError: { serviceException: { messageId: e.messageId, text: e.message, ...details } } };
}

/** zod's issues by field path ('body' for the whole value), as validationErrors. */
export function zodErrors(error: z.ZodError): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	for (const issue of error.issues) (out[issue.path.join('.') || 'body'] ??= []).push(issue.message);
	return out;
}

/**
 * `schema`'s output for `input`, or a 400 with `message` and the fields that are wrong (validationErrors; a
 * function `message` is given them as text, e.g. "channel (Required), enabled (Expected boolean, received string)").
 */
export function parseOr400<S extends z.ZodTypeAny>(schema: S, input: unknown, message: string | ((fields: string) => string)): z.output<S> {
	const parsed = schema.safeParse(input);
	if (parsed.success) return parsed.data;
	const errors = zodErrors(parsed.error);
	const text = typeof message === 'string' ? message : message(Object.entries(errors).map(([field, why]) => `${field} (${why.join('; ')})`).join(', '));
	throw new HttpError(400, text, 'BAD_REQUEST', errors);
}

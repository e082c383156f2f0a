/**
 * Network failures as both transports see them: the error code of a failed request (Node's `E…`, undici's `UND_…`,
 * axios' `ERR_…`), found on the error or its causes, or read from the message when only the text has it.
 */

/** Codes that prove the request never reached the server (safe to send again). */
export const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
/** Codes after which the server may or may not have processed the request. */
export const AMBIGUOUS_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'UND_ERR_SOCKET']);

const CODE = /^(E[A-Z_]+|ERR_[A-Z_]+|UND_[A-Z_]+)$/;
const IN_MESSAGE = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ECONNABORTED|ENOTFOUND|EAI_AGAIN|EPIPE|EHOSTUNREACH)\b/;

export function networkCode(error: unknown): string | undefined {
	let e = error as { code?: unknown; cause?: unknown } | undefined;
	for (let depth = 0; e && depth < 6; depth++) {
		if (typeof e.code === 'string' && CODE.test(e.code)) return e.code;
		e = e.cause as typeof e;
	}
	const msg = String((error as Error)?.message ?? '');
	const m = IN_MESSAGE.exec(msg);
	if (m) return m[1];
	if (/socket hang up/i.test(msg)) return 'ECONNRESET';
	if (/timeout/i.test(msg)) return 'ETIMEDOUT';
	return undefined;
}

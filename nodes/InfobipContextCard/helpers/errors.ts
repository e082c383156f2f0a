/**
 * Why a card call failed, in the shape the Fallback card sees as `error` ({ message, status, code }). Pure.
 */

export type CallErrorCode = 'TIMEOUT' | 'HTTP_STATUS' | 'REDIRECT' | 'TOO_LARGE' | 'INVALID_JSON' | 'NETWORK' | 'CANCELLED';

export class CardCallError extends Error {
	constructor(
		message: string,
		readonly code: CallErrorCode,
		readonly status: number | null = null,
		/** what to do about it (goes into the n8n error description) */
		readonly hint = '',
	) {
		super(message);
		this.name = 'CardCallError';
	}

	toScope(): { message: string; status: number | null; code: CallErrorCode } {
		return { message: this.message, status: this.status, code: this.code };
	}
}

const REASONS: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	408: 'Request Timeout',
	409: 'Conflict',
	422: 'Unprocessable Entity',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

export function statusError(status: number, location?: string): CardCallError {
	if (status >= 300 && status < 400) {
		return new CardCallError(
			`The webhook answered HTTP ${status} (redirect${location ? ` to ${location}` : ''}), which is not followed`,
			'REDIRECT',
			status,
			'Put the final address into "Webhook URL": redirects are not followed, so credentials are never sent to another address.',
		);
	}
	const reason = REASONS[status] ? ` ${REASONS[status]}` : '';
	let hint = '';
	if (status === 401 || status === 403) hint = 'Check the credential selected under "Authentication" and its permissions.';
	else if (status === 404) hint = 'Check the Webhook URL and the conversation values inserted into it.';
	else if (status === 429) hint = 'The endpoint is rate limiting: enable Options → "Cache TTL" to call it less often.';
	else if (status >= 500) hint = 'The endpoint had a server error; try again later or add a Fallback Card.';
	return new CardCallError(`The webhook answered HTTP ${status}${reason}`, 'HTTP_STATUS', status, hint);
}

export function timeoutError(timeoutMs: number): CardCallError {
	return new CardCallError(
		`The webhook did not answer completely within ${timeoutMs} ms`,
		'TIMEOUT',
		null,
		'Raise Options → "Timeout" or make the endpoint faster; agents are waiting for the card.',
	);
}

export function tooLargeError(limitBytes: number): CardCallError {
	return new CardCallError(
		`The webhook response is larger than the limit of ${limitBytes.toLocaleString('en-US')} bytes; reading stopped`,
		'TOO_LARGE',
		null,
		'Ask the endpoint for less data (e.g. fields=… or maxResults=1) or raise Options → "Response Size Limit".',
	);
}

export function networkError(origin: string, code: string | undefined): CardCallError {
	return new CardCallError(
		`Could not reach ${origin} (${code ?? 'network error'})`,
		'NETWORK',
		null,
		'Check the host in "Webhook URL" and that n8n can reach it (DNS, firewall, proxy).',
	);
}

export function invalidJsonError(detail: string): CardCallError {
	return new CardCallError(
		`The webhook response is not valid JSON (${detail})`,
		'INVALID_JSON',
		null,
		'Set Options → "Response Format" to Auto or Text if the endpoint answers with text or HTML.',
	);
}

/** The network error code of a failed call (nodes/shared/network.ts); only the code is ever shown, never the message. */
export { networkCode } from '../../shared/network';

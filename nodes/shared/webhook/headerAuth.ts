import { createHash, timingSafeEqual } from 'node:crypto';
import type { HeaderMap } from './http';

/** The credential's default header name (what Infobip's "Authorization header" setting sends). */
export const DEFAULT_HEADER_NAME = 'Authorization';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * The value of one request header, as Node exposes it (names are lower-cased; a repeated header other than
 * Set-Cookie arrives joined with ", " or, for a few names, as an array).
 */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
	const raw = headers[name.trim().toLowerCase()];
	if (raw === undefined) return undefined;
	return Array.isArray(raw) ? raw.join(', ') : String(raw);
}

/**
 * Whether the request carries the expected header value. Compared in constant time over SHA-256 digests, so
 * neither the content nor the length of the secret leaks through timing. A missing header never matches.
 * An empty expected value never matches either (a credential without a value must not open the door).
 */
export function verifyHeader(headers: HeaderMap, name: string, expected: string): boolean {
	const actual = headerValue(headers, name || DEFAULT_HEADER_NAME);
	if (actual === undefined || expected === '') return false;
	return timingSafeEqual(sha256(actual), sha256(expected));
}

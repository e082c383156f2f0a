import { attempt } from './attempt';

/**
 * Normalises the account's personal Infobip base URL as users paste it:
 * `xyz.api.infobip.com`, `https://xyz.api.infobip.com/`, `http://127.0.0.1:4010` (the local emulator).
 * A URL without a scheme gets `https://`; trailing slashes are trimmed. Paths other than `/` are rejected,
 * because every endpoint path is appended by the transport.
 */
export function normalizeBaseUrl(input: unknown): string {
	if (typeof input !== 'string' || input.trim() === '') {
		throw new Error('The Infobip base URL is empty. Copy your personal base URL (e.g. xyz.api.infobip.com) from the Infobip portal into the credential.');
	}
	let value = input.trim();
	if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) value = `https://${value}`;
	const parsed = attempt(() => new URL(value));
	if (!parsed.ok) throw new Error(`The Infobip base URL "${input}" is not a valid URL. Use the form xyz.api.infobip.com.`);
	const url = parsed.value;
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new Error(`The Infobip base URL must use https (or http for a local emulator), not "${url.protocol}".`);
	}
	if (url.username || url.password || url.search || url.hash) {
		throw new Error('The Infobip base URL must not contain credentials, a query or a fragment.');
	}
	const path = url.pathname.replace(/\/+$/, '');
	return `${url.protocol}//${url.host}${path}`;
}

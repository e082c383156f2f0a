/**
 * The webhook's answer as the card sees it (`response`): decoded by its charset and parsed by Response Format. Pure.
 */
import { invalidJsonError } from './errors';

export type ResponseFormat = 'auto' | 'json' | 'text';

function decode(body: Buffer, contentType: string): string {
	const charset = /charset="?([\w-]+)"?/i.exec(contentType)?.[1];
	if (charset && !/^utf-?8$/i.test(charset)) {
		try {
			return new TextDecoder(charset).decode(body);
		} catch {
			// unknown charset label: fall back to UTF-8
		}
	}
	return body.toString('utf8');
}

/** Text, or JSON (Auto: when the content type says so or the text looks like it; JSON: or an INVALID_JSON failure). */
export function parseResponse(res: { body: Buffer; headers: Record<string, string> }, format: ResponseFormat): unknown {
	const contentType = res.headers['content-type'] ?? '';
	const text = decode(res.body, contentType);
	if (format === 'text') return text;
	if (format === 'json') {
		if (!text.trim()) return null;
		try {
			return JSON.parse(text);
		} catch (error) {
			throw invalidJsonError((error as Error).message);
		}
	}
	if (!text.trim()) return null;
	if (/json/i.test(contentType) || /^\s*[[{]/.test(text)) {
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	}
	return text;
}

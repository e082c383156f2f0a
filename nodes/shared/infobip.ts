/**
 * What belongs to Infobip Conversations itself and is used by several nodes: channels, statuses, priorities and
 * the timestamp formats of the API. Sources: docs/infobip-api-notes.md.
 */

/** The channels *Create message* accepts (the OpenAPI enum of its request body). */
export const CHANNELS = [
	'WHATSAPP',
	'SMS',
	'VIBER',
	'VIBER_BOT',
	'FACEBOOK_MESSENGER',
	'INSTAGRAM_MESSAGING',
	'LIVE_CHAT',
	'TELEGRAM',
	'LINE',
	'RCS',
	'APPLE_BUSINESS_CHAT',
	'KAKAO_SANGDAM',
	'EMAIL',
];

export const STATUS_VALUES = ['OPEN', 'WAITING', 'SOLVED', 'CLOSED'] as const;
export const PRIORITY_VALUES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const;

/** "OPEN" → "Open": how the editor lists enum values. */
export const titleCase = (value: string) => value[0] + value.slice(1).toLowerCase();

/** Infobip writes `…+0000` (and sometimes `…+00:00` or `Z`); Date.parse needs the colon form. */
export function parseInfobipTime(value: unknown): number | undefined {
	if (typeof value !== 'string' || !value) return undefined;
	const t = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
	return Number.isFinite(t) ? t : undefined;
}

/** `yyyy-MM-dd'T'HH:mm:ss.SSS+0000`, the timestamp format of the API's list filters. */
export function formatInfobipTime(ms: number | string): string {
	return new Date(ms).toISOString().replace('Z', '+0000');
}

/** Everything that differs between the emulator's two profiles, except the refused PATCH …/metadata (routes.ts). */
import { HttpError } from './errors';
import type { Message } from './types';

/**
 * What the emulator promises: 'full' (default) also emulates what only Infobip's OpenAPI description lists
 * (PATCH …/metadata) and forwards the whole message object to the Bot URL; 'documented' keeps to Infobip's public
 * API reference pages: PATCH …/metadata answers 405 and the bot gets only the fields those pages show.
 */
export type EmulatorProfile = 'full' | 'documented';
export const PROFILES: readonly EmulatorProfile[] = ['full', 'documented'];
/** The fields of a message forwarded to the Bot URL in the 'documented' profile. */
export const DOCUMENTED_BOT_FIELDS = ['conversationId', 'from', 'to', 'channel', 'contentType', 'content'] as const;

export function checkProfile(value: unknown): EmulatorProfile {
	if (!PROFILES.includes(value as EmulatorProfile)) {
		throw new HttpError(400, `Unknown profile ${JSON.stringify(value)}; use ${PROFILES.map((p) => `"${p}"`).join(' or ')}`, 'BAD_REQUEST', { profile: ['unknown'] });
	}
	return value as EmulatorProfile;
}

/** A message as the API answers it; the emulator-only `agentId` only in the 'full' profile. */
export function publicMessage(m: Message, profile: EmulatorProfile) {
	if (profile === 'full') return m;
	const { agentId: _a, ...rest } = m;
	return rest;
}

/** The body POSTed to the Bot URL: the whole message, or in 'documented' only the fields the public pages show. */
export function botPayload(m: Message, profile: EmulatorProfile): string {
	if (profile === 'full') return JSON.stringify(m);
	return JSON.stringify(Object.fromEntries(DOCUMENTED_BOT_FIELDS.map((k) => [k, m[k]])));
}

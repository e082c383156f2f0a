import type { ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';

import { redisClient, redisSettings } from './helpers/redisStore';

export { headerCredentialTest as infobipBotWebhookHeader } from '../shared/webhook/credentialTest';

/** "Test" of the trigger's Redis credential: connects and sends PING. */
export async function infobipDedupeRedisConnection(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	let message = '';
	try {
		const client = await redisClient(redisSettings(credential.data ?? {}));
		const pong = await client.ping();
		if (pong === 'PONG') return { status: 'OK', message: 'Connected: Redis answered PING' };
		message = `Redis answered PING with ${String(pong)}`;
	} catch (error) {
		message = `Could not use Redis: ${(error as Error).message}`;
	}
	return { status: 'Error', message };
}

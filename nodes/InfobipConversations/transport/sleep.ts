import { sleep as n8nSleep } from 'n8n-workflow';

/** Separate module so tests can replace waiting. */
export async function sleep(ms: number): Promise<void> {
	await n8nSleep(ms);
}

import {
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IHookFunctions,
	type ILoadOptionsFunctions,
	type INodeListSearchResult,
} from 'n8n-workflow';

import { infobipApiRequest } from '../InfobipConversations/transport';
import { DEFAULT_HEADER_NAME } from '../shared/webhook/headerAuth';

/**
 * "Bot URL Registration: Automatic": the trigger sets its own URL as the external chatbot's Bot URL (and the
 * authorization header Infobip should send) when the workflow is activated, and puts back what was there before
 * when it is deactivated — through `GET`/`PUT /ccaas/1/bots/{botId}` of the Conversations API (described in
 * Infobip's OpenAPI description; the PUT replaces the whole bot, so every field read is written back). "Manual"
 * (the default) registers nothing: the user pastes the Production URL in Infobip, as the node's notice says.
 *
 * n8n calls `checkExists` on activation (and for "Listen for test event", with the Test URL), `create` when it answers
 * false, and `delete` on deactivation. What was there before is kept in the node's static data.
 */

const PREVIOUS_KEY = 'registration';

/** The fields of a bot that `PUT /ccaas/1/bots/{id}` takes (everything the GET answers but the id). */
const WRITABLE = [
	'displayName',
	'webhookUrl',
	'webhookHeaders',
	'webhookEventUrl',
	'webhookEventHeaders',
	'destination',
	'channel',
	'enabled',
	'messagePersistencePolicy',
	'sessionTimeoutInSec',
] as const;

interface Previous {
	botId: string;
	webhookUrl: string | null;
	webhookHeaders: IDataObject | null;
}

const botPath = (id: string) => `/ccaas/1/bots/${encodeURIComponent(id)}`;

export function isAutomatic(ctx: IHookFunctions): boolean {
	return ctx.getNodeParameter('registration', 'manual') === 'automatic';
}

function botIdOf(ctx: IHookFunctions): string {
	return String(ctx.getNodeParameter('botId', '', { extractValue: true }) ?? '').trim();
}

/** The bot as the API answers it. */
async function getBot(ctx: IHookFunctions, botId: string): Promise<IDataObject> {
	return await infobipApiRequest.call(ctx, { method: 'GET', path: botPath(botId) });
}

/** The bot written back with `changes` (PUT replaces the whole bot). */
async function putBot(ctx: IHookFunctions, botId: string, bot: IDataObject, changes: IDataObject): Promise<void> {
	const body: IDataObject = {};
	for (const key of WRITABLE) if (bot[key] !== undefined && bot[key] !== null) body[key] = bot[key];
	for (const [key, value] of Object.entries(changes)) {
		if (value === null) delete body[key];
		else body[key] = value;
	}
	await infobipApiRequest.call(ctx, { method: 'PUT', path: botPath(botId), body });
}

/** The header Infobip must send: the trigger's Bot Webhook credential (none with Authentication "None"). */
async function expectedHeader(ctx: IHookFunctions): Promise<IDataObject | null> {
	if (ctx.getNodeParameter('authentication', 'botWebhookHeader') === 'none') return null;
	const credentials = await ctx.getCredentials<ICredentialDataDecryptedObject>('infobipBotWebhookApi');
	const value = typeof credentials.headerValue === 'string' ? credentials.headerValue : '';
	return value ? { [String(credentials.headerName || DEFAULT_HEADER_NAME).trim()]: value } : null;
}

export async function checkExists(this: IHookFunctions): Promise<boolean> {
	if (!isAutomatic(this)) return true;
	const bot = await getBot(this, requireBotId(this));
	return bot.webhookUrl === this.getNodeWebhookUrl('default');
}

export async function create(this: IHookFunctions): Promise<boolean> {
	if (!isAutomatic(this)) return true;
	const botId = requireBotId(this);
	const url = this.getNodeWebhookUrl('default') as string;
	const bot = await getBot(this, botId);
	const staticData = this.getWorkflowStaticData('node');
	if (bot.webhookUrl !== url) {
		const previous: Previous = {
			botId,
			webhookUrl: typeof bot.webhookUrl === 'string' ? bot.webhookUrl : null,
			webhookHeaders: bot.webhookHeaders && typeof bot.webhookHeaders === 'object' ? (bot.webhookHeaders as IDataObject) : null,
		};
		staticData[PREVIOUS_KEY] = previous as unknown as IDataObject;
	}
	await putBot(this, botId, bot, { webhookUrl: url, webhookHeaders: await expectedHeader(this) });
	return true;
}

export async function remove(this: IHookFunctions): Promise<boolean> {
	if (!isAutomatic(this)) return true;
	const staticData = this.getWorkflowStaticData('node');
	const previous = staticData[PREVIOUS_KEY] as unknown as Previous | undefined;
	const botId = previous?.botId || botIdOf(this);
	if (!botId) return true;
	const bot = await getBot(this, botId);
	// only undo what this trigger did: a Bot URL someone changed since is left alone
	if (bot.webhookUrl === this.getNodeWebhookUrl('default')) {
		await putBot(this, botId, bot, { webhookUrl: previous?.webhookUrl ?? '', webhookHeaders: previous?.webhookHeaders ?? null });
	}
	delete staticData[PREVIOUS_KEY];
	return true;
}

function requireBotId(ctx: IHookFunctions): string {
	const botId = botIdOf(ctx);
	if (!botId) {
		throw new NodeOperationError(ctx.getNode(), '"Bot" is empty', {
			description: 'Choose the external chatbot whose Bot URL the trigger sets, or set "Bot URL Registration" to Manual.',
		});
	}
	return botId;
}

/** The account's external chatbots, for the Bot list. */
export async function searchBots(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const body = await infobipApiRequest.call(this, { method: 'GET', path: '/ccaas/1/bots', qs: { limit: 100 } });
	const bots = ((body.bots as IDataObject[] | undefined) ?? []).filter(
		(b) => !filter || String(b.displayName ?? '').toLowerCase().includes(filter.toLowerCase()),
	);
	return { results: bots.map((b) => ({ name: `${String(b.displayName ?? b.id)}${b.destination ? ` (${String(b.destination)})` : ''}`, value: String(b.id) })) };
}

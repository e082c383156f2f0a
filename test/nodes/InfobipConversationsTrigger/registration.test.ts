/**
 * Bot URL Registration: with "Automatic" the trigger's webhook lifecycle sets the external chatbot's Bot URL (and the
 * authorization header Infobip should send) through GET/PUT /ccaas/1/bots/{id} on activation and restores the
 * previous one on deactivation; "Manual" calls nothing. Exact HTTP pinned with nock.
 */
import nock from 'nock';
import type { IDataObject, IHookFunctions } from 'n8n-workflow';

import { InfobipConversationsTrigger } from '../../../nodes/InfobipConversationsTrigger/InfobipConversationsTrigger.node';
import { createExecuteContext } from '../../support/n8nContext';
import { useNock } from '../../support/nock';

const BASE = 'https://xyz.api.infobip.com';
const PROD_URL = 'https://n8n.example.com/webhook/abc-123/webhook';
const SECRET = 'Bearer reg-secret-4f7d';
const BOT = {
	id: 'bot-1',
	displayName: 'Support bot',
	webhookUrl: 'https://old.example.com/bot',
	webhookHeaders: { Authorization: 'Bearer old' },
	destination: '447860099299',
	channel: 'WHATSAPP',
	enabled: true,
	sessionTimeoutInSec: 600,
};

/** n8n's hook context for webhookMethods, from the execute-context fake (parameters have no item index here). */
function hookContext(parameters: IDataObject, staticData: IDataObject = {}): IHookFunctions {
	const ctx = createExecuteContext({
		parameters,
		staticData,
		credentials: {
			infobipConversationsApi: { baseUrl: 'xyz.api.infobip.com', authScheme: 'apiKey', apiKey: 'k-1', defaultAgentId: '' },
			infobipBotWebhookApi: { headerName: 'Authorization', headerValue: SECRET },
		},
	});
	return Object.assign(Object.create(ctx) as object, {
		getNodeParameter: (name: string, fallback?: unknown, opts?: { extractValue?: boolean }) => ctx.getNodeParameter(name, 0, fallback, opts),
		getNodeWebhookUrl: () => PROD_URL,
	}) as unknown as IHookFunctions;
}

const methods = new InfobipConversationsTrigger().webhookMethods.default;
const automatic = { registration: 'automatic', botId: { __rl: true, mode: 'list', value: 'bot-1' }, authentication: 'botWebhookHeader' };

useNock();

describe('Bot URL Registration', () => {
	it('Manual (the default) registers nothing and calls nothing', async () => {
		const ctx = hookContext({});
		expect(await methods.checkExists.call(ctx)).toBe(true);
		expect(await methods.create.call(ctx)).toBe(true);
		expect(await methods.delete.call(ctx)).toBe(true);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('Automatic: checkExists compares the bot\'s Bot URL with the Production URL', async () => {
		nock(BASE).get('/ccaas/1/bots/bot-1').reply(200, BOT).get('/ccaas/1/bots/bot-1').reply(200, { ...BOT, webhookUrl: PROD_URL });
		expect(await methods.checkExists.call(hookContext(automatic))).toBe(false);
		expect(await methods.checkExists.call(hookContext(automatic))).toBe(true);
	});

	it('Automatic: create PUTs the whole bot with our URL and header, remembering the previous ones; delete restores them', async () => {
		const staticData: IDataObject = {};
		const put = nock(BASE, { reqheaders: { authorization: 'App k-1' } })
			.get('/ccaas/1/bots/bot-1')
			.reply(200, BOT)
			.put('/ccaas/1/bots/bot-1', {
				displayName: 'Support bot',
				webhookUrl: PROD_URL,
				webhookHeaders: { Authorization: SECRET },
				destination: '447860099299',
				channel: 'WHATSAPP',
				enabled: true,
				sessionTimeoutInSec: 600,
			})
			.reply(200, { ...BOT, webhookUrl: PROD_URL });
		expect(await methods.create.call(hookContext(automatic, staticData))).toBe(true);
		expect(put.isDone()).toBe(true);
		expect(staticData.registration).toEqual({ botId: 'bot-1', webhookUrl: BOT.webhookUrl, webhookHeaders: BOT.webhookHeaders });

		const restore = nock(BASE)
			.get('/ccaas/1/bots/bot-1')
			.reply(200, { ...BOT, webhookUrl: PROD_URL, webhookHeaders: { Authorization: SECRET } })
			.put('/ccaas/1/bots/bot-1', (b) => b.webhookUrl === BOT.webhookUrl && JSON.stringify(b.webhookHeaders) === JSON.stringify(BOT.webhookHeaders))
			.reply(200, BOT);
		expect(await methods.delete.call(hookContext(automatic, staticData))).toBe(true);
		expect(restore.isDone()).toBe(true);
		expect(staticData.registration).toBeUndefined();
	});

	it('delete leaves a Bot URL alone that someone changed since activation', async () => {
		const staticData: IDataObject = { registration: { botId: 'bot-1', webhookUrl: BOT.webhookUrl, webhookHeaders: null } };
		nock(BASE).get('/ccaas/1/bots/bot-1').reply(200, { ...BOT, webhookUrl: 'https://someone-else.example.com/bot' });
		expect(await methods.delete.call(hookContext(automatic, staticData))).toBe(true);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('with Authentication "None" registers the URL without a header', async () => {
		const put = nock(BASE)
			.get('/ccaas/1/bots/bot-1')
			.reply(200, { ...BOT, webhookHeaders: undefined })
			.put('/ccaas/1/bots/bot-1', (b) => b.webhookUrl === PROD_URL && b.webhookHeaders === undefined)
			.reply(200, {});
		await methods.create.call(hookContext({ ...automatic, authentication: 'none' }));
		expect(put.isDone()).toBe(true);
	});

	it('a refused PUT (403: the key lacks conversations:manage) fails the activation with Infobip\'s reason and the scope named', async () => {
		nock(BASE)
			.get('/ccaas/1/bots/bot-1')
			.reply(200, BOT)
			.put('/ccaas/1/bots/bot-1')
			.reply(403, { requestError: { serviceException: { messageId: 'FORBIDDEN', text: 'Forbidden' } } });
		await expect(methods.create.call(hookContext(automatic))).rejects.toMatchObject({ message: 'Infobip: Forbidden', description: expect.stringMatching(/conversations:manage/) });
	});

	it('an empty Bot fails clearly', async () => {
		await expect(methods.create.call(hookContext({ ...automatic, botId: { __rl: true, mode: 'list', value: '' } }))).rejects.toThrow('"Bot" is empty');
	});
});

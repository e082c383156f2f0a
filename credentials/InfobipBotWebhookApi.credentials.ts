import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class InfobipBotWebhookApi implements ICredentialType {
	name = 'infobipBotWebhookApi';

	displayName = 'Infobip Bot Webhook API';

	documentationUrl = 'https://www.infobip.com/docs/conversations/integrations/external-bots';

	icon = { light: 'file:infobip.svg', dark: 'file:infobip.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName:
				'Enter the same header that you set as "Authorization header" in Conversations → Settings → Integrations → External chatbot. Infobip sends it with every message it forwards to the bot URL.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: 'Authorization',
			required: true,
			description: 'The name of the header Infobip sends (usually Authorization)',
		},
		{
			displayName: 'Expected Value',
			name: 'headerValue',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'e.g. Bearer my-bot-secret',
			description: 'The exact header value Infobip sends. Requests with any other value are answered 401 and start no execution.',
		},
	];
}

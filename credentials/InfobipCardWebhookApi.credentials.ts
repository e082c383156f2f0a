import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class InfobipCardWebhookApi implements ICredentialType {
	name = 'infobipCardWebhookApi';

	displayName = 'Infobip Context Card Webhook API';

	documentationUrl = 'https://www.infobip.com/docs/conversations/conversations-setup/integrations';

	icon = { light: 'file:infobip.svg', dark: 'file:infobip.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName:
				'Enter the same header that you set as "Authorization header" on the custom card in Conversations → Settings → Integrations → Custom cards. Infobip sends it with every card request to the Webhook URL.',
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
			description: 'The name of the header the card sends (Authorization for the card\'s "Authorization header" setting)',
		},
		{
			displayName: 'Expected Value',
			name: 'headerValue',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'e.g. Bearer my-card-secret',
			description:
				'The exact header value the card sends. Requests with any other value are answered 401 and start no execution, so nothing is fetched for them.',
		},
	];
}

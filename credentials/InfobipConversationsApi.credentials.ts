import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { normalizeBaseUrl } from '../nodes/shared/baseUrl';

export type InfobipAuthScheme = 'apiKey' | 'basic' | 'ibsso' | 'oAuth2Token';

/** Builds the Authorization header value Infobip expects for the chosen scheme. */
export function infobipAuthorizationHeader(credentials: ICredentialDataDecryptedObject): string {
	const scheme = (credentials.authScheme as InfobipAuthScheme | undefined) ?? 'apiKey';
	switch (scheme) {
		case 'basic': {
			const token = Buffer.from(`${credentials.username ?? ''}:${credentials.password ?? ''}`).toString('base64');
			return `Basic ${token}`;
		}
		case 'ibsso':
			return `IBSSO ${credentials.token ?? ''}`;
		case 'oAuth2Token':
			return `Bearer ${credentials.token ?? ''}`;
		default:
			return `App ${credentials.apiKey ?? ''}`;
	}
}

export class InfobipConversationsApi implements ICredentialType {
	name = 'infobipConversationsApi';

	displayName = 'Infobip Conversations API';

	documentationUrl = 'https://www.infobip.com/docs/essentials/api-essentials/api-authentication';

	icon = { light: 'file:infobip.svg', dark: 'file:infobip.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'xyz.api.infobip.com',
			description:
				'Your personal Infobip API base URL, shown on the Infobip portal home page. With or without https://. For the local emulator use the URL it prints (e.g. http://127.0.0.1:4010).',
		},
		{
			displayName: 'Authorization Scheme',
			name: 'authScheme',
			type: 'options',
			default: 'apiKey',
			options: [
				{ name: 'API Key (App)', value: 'apiKey', description: 'Authorization: App <API key>' },
				{ name: 'Basic', value: 'basic', description: 'Authorization: Basic <username:password>' },
				{ name: 'IBSSO Token', value: 'ibsso', description: 'Authorization: IBSSO <token>' },
				{ name: 'OAuth 2.0 Access Token', value: 'oAuth2Token', description: 'Authorization: Bearer <token>' },
			],
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authScheme: ['apiKey'] } },
			description: 'An API key with Conversations (CCaaS) scopes, from the Infobip portal → Developers → API keys',
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { authScheme: ['basic'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authScheme: ['basic'] } },
		},
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authScheme: ['ibsso', 'oAuth2Token'] } },
		},
		{
			displayName: 'Default Bot Agent ID',
			name: 'defaultAgentId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 3f1c2a7e-…',
			description:
				'Optional. The external bot\'s UUID (from its configuration page URL in Conversations). Used as x-agent-id when a node leaves its own Agent ID empty.',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const options: IHttpRequestOptions = { ...requestOptions, headers: { ...(requestOptions.headers ?? {}) } };
		if (!options.baseURL && typeof options.url === 'string' && options.url.startsWith('/')) {
			options.baseURL = normalizeBaseUrl(credentials.baseUrl);
		}
		options.headers!.Authorization = infobipAuthorizationHeader(credentials);
		return options;
	}

	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			url: '/ccaas/1/queues',
			qs: { limit: 1 },
		},
	};
}

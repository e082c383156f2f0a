import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The Redis the Infobip Conversations Trigger keeps its deduplication records in (Deduplication Store: Redis), for
 * n8n setups with several webhook processes. The same fields as n8n's own Redis credential; a credential of this
 * package's own, because n8n's community-node rules do not let a package use another package's credential types.
 */
export class InfobipDedupeRedisApi implements ICredentialType {
	name = 'infobipDedupeRedisApi';

	displayName = 'Infobip Trigger Redis API';

	documentationUrl = 'https://github.com/n8n-nodes-infobip-conversations/n8n-nodes-infobip-conversations/blob/main/docs/scale.md';

	icon = { light: 'file:infobip.svg', dark: 'file:infobip.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName:
				'The Redis server the Infobip Conversations Trigger records message IDs in, so a message delivered to two n8n processes at the same moment runs once. Use the Redis of your queue mode, or any Redis all webhook processes reach.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{ displayName: 'Host', name: 'host', type: 'string', default: 'localhost', required: true },
		{ displayName: 'Port', name: 'port', type: 'number', default: 6379 },
		{ displayName: 'Database Number', name: 'database', type: 'number', default: 0 },
		{ displayName: 'User', name: 'user', type: 'string', default: '', hint: 'Leave blank for password-only authentication' },
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{ displayName: 'SSL', name: 'ssl', type: 'boolean', default: false },
		{
			displayName: 'Disable TLS Verification (Insecure)',
			name: 'disableTlsVerification',
			type: 'boolean',
			default: false,
			displayOptions: { show: { ssl: [true] } },
			description: 'Whether to accept a self-signed certificate. This makes the connection less secure.',
		},
	];
}

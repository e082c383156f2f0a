import type { INodeCredentialDescription, INodePropertyOptions, IOAuth2Options } from 'n8n-workflow';

/**
 * n8n lets only the HTTP Request and GraphQL nodes use any credential type; every other node may only use the
 * types listed in its `description.credentials`. So "predefined" credentials are a curated list of support/CRM
 * types from n8n-nodes-base. Each one exists in n8n 1.123.81 and 2.40.7 and either has an `authenticate`
 * definition (applied by httpRequestWithAuthentication) or extends oAuth2Api (signed by requestOAuth2);
 * test/nodes/InfobipContextCard/descriptions/credentials.test.ts checks this against the cached n8n installs.
 * `secrets` are the credential's password fields, redacted from outputs if an endpoint echoes them.
 */
export interface PredefinedCredential {
	name: string;
	displayName: string;
	oauth2?: boolean;
	/** passed to requestOAuth2, as n8n's HTTP Request node does for the same types */
	oauth2Options?: IOAuth2Options;
	secrets: string[];
}

export const OAUTH2_SECRETS = [
	'clientSecret',
	'privateKey',
	'certificate',
	'oauthTokenData.access_token',
	'oauthTokenData.refresh_token',
	'oauthTokenData.id_token',
];

export const PREDEFINED_CREDENTIALS: PredefinedCredential[] = [
	{ name: 'activeCampaignApi', displayName: 'ActiveCampaign API', secrets: ['apiKey'] },
	{ name: 'copperApi', displayName: 'Copper API', secrets: ['apiKey'] },
	{ name: 'freshworksCrmApi', displayName: 'Freshworks CRM API', secrets: ['apiKey'] },
	{ name: 'githubApi', displayName: 'GitHub API', secrets: ['accessToken'] },
	{ name: 'gitlabApi', displayName: 'GitLab API', secrets: ['accessToken'] },
	{ name: 'helpScoutOAuth2Api', displayName: 'Help Scout OAuth2 API', oauth2: true, secrets: [] },
	{ name: 'hubspotAppToken', displayName: 'HubSpot App Token', secrets: ['appToken'] },
	{
		name: 'hubspotOAuth2Api',
		displayName: 'HubSpot OAuth2 API',
		oauth2: true,
		oauth2Options: { tokenType: 'Bearer', includeCredentialsOnRefreshOnBody: true },
		secrets: [],
	},
	{ name: 'intercomApi', displayName: 'Intercom API', secrets: ['apiKey'] },
	{ name: 'jiraSoftwareCloudApi', displayName: 'Jira Software Cloud API', secrets: ['apiToken'] },
	{ name: 'jiraSoftwareServerApi', displayName: 'Jira Software Server API', secrets: ['password'] },
	{ name: 'jiraSoftwareServerPatApi', displayName: 'Jira Software Server (PAT) API', secrets: ['personalAccessToken'] },
	{ name: 'linearApi', displayName: 'Linear API', secrets: ['apiKey', 'signingSecret'] },
	{ name: 'linearOAuth2Api', displayName: 'Linear OAuth2 API', oauth2: true, secrets: ['signingSecret'] },
	{ name: 'microsoftDynamicsOAuth2Api', displayName: 'Microsoft Dynamics OAuth2 API', oauth2: true, secrets: [] },
	{ name: 'pipedriveApi', displayName: 'Pipedrive API', secrets: ['apiToken'] },
	{ name: 'pipedriveOAuth2Api', displayName: 'Pipedrive OAuth2 API', oauth2: true, secrets: [] },
	{ name: 'salesforceOAuth2Api', displayName: 'Salesforce OAuth2 API', oauth2: true, secrets: [] },
	{ name: 'serviceNowBasicApi', displayName: 'ServiceNow Basic Auth API', secrets: ['password'] },
	{ name: 'serviceNowOAuth2Api', displayName: 'ServiceNow OAuth2 API', oauth2: true, secrets: [] },
	{ name: 'zendeskApi', displayName: 'Zendesk API', secrets: ['apiToken'] },
	{ name: 'zendeskOAuth2Api', displayName: 'Zendesk OAuth2 API', oauth2: true, secrets: [] },
	{ name: 'zohoOAuth2Api', displayName: 'Zoho OAuth2 API', oauth2: true, secrets: [] },
];

/**
 * n8n's generic credential types. How each is applied (verified in n8n-nodes-base of both supported versions):
 * - 'n8n': has an `authenticate` definition → httpRequestWithAuthentication applies it.
 * - 'manual': has no `authenticate` (n8n's HTTP Request node applies these itself) → the transport applies it,
 *   because httpRequestWithAuthentication would silently send the request without it.
 * - 'oauth2': generic OAuth2 → requestOAuth2 (httpRequestWithAuthentication only signs types that *extend* oAuth2Api).
 */
export interface GenericCredential {
	name: 'httpBasicAuth' | 'httpBearerAuth' | 'httpCustomAuth' | 'httpHeaderAuth' | 'httpQueryAuth' | 'oAuth2Api';
	displayName: string;
	apply: 'n8n' | 'manual' | 'oauth2';
	secrets: string[];
}

export const GENERIC_CREDENTIALS: GenericCredential[] = [
	{ name: 'httpBasicAuth', displayName: 'Basic Auth', apply: 'manual', secrets: ['password'] },
	{ name: 'httpBearerAuth', displayName: 'Bearer Auth', apply: 'n8n', secrets: ['token'] },
	{ name: 'httpCustomAuth', displayName: 'Custom Auth', apply: 'manual', secrets: [] },
	{ name: 'httpHeaderAuth', displayName: 'Header Auth', apply: 'n8n', secrets: ['value'] },
	{ name: 'httpQueryAuth', displayName: 'Query Auth', apply: 'manual', secrets: ['value'] },
	{ name: 'oAuth2Api', displayName: 'OAuth2 API', apply: 'oauth2', secrets: [] },
];

export const genericAuthOptions: INodePropertyOptions[] = GENERIC_CREDENTIALS.map((c) => ({ name: c.displayName, value: c.name }));
export const predefinedAuthOptions: INodePropertyOptions[] = PREDEFINED_CREDENTIALS.map((c) => ({ name: c.displayName, value: c.name }));

export const credentialDescriptions: INodeCredentialDescription[] = [
	...GENERIC_CREDENTIALS.map((c) => ({
		name: c.name,
		required: true,
		displayOptions: { show: { authentication: ['genericCredentialType'], genericAuthType: [c.name] } },
	})),
	...PREDEFINED_CREDENTIALS.map((c) => ({
		name: c.name,
		required: true,
		displayOptions: { show: { authentication: ['predefinedCredentialType'], nodeCredentialType: [c.name] } },
	})),
];

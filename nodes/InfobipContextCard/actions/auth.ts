/**
 * How the call is signed: the credential picked under Authentication, loaded from n8n, and its secrets (which are
 * redacted from everything the node outputs).
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { GENERIC_CREDENTIALS, OAUTH2_SECRETS, PREDEFINED_CREDENTIALS } from '../descriptions/credentials';
import { collectSecrets } from '../helpers/redact';
import type { AuthSpec } from '../transport';
import type { AuthParams } from './params';

export interface ResolvedAuth {
	spec: AuthSpec;
	secrets: string[];
	credentialType?: string;
	credentialId?: string;
}

function leafStrings(value: unknown, out: string[] = []): string[] {
	if (typeof value === 'string') out.push(value);
	else if (value && typeof value === 'object') for (const v of Object.values(value)) leafStrings(v, out);
	return out;
}

/** Custom Auth's secrets are every string of its JSON (or the whole text when it does not parse). */
function customAuthSecrets(json: unknown): string[] {
	try {
		return leafStrings(JSON.parse(String(json || '{}')));
	} catch {
		return [String(json ?? '')];
	}
}

async function genericAuth(ctx: IExecuteFunctions, i: number, type: string, credentialId?: string): Promise<ResolvedAuth> {
	const generic = GENERIC_CREDENTIALS.find((c) => c.name === type);
	if (!generic) throw new NodeOperationError(ctx.getNode(), `Generic Auth Type "${type}" is not supported`, { itemIndex: i });
	const creds = await ctx.getCredentials(type, i);
	const secrets = type === 'httpCustomAuth' ? customAuthSecrets(creds.json) : collectSecrets(creds, generic.secrets);
	const found = { credentialType: type, credentialId };
	if (generic.apply === 'oauth2') {
		return { spec: { kind: 'oauth2', type, options: { tokenType: 'Bearer' } }, secrets: collectSecrets(creds, OAUTH2_SECRETS), ...found };
	}
	if (generic.apply === 'manual') {
		return { spec: { kind: 'manual', type: type as 'httpBasicAuth' | 'httpQueryAuth' | 'httpCustomAuth', creds }, secrets, ...found };
	}
	return { spec: { kind: 'n8n', type }, secrets, ...found };
}

async function predefinedAuth(ctx: IExecuteFunctions, i: number, type: string, credentialId?: string): Promise<ResolvedAuth> {
	const predefined = PREDEFINED_CREDENTIALS.find((c) => c.name === type);
	if (!predefined) {
		throw new NodeOperationError(ctx.getNode(), `Credential Type "${type}" is not supported by this node`, {
			itemIndex: i,
			description: 'Pick one from the list, or use a Generic Credential Type.',
		});
	}
	const creds = await ctx.getCredentials(type, i);
	const secrets = collectSecrets(creds, predefined.oauth2 ? [...predefined.secrets, ...OAUTH2_SECRETS] : predefined.secrets);
	const spec: AuthSpec = predefined.oauth2 ? { kind: 'oauth2', type, options: predefined.oauth2Options } : { kind: 'n8n', type };
	return { spec, secrets, credentialType: type, credentialId };
}

export async function resolveAuth(ctx: IExecuteFunctions, i: number, auth: AuthParams): Promise<ResolvedAuth> {
	const { authentication, credentialType: type } = auth;
	if (authentication === 'none') return { spec: { kind: 'none' }, secrets: [] };
	const credentialId = ctx.getNode().credentials?.[type]?.id ?? undefined;
	if (authentication === 'genericCredentialType') return await genericAuth(ctx, i, type, credentialId);
	if (authentication === 'predefinedCredentialType') return await predefinedAuth(ctx, i, type, credentialId);
	throw new NodeOperationError(ctx.getNode(), `Authentication "${authentication}" is not supported`, { itemIndex: i });
}

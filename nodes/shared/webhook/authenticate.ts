import type { ICredentialDataDecryptedObject, IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { checkHeaderCached } from './credentialCache';
import { DEFAULT_HEADER_NAME } from './headerAuth';
import type { HeaderMap } from './http';

export interface HeaderAuthOptions {
	/** The credential type holding `headerName` and `headerValue` (the expected value). */
	credentialType: string;
	/** How the node and credential are named in logs and answers, e.g. "Infobip Conversations Trigger". */
	nodeLabel: string;
	credentialLabel: string;
	/** What was not done when the request is refused, e.g. "the message was not accepted". */
	refused: string;
	/** How long the expected value is remembered (credentialCache.ts); 0 loads it every time. */
	cacheMs: number;
}

export type HeaderAuthOutcome =
	| { ok: true; headerName: string }
	| { ok: false; status: 401 | 500 | 503; body: IDataObject };

/**
 * The webhook nodes' header check, before a byte of the body is read: the request must carry the credential's
 * header with its expected value (constant-time comparison; the expected value comes from a short-lived cache of the
 * credential). A credential that is selected but cannot be loaded right now (e.g. n8n's database is overloaded) is a
 * temporary failure, answered 503 so the caller delivers again; no expected value configured is 500; anything else
 * that does not match is 401. Each refusal is logged without the header's value.
 */
export async function authenticateHeader(ctx: IWebhookFunctions, headers: HeaderMap, o: HeaderAuthOptions): Promise<HeaderAuthOutcome> {
	const selected = ctx.getNode().credentials?.[o.credentialType];
	const cacheKey = selected?.id ? `${o.credentialType}:${selected.id}` : undefined;
	const load = async () => {
		let credentials: ICredentialDataDecryptedObject | undefined;
		let failure: unknown;
		try {
			credentials = await ctx.getCredentials<ICredentialDataDecryptedObject>(o.credentialType);
		} catch (error) {
			failure = error;
		}
		// a credential that is selected but cannot be loaded is a temporary failure (answered 503 below)
		if (failure !== undefined && selected) throw failure;
		return {
			headerName: String(credentials?.headerName || DEFAULT_HEADER_NAME),
			expected: typeof credentials?.headerValue === 'string' ? credentials.headerValue : '',
		};
	};
	let check: Awaited<ReturnType<typeof checkHeaderCached>> | undefined;
	let failure: Error | undefined;
	try {
		check = await checkHeaderCached(cacheKey, headers, load, o.cacheMs);
	} catch (error) {
		failure = error as Error;
	}
	if (!check) {
		ctx.logger.error(`${o.nodeLabel}: could not load the ${o.credentialLabel} credential (${failure?.message}); request refused (503), to be delivered again`);
		return {
			ok: false,
			status: 503,
			body: { error: 'credential_unavailable', message: `The trigger could not load its ${o.credentialLabel} credential right now; ${o.refused}, please retry` },
		};
	}
	if (check.result === 'notConfigured') {
		ctx.logger.error(`${o.nodeLabel}: no ${o.credentialLabel} credential with an Expected Value is set; request refused (500)`);
		return { ok: false, status: 500, body: { error: 'not_configured', message: `The trigger has no ${o.credentialLabel} credential with an Expected Value; ${o.refused}` } };
	}
	if (check.result === 'refused') {
		ctx.logger.debug(`${o.nodeLabel}: request without the expected ${check.headerName} header refused (401)`);
		return { ok: false, status: 401, body: { error: 'unauthorized', message: `Missing or wrong ${check.headerName} header` } };
	}
	return { ok: true, headerName: check.headerName };
}

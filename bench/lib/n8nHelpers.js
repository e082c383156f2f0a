// @ts-check
/**
 * The test harness's execute context (test/support/n8nContext.ts) with its HTTP replaced by n8n's own: what
 * n8n-core's httpRequestWithAuthentication does in n8n 2.40.7 — apply the credential type's `authenticate`, replace
 * the caller's abort signal, drop an empty body — then send with @n8n/backend-network's OutboundHttp (axios), the
 * helper behind this.helpers.httpRequest in n8n. Loaded from the n8n install, so the bench runs n8n's real code.
 */
const path = require('node:path');

const { requireTs, ROOT } = require('./ts');

/** @type {Map<string, any>} */
const outbounds = new Map();

/** n8n's OutboundHttp request helper of this n8n install. */
function n8nOutbound(install) {
	let outbound = outbounds.get(install.dir);
	if (!outbound) {
		const base = path.join(install.dir, 'node_modules');
		require(path.join(base, 'reflect-metadata'));
		const { Container } = require(path.join(base, '@n8n/di'));
		const network = require(path.join(base, '@n8n/backend-network'));
		outbound = { requests: Container.get(network.OutboundHttp).requests(), removeEmptyBody: network.removeEmptyBody };
		outbounds.set(install.dir, outbound);
	}
	return outbound;
}

/** How n8n applies each credential type the bench uses (the package's own class; Jira's generic basic auth). */
async function authenticate(type, creds, options) {
	if (type === 'infobipConversationsApi') {
		const { InfobipConversationsApi } = require(path.join(ROOT, 'dist/credentials/InfobipConversationsApi.credentials.js'));
		return await new InfobipConversationsApi().authenticate(creds, options);
	}
	if (type === 'jiraSoftwareCloudApi') return { ...options, auth: { username: String(creds.email), password: String(creds.apiToken) } };
	throw new Error(`bench: no authenticate for credential type ${type}`);
}

/**
 * Makes a test-harness context send through n8n's request helper.
 * @param {any} ctx a context from createExecuteContext
 * @param {any} install
 * @param {AbortSignal} [cancelSignal]
 */
function useN8nHttp(ctx, install, cancelSignal) {
	const { NodeApiError } = require('n8n-workflow');
	const { requests, removeEmptyBody } = n8nOutbound(install);
	// the harness keeps a log of every request (for assertions); that is not the node's work or memory
	ctx.httpLog.push = () => 0;
	const helpers = /** @type {any} */ (ctx.helpers);
	helpers.httpRequestWithAuthentication = async (type, requestOptions) => {
		const creds = await ctx.getCredentials(type);
		const opts = await authenticate(type, creds, { ...requestOptions, abortSignal: cancelSignal });
		removeEmptyBody(opts);
		try {
			return await requests.request(opts);
		} catch (error) {
			throw new NodeApiError(ctx.getNode(), /** @type {any} */ (error));
		}
	};
	helpers.httpRequest = async (requestOptions) => await requests.request(requestOptions);
	return ctx;
}

/**
 * createExecuteContext(options) of the test harness, sending through n8n's request helper.
 * @param {any} install
 * @param {any} options FakeContextOptions
 */
function n8nExecuteContext(install, options) {
	const { createExecuteContext } = requireTs('test/support/n8nContext.ts');
	return useN8nHttp(createExecuteContext(options), install, options.cancelSignal);
}

module.exports = { n8nOutbound, n8nExecuteContext, useN8nHttp };

import type { ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * "Test" of a webhook header credential (Infobip Bot Webhook, Infobip Context Card Webhook): there is nothing to
 * call (Infobip calls us), so it checks what the trigger will compare: a valid header name and a non-empty expected
 * value without line breaks.
 */
export async function headerCredentialTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const name = String(data.headerName ?? '').trim() || 'Authorization';
	const value = typeof data.headerValue === 'string' ? data.headerValue : '';
	if (!TOKEN.test(name)) return { status: 'Error', message: `"${name}" is not a valid header name` };
	if (!value) return { status: 'Error', message: 'Expected Value is empty: every request would be refused' };
	if (/[\r\n]/.test(value)) return { status: 'Error', message: 'Expected Value contains a line break, which no HTTP header can carry' };
	const hint = value.length < 16 ? ' (it is short: a long random value is safer)' : '';
	return { status: 'OK', message: `The trigger accepts requests whose ${name} header is exactly this value${hint}` };
}

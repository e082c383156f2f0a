import { collectSecrets, Redactor, REDACTED } from '../../../../nodes/InfobipContextCard/helpers/redact';

describe('secret redaction', () => {
	const secret = 'sk_live_Secret/Value+1';
	const r = new Redactor([secret, 'abc']);

	it('redacts clear, URL-encoded, JSON-escaped and base64 (Basic) forms, ignores too-short values', () => {
		const basic = Buffer.from(`user@example.com:${secret}`).toString('base64');
		const text = `a ${secret} b ${encodeURIComponent(secret)} c Basic ${basic} d abc`;
		expect(r.text(text)).toBe(`a ${REDACTED} b ${REDACTED} c Basic ${REDACTED} d abc`);
		expect(r.deep({ list: [secret], [secret]: 1, n: 5 })).toEqual({ list: [REDACTED], [REDACTED]: 1, n: 5 });
	});

	it('collects secret fields, including nested OAuth2 token data', () => {
		expect(
			collectSecrets({ apiToken: 'tok-123456', email: 'a@b.c', oauthTokenData: { access_token: 'acc-123456', expires_in: 3600 } }, [
				'apiToken',
				'oauthTokenData.access_token',
				'missing',
			]),
		).toEqual(['tok-123456', 'acc-123456']);
	});
});

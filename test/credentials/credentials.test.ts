import { InfobipConversationsApi, infobipAuthorizationHeader } from '../../credentials/InfobipConversationsApi.credentials';
import { normalizeBaseUrl } from '../../nodes/shared/baseUrl';

describe('normalizeBaseUrl', () => {
	it.each([
		['xyz.api.infobip.com', 'https://xyz.api.infobip.com'],
		['https://xyz.api.infobip.com/', 'https://xyz.api.infobip.com'],
		['  https://xyz.api.infobip.com///  ', 'https://xyz.api.infobip.com'],
		['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
	])('%s → %s', (input, expected) => expect(normalizeBaseUrl(input)).toBe(expected));

	it('rejects empty, non-http and credential-bearing URLs with a message saying what to do', () => {
		expect(() => normalizeBaseUrl('')).toThrow('The Infobip base URL is empty');
		expect(() => normalizeBaseUrl('ftp://x.example')).toThrow('must use https');
		expect(() => normalizeBaseUrl('https://user:pw@x.example')).toThrow('must not contain credentials');
	});
});

describe('Infobip Conversations API credential', () => {
	it('builds each documented Authorization scheme', () => {
		expect(infobipAuthorizationHeader({ apiKey: 'k1' })).toBe('App k1');
		expect(infobipAuthorizationHeader({ authScheme: 'basic', username: 'u', password: 'p' })).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
		expect(infobipAuthorizationHeader({ authScheme: 'ibsso', token: 't' })).toBe('IBSSO t');
		expect(infobipAuthorizationHeader({ authScheme: 'oAuth2Token', token: 't' })).toBe('Bearer t');
	});

	it('authenticate adds the normalised base URL and header without touching the input options', async () => {
		const input = { method: 'GET' as const, url: '/ccaas/1/queues', headers: { 'x-agent-id': 'a' } };
		const out = await new InfobipConversationsApi().authenticate({ baseUrl: 'xyz.api.infobip.com/', apiKey: 'k' }, input);
		expect(out).toEqual({ method: 'GET', url: '/ccaas/1/queues', baseURL: 'https://xyz.api.infobip.com', headers: { 'x-agent-id': 'a', Authorization: 'App k' } });
		expect(input.headers).toEqual({ 'x-agent-id': 'a' });
	});

	it('marks every secret field as a password field', () => {
		const secretNames = new InfobipConversationsApi().properties.filter((p) => p.typeOptions?.password).map((p) => p.name);
		expect(secretNames.sort()).toEqual(['apiKey', 'password', 'token']);
	});
});

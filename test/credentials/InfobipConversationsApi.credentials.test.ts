import { InfobipConversationsApi, infobipAuthorizationHeader } from '../../credentials/InfobipConversationsApi.credentials';

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

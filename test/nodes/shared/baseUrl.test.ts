import { normalizeBaseUrl } from '../../../nodes/shared/baseUrl';

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

import { checkRenderedUrl, templateOrigin, UrlRuleError } from '../../../../nodes/InfobipContextCard/helpers/urlSafety';

describe('host-from-template rule', () => {
	it.each([
		['https://jira.example.com/rest/api/2/search?jql={{ conversation.conversationId }}', 'https://jira.example.com'],
		['http://127.0.0.1:8080/x/{{ conversation.queueId }}', 'http://127.0.0.1:8080'],
		['https://api.example.com?id={{ conversation.conversationId }}', 'https://api.example.com'],
		['  https://api.example.com/static  ', 'https://api.example.com'],
		['HTTPS://API.Example.com:443/a', 'https://api.example.com'],
	])('accepts %s', (tpl, origin) => {
		expect(templateOrigin(tpl)).toBe(origin);
	});

	it.each([
		['{{ conversation.customerDisplayName }}', /cannot come from a variable/],
		['https://{{ conversation.queueId }}.example.com/', /spell out the scheme and host, followed by "\/"/],
		['https://api.example.com{{ conversation.queueId }}', /spell out the scheme and host/],
		['https://api.example.{% if x %}com{% endif %}/', /spell out the scheme and host/],
		['ftp://files.example.com/a', /must use http or https, not "ftp:"/],
		['javascript:alert(1)', /must use http or https/],
		['api.example.com/{{ conversation.queueId }}', /must start with http:\/\/ or https:\/\//],
		['https://user:pw@api.example.com/{{ conversation.queueId }}', /must not contain a user name or password/],
		['', /is empty/],
	])('rejects %j', (tpl, message) => {
		expect(() => templateOrigin(tpl)).toThrow(UrlRuleError);
		expect(() => templateOrigin(tpl)).toThrow(message);
	});

	it('checks the rendered URL: origin kept, no control characters, no dot segments', () => {
		const origin = 'https://api.example.com';
		expect(checkRenderedUrl('https://api.example.com/c/a%2Fb?q=1', origin)).toBe('https://api.example.com/c/a%2Fb?q=1');
		expect(() => checkRenderedUrl('https://api.example.com/c/a\r\nX: 1', origin)).toThrow(/contains a line break after inserting the variables/);
		expect(() => checkRenderedUrl('https://api.example.com/c/a\tb', origin)).toThrow(/contains a control character/);
		expect(checkRenderedUrl('https://api.example.com/search?jql=text ~ "conv-1"', origin)).toBe('https://api.example.com/search?jql=text%20~%20%22conv-1%22');
		expect(() => checkRenderedUrl('https://api.example.com.evil.test/x', origin)).toThrow(/changed the Webhook URL's host/);
		expect(() => checkRenderedUrl('https://api.example.com/cards/../admin', origin)).toThrow(/contains a "\.\." segment/);
		expect(() => checkRenderedUrl('https://api.example.com/cards/%2e%2E/admin', origin)).toThrow(/contains a "\.\." segment/);
		expect(() => checkRenderedUrl('https://api.example.com/cards/./x', origin)).toThrow(/contains a "\." segment/);
		expect(checkRenderedUrl('https://api.example.com/cards?name=..', origin)).toBe('https://api.example.com/cards?name=..');
	});
});

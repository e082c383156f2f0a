import {
	checkHeaderName,
	checkHeaderValue,
	checkJsonBody,
	conversationFromFields,
	conversationFromItem,
	conversationFromPortalData,
	ValidationError,
} from '../../../../nodes/InfobipContextCard/helpers/validation';

describe('conversation data', () => {
	it('reads the Infobip Conversations Trigger shape (from = customer, to = agent number)', () => {
		expect(
			conversationFromItem({ conversationId: 'c1', channel: 'WHATSAPP', from: '385911111111', to: '447860099299', text: 'hi', priority: 'HIGH' }),
		).toEqual({
			agentNumber: '447860099299',
			agentId: '',
			channel: 'WHATSAPP',
			conversationId: 'c1',
			customerDisplayName: '',
			customerNumber: '385911111111',
			priority: 'HIGH',
			queueId: '',
		});
	});

	it('a conversation object wins over top-level fields; non-scalars are ignored', () => {
		const vars = conversationFromItem({ conversationId: 'top', conversation: { conversationId: 'nested', queueId: 7, agentId: { x: 1 } } });
		expect(vars.conversationId).toBe('nested');
		expect(vars.queueId).toBe('7');
		expect(vars.agentId).toBe('');
	});

	it('Define Below fields and Portal Data', () => {
		expect(conversationFromFields({ conversationId: 'c2', priority: 'LOW' })).toMatchObject({ conversationId: 'c2', priority: 'LOW', channel: '' });
		expect(conversationFromPortalData('{"conversation":{"customerDisplayName":"Jane"}}').customerDisplayName).toBe('Jane');
		expect(conversationFromPortalData({ conversationId: 'flat' }).conversationId).toBe('flat');
		expect(() => conversationFromPortalData('{nope')).toThrow(/"Portal Data" is not valid JSON/);
		expect(() => conversationFromPortalData('[1]')).toThrow(ValidationError);
	});
});

describe('headers and bodies', () => {
	it('header names must be tokens and not hop-by-hop; values must be one line', () => {
		expect(() => checkHeaderName('X-Customer')).not.toThrow();
		expect(() => checkHeaderName('X Customer')).toThrow(/is not valid/);
		expect(() => checkHeaderName('Host')).toThrow(/cannot be overridden/);
		expect(() => checkHeaderValue('X-Name', 'Jane\r\nX-Evil: 1')).toThrow('Header "X-Name" contains a line break after inserting the variables');
		expect(() => checkHeaderValue('X-Name', 'Jane\tDoe')).not.toThrow();
	});

	it('JSON bodies must parse', () => {
		expect(checkJsonBody('{"a":1}')).toEqual({ a: 1 });
		expect(() => checkJsonBody('{"a": Jane}')).toThrow(/^Body template did not render to valid JSON/);
	});
});

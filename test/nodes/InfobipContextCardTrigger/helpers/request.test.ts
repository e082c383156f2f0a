/**
 * The card trigger's request helpers: query string, body, visible headers and the conversation variables.
 */
import { CARD_VARIABLES } from '../../../../nodes/shared/contextCard';
import { conversationVariables, parseBody, parseQuery, visibleHeaders } from '../../../../nodes/InfobipContextCardTrigger/helpers/request';

describe('request helpers', () => {
	it('parseQuery decodes like Infobip encodes (+ is a space) and keeps repeated names as lists', () => {
		expect(parseQuery('/webhook/x/card?a=1&b=%2B1+2&a=3&c')).toEqual({ a: ['1', '3'], b: '+1 2', c: '' });
		expect(parseQuery('/webhook/x/card')).toEqual({});
		expect(parseQuery(undefined)).toEqual({});
	});

	it('parseBody: JSON by type or by look, forms, text, nothing', () => {
		expect(parseBody(Buffer.from('{"a":1}'), 'application/json; charset=utf-8')).toEqual({ kind: 'value', value: { a: 1 } });
		expect(parseBody(Buffer.from('\ufeff[1]'), 'text/plain')).toEqual({ kind: 'value', value: [1] });
		expect(parseBody(Buffer.from('a=1&b=x+y'), 'application/x-www-form-urlencoded')).toEqual({ kind: 'value', value: { a: '1', b: 'x y' } });
		expect(parseBody(Buffer.from('{oops'), 'application/json')).toEqual({ kind: 'text', text: '{oops' });
		expect(parseBody(Buffer.from('hello'), undefined)).toEqual({ kind: 'text', text: 'hello' });
		expect(parseBody(Buffer.from('  '), 'application/json')).toEqual({ kind: 'none' });
	});

	it('visibleHeaders drops the secret header, Authorization, Proxy-Authorization and cookies', () => {
		expect(
			visibleHeaders({ authorization: 'a', 'proxy-authorization': 'p', cookie: 'c', 'x-card-token': 't', 'x-forwarded-for': ['1', '2'], accept: '*/*' }, 'X-Card-Token'),
		).toEqual({ 'x-forwarded-for': '1, 2', accept: '*/*' });
	});

	it('conversationVariables: query wins when non-empty; body (flat, nested, dotted names) fills in; scalars only', () => {
		const vars = conversationVariables(
			{ conversationId: 'q', queueId: '', 'conversation.agentId': 'dotted' },
			{ conversationId: 'b', queueId: 'b-q', channel: ['SMS', 'X'], priority: true, customerNumber: { no: 1 }, conversation: { customerDisplayName: 'N' } },
		);
		expect(vars).toEqual({
			agentNumber: '',
			agentId: 'dotted',
			channel: 'SMS',
			conversationId: 'q',
			customerDisplayName: 'N',
			customerNumber: '',
			priority: 'true',
			queueId: 'b-q',
		});
		expect(conversationVariables({}, 'text body')).toEqual(Object.fromEntries(CARD_VARIABLES.map((k) => [k, ''])));
	});
});

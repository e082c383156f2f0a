import { parseStrictMessage } from '../../../../nodes/InfobipConversationsTrigger/helpers/payload';
import { inbound } from '../../../support/inbound';

describe('parseStrictMessage (Strict Validation, zod)', () => {
	it('accepts an inbound message and keeps unknown extra fields', () => {
		const body = inbound({ singleSendMessage: { foo: 1 }, customerDisplayName: 'Ana' });
		const result = parseStrictMessage(body);
		expect(result.ok).toBe(true);
		expect(result.ok && result.value).toEqual({ message: expect.objectContaining({ id: 'msg-1' }), derived: [], deduplication: 'messageId', raw: body });
	});
	it.each([
		[inbound({ conversationId: undefined }), 'conversationId', 'conversationId is required'],
		[inbound({ id: '' }), 'id', 'id must not be empty'],
		[inbound({ from: 385911111111 }), 'from', 'from must be a string (got number)'],
		[inbound({ direction: 'OUTBOUND' }), 'direction', 'direction must be "INBOUND"; this trigger only accepts inbound customer messages'],
		[inbound({ content: 'hello' }), 'content', 'content must be an object (got string)'],
		[inbound({ content: ['hello'] }), 'content', 'content must be an object (got array)'],
		[inbound({ content: {} }), 'content.text', 'content.text must be a string for a TEXT message'],
		[inbound({ createdAt: undefined }), 'createdAt', 'createdAt is required'],
	])('rejects %#, naming the field', (body, field, reason) => {
		expect(parseStrictMessage(body)).toEqual({ ok: false, field, reason });
	});
	it('rejects bodies that are not one JSON object', () => {
		for (const body of [[inbound()], 'text', 42, null]) {
			expect(parseStrictMessage(body)).toEqual({ ok: false, field: '(body)', reason: expect.stringMatching(/must be a JSON object/) });
		}
	});
	it('accepts non-text content without content.text', () => {
		expect(parseStrictMessage(inbound({ contentType: 'IMAGE', content: { url: 'https://x/y.jpg' } })).ok).toBe(true);
	});
});

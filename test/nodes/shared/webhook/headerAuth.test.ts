import { headerValue, verifyHeader } from '../../../../nodes/shared/webhook/headerAuth';

describe('verifyHeader (constant-time header check)', () => {
	it('accepts exactly the expected value, header names case-insensitively', () => {
		expect(verifyHeader({ authorization: 'Bearer s3cret' }, 'Authorization', 'Bearer s3cret')).toBe(true);
		expect(verifyHeader({ 'x-bot-token': 'abc' }, 'X-Bot-Token', 'abc')).toBe(true);
	});
	it('rejects missing, wrong, wrong-length, prefix and differently-cased values', () => {
		expect(verifyHeader({}, 'Authorization', 'Bearer s3cret')).toBe(false);
		expect(verifyHeader({ authorization: 'Bearer s3creT' }, 'Authorization', 'Bearer s3cret')).toBe(false);
		expect(verifyHeader({ authorization: 'Bearer s3cret-and-more' }, 'Authorization', 'Bearer s3cret')).toBe(false);
		expect(verifyHeader({ authorization: 'Bearer' }, 'Authorization', 'Bearer s3cret')).toBe(false);
		expect(verifyHeader({ authorization: '' }, 'Authorization', 'Bearer s3cret')).toBe(false);
		expect(verifyHeader({ 'x-other': 'Bearer s3cret' }, 'Authorization', 'Bearer s3cret')).toBe(false);
	});
	it('never accepts when the expected value is empty', () => {
		expect(verifyHeader({ authorization: '' }, 'Authorization', '')).toBe(false);
	});
	it('falls back to Authorization when the credential has no header name', () => {
		expect(verifyHeader({ authorization: 'x' }, '', 'x')).toBe(true);
	});
	it('joins repeated header values like Node does', () => {
		expect(headerValue({ 'x-a': ['1', '2'] } as never, 'X-A')).toBe('1, 2');
	});
});

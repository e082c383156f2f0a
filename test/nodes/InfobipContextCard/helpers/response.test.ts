import { parseResponse } from '../../../../nodes/InfobipContextCard/helpers/response';

describe('response formats', () => {
	const res = (text: string, contentType = '') => ({
		body: Buffer.from(text),
		headers: (contentType ? { 'content-type': contentType } : {}) as Record<string, string>,
	});
	it('auto: JSON when it is JSON, otherwise text', () => {
		expect(parseResponse(res('{"a":1}', 'application/json'), 'auto')).toEqual({ a: 1 });
		expect(parseResponse(res('[1]'), 'auto')).toEqual([1]);
		expect(parseResponse(res('42', 'text/plain'), 'auto')).toBe('42');
		expect(parseResponse(res('{broken', 'application/json'), 'auto')).toBe('{broken');
		expect(parseResponse(res(''), 'auto')).toBeNull();
	});
	it('json: not JSON is an INVALID_JSON failure; text: always text; charset honoured', () => {
		expect(() => parseResponse(res('<html>'), 'json')).toThrow(expect.objectContaining({ code: 'INVALID_JSON' }));
		expect(parseResponse(res('{"a":1}'), 'text')).toBe('{"a":1}');
		expect(parseResponse({ body: Buffer.from([0x5a, 0xe9]), headers: { 'content-type': 'text/plain; charset=iso-8859-1' } }, 'text')).toBe('Zé');
	});
});

import { retryAfterMs } from '../../../../nodes/InfobipConversations/transport';

describe('transport helpers', () => {
	it('reads Retry-After as seconds or HTTP date, capped at 30 s', () => {
		expect(retryAfterMs('3')).toBe(3000);
		expect(retryAfterMs('999')).toBe(30000);
		expect(retryAfterMs(new Date(10_000).toUTCString(), 5_000)).toBe(5000);
		expect(retryAfterMs(undefined)).toBeUndefined();
	});
});

import { sameContent } from '../../../../nodes/InfobipConversations/transport/conversations';

describe('sameContent (recognising a sent message in a listing)', () => {
	it('ignores key order, extra fields and extra nulls; compares what was sent', () => {
		expect(sameContent({ text: 'hi' }, { text: 'hi' })).toBe(true);
		expect(sameContent({ url: 'u', caption: 'c' }, { caption: 'c', url: 'u', showUrlPreview: null })).toBe(true);
		expect(sameContent({ latitude: 45.8, longitude: 1 }, { longitude: 1, latitude: 45.8, locationName: null })).toBe(true);
	});
	it('differs on any sent value', () => {
		expect(sameContent({ text: 'hi' }, { text: 'hi!' })).toBe(false);
		expect(sameContent({ url: 'u', caption: 'c' }, { url: 'u' })).toBe(false);
		expect(sameContent({ text: 'hi' }, null)).toBe(false);
		expect(sameContent({ text: 'hi' }, ['hi'])).toBe(false);
	});
});

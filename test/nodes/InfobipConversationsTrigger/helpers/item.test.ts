import { DEFAULTS, buildItem, ignoreReason, normalizeDestination, resolveSettings, splitList } from '../../../../nodes/InfobipConversationsTrigger/helpers/item';
import { normalizeMessage, type NormalizedMessage } from '../../../../nodes/InfobipConversationsTrigger/helpers/inbound';
import { InfobipConversationsTrigger } from '../../../../nodes/InfobipConversationsTrigger/InfobipConversationsTrigger.node';
import { inbound } from '../../../support/inbound';

describe('settings, filters and the item', () => {
	const read = (body: unknown) => (normalizeMessage(body, Date.UTC(2024, 4, 1, 10, 0, 5)) as { value: NormalizedMessage }).value;
	const message = read(inbound({ extra: true }));

	it('applies defaults to an empty options collection', () => {
		expect(resolveSettings({})).toEqual({
			channels: [],
			destinations: [],
			includeNonText: true,
			maxBodyBytes: 256 * 1024,
			dedupeTtlMs: 24 * 3600 * 1000,
			dedupeMaxEntries: 5000,
			credentialCacheMs: 60_000,
			strictValidation: false,
		});
	});

	it('keeps the node description defaults in line with the helper defaults', () => {
		const collection = new InfobipConversationsTrigger().description.properties.find((p) => p.name === 'triggerOptions')!;
		const def = (name: string) => collection.options!.find((o) => 'name' in o && o.name === name) as { default: unknown };
		expect(def('maxBodySizeKb').default).toBe(DEFAULTS.maxBodySizeKb);
		expect(def('dedupeWindowHours').default).toBe(DEFAULTS.dedupeWindowHours);
		expect(def('dedupeMaxEntries').default).toBe(DEFAULTS.dedupeMaxEntries);
		expect(def('strictValidation').default).toBe(false);
	});

	it('splits lists and normalises destinations as people type them', () => {
		expect(splitList(' a, b ,\nc,,')).toEqual(['a', 'b', 'c']);
		expect(normalizeDestination('+44 7860-099 299')).toBe(normalizeDestination('447860099299'));
	});

	it('filters by channel, destination and content type', () => {
		expect(ignoreReason(message.message, resolveSettings({}))).toBeUndefined();
		expect(ignoreReason(message.message, resolveSettings({ channels: ['SMS', 'VIBER'] }))).toBe(
			"channel WHATSAPP is not one of the trigger's Channels (SMS, VIBER)",
		);
		expect(ignoreReason(message.message, resolveSettings({ channels: ['WHATSAPP'] }))).toBeUndefined();
		expect(ignoreReason(message.message, resolveSettings({ destinations: '+44 7860 099299, other-page' }))).toBeUndefined();
		expect(ignoreReason(message.message, resolveSettings({ destinations: '441111' }))).toBe(
			"destination 447860099299 is not one of the trigger's Destinations",
		);
		const image = read(inbound({ contentType: 'IMAGE', content: { url: 'https://x/y.jpg' } }));
		expect(ignoreReason(image.message, resolveSettings({ includeNonText: false }))).toMatch(/content type IMAGE is not text/);
		expect(ignoreReason(message.message, resolveSettings({ includeNonText: false }))).toBeUndefined();
	});

	it('ignores a message without channel or destination when those filters are set (it cannot match them)', () => {
		const bare = read({ conversationId: 'c-1', content: { text: 'hi' } });
		expect(ignoreReason(bare.message, resolveSettings({}))).toBeUndefined();
		expect(ignoreReason(bare.message, resolveSettings({ channels: ['WHATSAPP'] }))).toMatch(/names no channel/);
		expect(ignoreReason(bare.message, resolveSettings({ destinations: '447860099299' }))).toMatch(/names no destination/);
	});

	it('builds the item with the names the Send operation defaults read', () => {
		const raw = inbound({ extra: true });
		expect(buildItem(read(raw), Date.UTC(2024, 4, 1, 10, 0, 5))).toEqual({
			conversationId: 'conv-1',
			messageId: 'msg-1',
			channel: 'WHATSAPP',
			from: '385911111111',
			to: '447860099299',
			direction: 'INBOUND',
			contentType: 'TEXT',
			text: 'hello',
			content: { text: 'hello' },
			createdAt: '2024-05-01T10:00:00.000+00:00',
			received: { at: '2024-05-01T10:00:05.000Z', derived: [], deduplication: 'messageId' },
			payload: raw,
		});
		const image = read(inbound({ contentType: 'IMAGE', content: { url: 'https://x/y.jpg', text: 'not a text message' } }));
		expect(buildItem(image, 0).text).toBeNull();
	});
});

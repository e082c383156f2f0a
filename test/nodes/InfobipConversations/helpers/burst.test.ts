import { decideQuiet, type ListedMessage } from '../../../../nodes/InfobipConversations/helpers/burst';

const T0 = Date.UTC(2026, 11, 2, 10, 0, 0);
const msg = (id: string, secondsAfterT0: number, direction = 'INBOUND', text = id): ListedMessage => ({ id, direction, at: T0 + secondsAfterT0 * 1000, text, raw: { id } });
const QUIET = 4000;

describe('decideQuiet (who answers a burst)', () => {
	const history = [msg('bot-hello', -60, 'OUTBOUND'), msg('hi', 0), msg('my order', 1.5), msg('hasnt arrived', 3)];

	it('an earlier message of the burst gives way to the newer one', () => {
		expect(decideQuiet(history, { id: 'hi' }, T0 + 10_000, QUIET)).toEqual({ kind: 'newer', newest: history[3] });
		expect(decideQuiet(history, { id: 'my order' }, T0 + 10_000, QUIET)).toMatchObject({ kind: 'newer' });
	});

	it('the newest waits until the customer has been quiet for the quiet time (server clock)', () => {
		expect(decideQuiet(history, { id: 'hasnt arrived' }, T0 + 4000, QUIET)).toEqual({ kind: 'wait', ms: 3000 });
	});

	it('then answers the whole burst, oldest first, back to the last reply', () => {
		const d = decideQuiet(history, { id: 'hasnt arrived' }, T0 + 7000, QUIET);
		expect(d).toEqual({ kind: 'ready', burst: history.slice(1) });
	});

	it('a message after a quiet gap starts a burst of its own', () => {
		const later = [...history, msg('bot-reply-late?', 8, 'INBOUND', 'one more thing')];
		const d = decideQuiet(later, { id: 'bot-reply-late?' }, T0 + 13_000, QUIET);
		expect(d).toEqual({ kind: 'ready', burst: [later[4]] });
	});

	it('stops at the bot\'s reply even without a gap', () => {
		const withReply = [msg('a', 0), msg('reply', 1, 'OUTBOUND'), msg('b', 2)];
		expect(decideQuiet(withReply, { id: 'b' }, T0 + 7000, QUIET)).toEqual({ kind: 'ready', burst: [withReply[2]] });
	});

	it('finds its message by text and time when the item has no Infobip id, and by its own time when not listed yet', () => {
		const d = decideQuiet(history, { text: 'my order', at: T0 + 1400 }, T0 + 10_000, QUIET);
		expect(d).toMatchObject({ kind: 'newer' });
		expect(decideQuiet(history.slice(0, 3), { text: 'hasnt arrived', at: T0 + 3000 }, T0 + 4000, QUIET)).toEqual({ kind: 'wait', ms: 3000 });
	});

	it('any order in, the same decision', () => {
		expect(decideQuiet([...history].reverse(), { id: 'hasnt arrived' }, T0 + 7000, QUIET)).toEqual({ kind: 'ready', burst: history.slice(1) });
	});
});

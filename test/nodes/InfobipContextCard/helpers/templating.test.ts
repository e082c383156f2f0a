import {
	COMPILED_CACHE_SIZE,
	compile,
	compiledCacheSize,
	prepare,
	render,
	safeUrl,
	TemplateError,
	LIMITS,
} from '../../../../nodes/InfobipContextCard/helpers/templating';

const conv = (over: Record<string, string> = {}) => ({
	conversation: {
		agentNumber: '447860099299',
		agentId: 'agent-1',
		channel: 'WHATSAPP',
		conversationId: 'conv-1',
		customerDisplayName: 'Jane Doe',
		customerNumber: '385911111111',
		priority: 'HIGH',
		queueId: 'q-1',
		...over,
	},
});

function renderUrl(text: string, over: Record<string, string> = {}, engine: 'url' | 'urlRaw' = 'url') {
	return render(prepare(engine, text, 'url', 'Webhook URL'), conv(over), 'Webhook URL');
}

function thrown(fn: () => unknown): TemplateError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(TemplateError);
		return error as TemplateError;
	}
	throw new Error('expected a TemplateError');
}

describe('URL engine', () => {
	it('substitutes every conversation variable', () => {
		const text =
			'https://x.test/c?a={{conversation.agentNumber}}&b={{conversation.agentId}}&c={{conversation.channel}}&d={{conversation.conversationId}}&e={{conversation.customerDisplayName}}&f={{conversation.customerNumber}}&g={{conversation.priority}}&h={{conversation.queueId}}';
		expect(renderUrl(text)).toBe('https://x.test/c?a=447860099299&b=agent-1&c=WHATSAPP&d=conv-1&e=Jane%20Doe&f=385911111111&g=HIGH&h=q-1');
	});

	it.each([
		['../../admin?x=1#', '..%2F..%2Fadmin%3Fx%3D1%23'],
		['a/b', 'a%2Fb'],
		['<script>alert(1)</script>', '%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
		['Žana 😀', '%C5%BDana%20%F0%9F%98%80'],
		['line\r\nX-Injected: 1', 'line%0D%0AX-Injected%3A%201'],
		['@evil.test', '%40evil.test'],
	])('percent-encodes the hostile display name %j so it stays one path segment', (name, encoded) => {
		expect(renderUrl('https://x.test/customers/{{ conversation.customerDisplayName }}/card', { customerDisplayName: name })).toBe(
			`https://x.test/customers/${encoded}/card`,
		);
	});

	it('url_encode works as in Infobip (spaces become +) and is not encoded twice', () => {
		expect(renderUrl("https://x.test/?q={{ 'john@example.com' | url_encode }}&n={{ conversation.customerDisplayName | url_encode }}")).toBe(
			'https://x.test/?q=john%40example.com&n=Jane+Doe',
		);
	});

	it('other filters are still encoded, raw opts out', () => {
		expect(renderUrl('https://x.test/{{ conversation.customerDisplayName | upcase }}/{{ "a/b" | raw }}')).toBe('https://x.test/JANE%20DOE/a/b');
	});

	it('does not encode with auto-encoding off (urlRaw)', () => {
		expect(renderUrl('https://x.test/{{ conversation.customerDisplayName }}', { customerDisplayName: 'a/b' }, 'urlRaw')).toBe('https://x.test/a/b');
	});

	it('missing variables render as empty strings', () => {
		expect(renderUrl('https://x.test/{{ conversation.queueId }}/', { queueId: '' })).toBe('https://x.test//');
	});
});

describe('HTML engine (cards)', () => {
	const card = (text: string, scope: Record<string, unknown>) => render(prepare('html', text, 'card', 'Card'), scope, 'Card');

	it('escapes output by default, raw is the way out, escape is not applied twice', () => {
		const scope = { ...conv({ customerDisplayName: '<script>alert("x")</script>' }), response: { html: '<b>ok</b>' } };
		expect(card('{{ conversation.customerDisplayName }}|{{ response.html | raw }}|{{ response.html | escape }}|{{ response.html | upcase }}', scope)).toBe(
			'&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;|<b>ok</b>|&lt;b&gt;ok&lt;/b&gt;|&lt;B&gt;OK&lt;/B&gt;',
		);
	});

	it('safe_url keeps http(s)/mailto/relative links and neutralises javascript: and data:', () => {
		expect(safeUrl('https://jira.example.com/browse/SUP-1')).toBe('https://jira.example.com/browse/SUP-1');
		expect(safeUrl('/browse/SUP-1')).toBe('/browse/SUP-1');
		expect(safeUrl('mailto:a@b.c')).toBe('mailto:a@b.c');
		expect(safeUrl('javascript:alert(1)')).toBe('#');
		expect(safeUrl(' java\tscript:alert(1)')).toBe('#');
		expect(safeUrl('data:text/html,<script>')).toBe('#');
		expect(card('<a href="{{ response.link | safe_url }}">x</a>', { response: { link: 'javascript:alert(1)' } })).toBe('<a href="#">x</a>');
	});

	it('locals assigned by the template, for-loop variables and forloop are allowed', () => {
		const tpl = '{% assign first = response.items | first %}{{ first.k }}{% for it in response.items %},{{ it.k }}{{ forloop.index }}{% endfor %}{% capture c %}x{% endcapture %}{{ c }}';
		expect(card(tpl, { response: { items: [{ k: 'a' }, { k: 'b' }] } })).toBe('a,a1,b2x');
	});

	it('cannot read files with include/render', () => {
		const e = thrown(() => card("{% include 'package.json' %}", {}));
		expect(e.message).toMatch(/^Card template, line 1, column 1 could not be rendered: .*Failed to lookup "package.json"/);
	});
});

describe('JSON body engine', () => {
	it('escapes values for a JSON string; jsonify inserts whole values', () => {
		const tpl = prepare('json', '{"name": "{{ conversation.customerDisplayName }}", "conv": {{ conversation | jsonify }}}', 'body', 'Body');
		const out = render(tpl, conv({ customerDisplayName: 'Jane "J" \\ Doe\n<x>' }), 'Body');
		const parsed = JSON.parse(out);
		expect(parsed.name).toBe('Jane "J" \\ Doe\n<x>');
		expect(parsed.conv.conversationId).toBe('conv-1');
	});
});

describe('errors before any call name the template, line and variable', () => {
	it('syntax error', () => {
		const e = thrown(() => prepare('html', '<div>\n{% if response.ok %}\n</div>', 'card', 'Card'));
		expect(e.message).toBe('Card template, line 2, column 1 has a Liquid syntax error: tag {% if response.ok %} not closed');
		expect(e.detail).toMatchObject({ line: 2, column: 1 });
	});

	it('unknown filter', () => {
		const e = thrown(() => prepare('url', 'https://x.test/{{ conversation.queueId | nope }}', 'url', 'Webhook URL'));
		expect(e.message).toMatch(/^Webhook URL template, line 1, column \d+ has a Liquid syntax error: undefined filter: nope/);
	});

	it('unknown conversation key', () => {
		const e = thrown(() => prepare('html', 'a\nb {{ conversation.foo }}', 'card', 'Card'));
		expect(e.message).toMatch(/^Card template, line 2, column 6: unknown variable "conversation.foo". Available: conversation.agentNumber, /);
		expect(e.detail.variable).toBe('conversation.foo');
	});

	it('unknown root variable', () => {
		const e = thrown(() => prepare('text', '{{ customer.name }}', 'header', 'Header "X-Name"'));
		expect(e.message).toMatch(/^Header "X-Name" template, line 1, column 4: unknown variable "customer.name"\. Available: conversation\.agentNumber/);
	});

	it('response is not available in the URL; error only in the fallback', () => {
		expect(thrown(() => prepare('url', 'https://x.test/{{ response.id }}', 'url', 'Webhook URL')).message).toMatch(
			/^Webhook URL template, line 1, column 19: "response" is not available in the Webhook URL template/,
		);
		expect(thrown(() => prepare('html', '{{ error.message }}', 'card', 'Card')).message).toMatch(/"error" is not available in the Card template/);
		expect(() => prepare('html', '{{ error.message }} {{ error.status }} {{ request.url }}', 'fallback', 'Fallback Card')).not.toThrow();
		expect(thrown(() => prepare('html', '{{ error.body }}', 'fallback', 'Fallback Card')).message).toMatch(/unknown variable "error.body"/);
		expect(thrown(() => prepare('html', '{{ request.headers }}', 'card', 'Card')).message).toMatch(/unknown variable "request.headers"/);
	});

	it('a variable used before it is assigned is still checked', () => {
		expect(thrown(() => prepare('html', '{{ x }}{% assign x = 1 %}', 'card', 'Card')).message).toMatch(/unknown variable "x"/);
	});
});

describe('limits stop runaway templates with a message naming the limit', () => {
	it('nested loops over 1e6 × 1e6 are stopped (render time or memory, whichever comes first)', () => {
		const tpl = prepare('html', '\n{% for i in (1..1000000) %}{% for j in (1..1000000) %}x{% endfor %}{% endfor %}', 'card', 'Card');
		const e = thrown(() => render(tpl, {}, 'Card'));
		expect(e.message).toMatch(/^Card template, line 2, column \d+ was stopped: it exceeded the (render time limit \(1,000 ms\)|memory limit)/);
	});

	it('a string doubling in a loop hits the memory limit', () => {
		const tpl = prepare('html', '{% assign s = "xxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}', 'card', 'Card');
		const e = thrown(() => render(tpl, {}, 'Card'));
		expect(e.message).toMatch(/^Card template, line 1, column \d+ was stopped: it exceeded the memory limit \(10,000,000 allocation units\)/);
		expect(e.detail.limit).toMatch(/memory limit/);
	});

	it('nested loops over a big response hit the render time limit', () => {
		const items = Array.from({ length: 3000 }, (_, k) => ({ k }));
		const tpl = prepare('html', '{% for a in response.items %}{% for b in response.items %}{{ b.k }}{% endfor %}{% endfor %}', 'card', 'Card');
		const e = thrown(() => render(tpl, { response: { items } }, 'Card'));
		expect(e.message).toMatch(/was stopped: it exceeded the render time limit \(1,000 ms\)/);
	});

	it('a template longer than the size limit is refused', () => {
		const e = thrown(() => compile('html', 'x'.repeat(LIMITS.templateChars + 1), 'Card'));
		expect(e.message).toMatch(/^Card template is too long .* template size limit \(100,000 characters\)/);
	});
});

describe('compiled-template LRU', () => {
	it('reuses parsed templates and stays bounded', () => {
		const a = compile('html', 'same {{ response.x }}', 'Card');
		expect(compile('html', 'same {{ response.x }}', 'Card')).toBe(a);
		expect(compile('text', 'same {{ response.x }}', 'Card')).not.toBe(a);
		for (let k = 0; k < COMPILED_CACHE_SIZE + 20; k++) compile('text', `t${k} {{ conversation.queueId }}`, 'Body');
		expect(compiledCacheSize()).toBe(COMPILED_CACHE_SIZE);
		expect(compile('html', 'same {{ response.x }}', 'Card')).not.toBe(a);
	});
});

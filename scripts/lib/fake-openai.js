// @ts-check
/**
 * A scripted stand-in for OpenAI's chat completions API on 127.0.0.1, so the AI-agent example runs end to end
 * without an API key: n8n's OpenAI Chat Model (credential Base URL pointed here) talks to it exactly as to OpenAI.
 *
 * Script: when the customer asks for a person ("agent", "person", "human"), the model first calls the tool whose
 * description mentions saving facts for the agent and the tool that hands the conversation off, then answers;
 * otherwise it answers directly. Supports plain and streamed (SSE) answers. Records every request.
 */
const http = require('node:http');

const HANDOFF = /\b(agent|person|human)\b/i;

function pickTool(tools, pattern) {
	return (tools || []).map((t) => t.function).find((f) => pattern.test(`${f.name} ${f.description ?? ''}`));
}

/** Arguments for a tool from its JSON schema: objects for object-typed fields, strings otherwise. */
function argumentsFor(fn, facts) {
	const props = fn?.parameters?.properties ?? {};
	const args = {};
	for (const [name, schema] of Object.entries(props)) {
		const type = /** @type {any} */ (schema).type;
		if (/metadata/i.test(name)) args[name] = type === 'string' ? JSON.stringify(facts) : facts;
		else if (type === 'number' || type === 'integer') args[name] = 1;
		else if (type === 'boolean') args[name] = true;
		else args[name] = '';
	}
	return JSON.stringify(args);
}

function decide(body) {
	const messages = body.messages ?? [];
	const lastUser = [...messages].reverse().find((m) => m.role === 'user' || m.role === 'human');
	const userText = typeof lastUser?.content === 'string' ? lastUser.content : JSON.stringify(lastUser?.content ?? '');
	const sinceUser = messages.slice(messages.lastIndexOf(lastUser) + 1);
	const toolResults = sinceUser.filter((m) => m.role === 'tool');
	if (HANDOFF.test(userText) && toolResults.length === 0) {
		const save = pickTool(body.tools, /facts|context|metadata/i);
		const handoff = pickTool(body.tools, /hand|route|routing/i);
		const calls = [];
		if (save) calls.push({ id: 'call_save', type: 'function', function: { name: save.name, arguments: argumentsFor(save, { Intent: 'talk to a person', Summary: userText.slice(0, 100) }) } });
		if (handoff) calls.push({ id: 'call_handoff', type: 'function', function: { name: handoff.name, arguments: argumentsFor(handoff, {}) } });
		if (calls.length) return { toolCalls: calls };
	}
	if (toolResults.length) return { content: 'I have passed your conversation to a colleague, who will reply here shortly.' };
	return { content: 'Hi! I am the ACME assistant. How can I help?' };
}

async function startFakeOpenAi() {
	/** @type {Array<{ path?: string, body: any }>} */
	const requests = [];
	const server = http.createServer((req, res) => {
		let raw = '';
		req.on('data', (c) => (raw += c));
		req.on('end', () => {
			const body = raw ? JSON.parse(raw) : {};
			requests.push({ path: req.url, body });
			if (req.method === 'GET' && /\/models$/.test(req.url ?? '')) {
				res.setHeader('content-type', 'application/json');
				return res.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', owned_by: 'fake' }] }));
			}
			if (!/\/chat\/completions$/.test(req.url ?? '')) {
				res.statusCode = 404;
				return res.end(JSON.stringify({ error: { message: `fake OpenAI: ${req.method} ${req.url} is not scripted` } }));
			}
			const answer = decide(body);
			const base = { id: `chatcmpl-${requests.length}`, created: Math.floor(Date.now() / 1000), model: body.model ?? 'gpt-4o-mini' };
			const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
			const finish = answer.toolCalls ? 'tool_calls' : 'stop';
			if (body.stream) {
				res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
				const chunk = (delta, finishReason = null) =>
					res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`);
				chunk({ role: 'assistant', content: answer.content ?? '' });
				if (answer.toolCalls) chunk({ tool_calls: answer.toolCalls.map((c, index) => ({ index, ...c })) });
				chunk({}, finish);
				res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\n`);
				return res.end('data: [DONE]\n\n');
			}
			res.setHeader('content-type', 'application/json');
			res.end(
				JSON.stringify({
					...base,
					object: 'chat.completion',
					choices: [{ index: 0, message: { role: 'assistant', content: answer.content ?? null, ...(answer.toolCalls ? { tool_calls: answer.toolCalls } : {}) }, finish_reason: finish }],
					usage,
				}),
			);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	return { url: `http://127.0.0.1:${port}/v1`, requests, close: () => new Promise((resolve) => server.close(() => resolve(undefined))) };
}

module.exports = { startFakeOpenAi };

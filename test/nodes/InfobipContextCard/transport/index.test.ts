/**
 * Exact request shapes of the Fetch Context Card node (nock).
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { InfobipContextCard } from '../../../../nodes/InfobipContextCard/InfobipContextCard.node';
import { createExecuteContext } from '../../../support/n8nContext';
import { useNock } from '../../../support/nock';

const JIRA = 'https://example.atlassian.net';
const item = { conversationId: 'conv-77', from: '385911111111', to: '447860099299', channel: 'WHATSAPP', customerDisplayName: 'Ana "A" Ivić' };

function params(over: Record<string, unknown>) {
	return {
		mode: 'fetch',
		method: 'GET',
		authentication: 'none',
		conversationSource: 'inputItem',
		cardTemplate: '{{ response.ok }}',
		options: {},
		...over,
	};
}

useNock();

it('GET: the exact URL, query encoding and headers', async () => {
	const scope = nock(JIRA, {
		reqheaders: {
			accept: 'application/json',
			'x-conversation-id': 'conv-77',
			'x-channel': 'whatsapp',
		},
		badheaders: ['content-type'],
	})
		.get('/rest/api/2/search')
		.query((q) => q.jql === 'text ~ "conv-77"' && q.fields === 'summary,status' && q.maxResults === '1')
		.reply(200, { ok: 'yes' });
	const ctx = createExecuteContext({
		parameters: params({
			url: `${JIRA}/rest/api/2/search?jql={{ 'text ~ "' | append: conversation.conversationId | append: '"' | url_encode }}&fields=summary,status&maxResults=1`,
			sendHeaders: true,
			headers: {
				header: [
					{ name: 'Accept', value: 'application/json' },
					{ name: 'X-Conversation-Id', value: '{{ conversation.conversationId }}' },
					{ name: 'X-Channel', value: '{{ conversation.channel | downcase }}' },
				],
			},
		}),
		items: [{ json: item }],
	});
	const [[out]] = await new InfobipContextCard().execute.call(ctx);
	expect(scope.isDone()).toBe(true);
	expect(out.json.html).toBe('yes');
	expect((out.json.request as IDataObject).url).toBe(`${JIRA}/rest/api/2/search?jql=text+~+%22conv-77%22&fields=summary,status&maxResults=1`);
});

it('POST: the exact JSON body, escaped for JSON strings', async () => {
	const scope = nock('https://crm.example.com', { reqheaders: { 'content-type': 'application/json' } })
		.post('/api/lookup', { conversationId: 'conv-77', customer: { number: '385911111111', name: 'Ana "A" Ivić' }, tags: ['card'] })
		.reply(201, { ok: 'created' });
	const ctx = createExecuteContext({
		parameters: params({
			method: 'POST',
			url: 'https://crm.example.com/api/lookup',
			sendBody: true,
			bodyContentType: 'json',
			body: '{\n  "conversationId": "{{ conversation.conversationId }}",\n  "customer": { "number": "{{ conversation.customerNumber }}", "name": "{{ conversation.customerDisplayName }}" },\n  "tags": ["card"]\n}',
		}),
		items: [{ json: item }],
	});
	const [[out]] = await new InfobipContextCard().execute.call(ctx);
	expect(scope.isDone()).toBe(true);
	expect(out.json).toMatchObject({ html: 'created', request: { method: 'POST', status: 201 } });
});

it('predefined credential that authenticates in the query (Pipedrive api_token): request.url is the URL before auth', async () => {
	const token = 'pipedrive-token-31337';
	const scope = nock('https://acme.pipedrive.com').get('/v1/persons/search').query({ term: '385911111111', api_token: token }).reply(200, { ok: 'found' });
	const ctx = createExecuteContext({
		parameters: params({
			url: 'https://acme.pipedrive.com/v1/persons/search?term={{ conversation.customerNumber }}',
			authentication: 'predefinedCredentialType',
			nodeCredentialType: 'pipedriveApi',
		}),
		items: [{ json: item }],
		credentials: { pipedriveApi: { apiToken: token } },
		// n8n's Pipedrive API credential: authenticate → qs.api_token
		authenticators: { pipedriveApi: (c, o) => ({ ...o, qs: { ...(o.qs ?? {}), api_token: String(c.apiToken) } }) },
	});
	const [[out]] = await new InfobipContextCard().execute.call(ctx);
	expect(scope.isDone()).toBe(true);
	expect((out.json.request as IDataObject).url).toBe('https://acme.pipedrive.com/v1/persons/search?term=385911111111');
	expect(JSON.stringify(out)).not.toContain(token);
});

it('DELETE and PATCH use their methods; PATCH text body is sent as it is', async () => {
	const scope = nock('https://api.example.com')
		.delete('/cards/conv-77')
		.reply(204)
		.patch('/cards/conv-77', 'status=seen')
		.matchHeader('content-type', 'application/x-www-form-urlencoded')
		.reply(200, 'ok', { 'content-type': 'text/plain' });
	const del = createExecuteContext({
		parameters: params({ method: 'DELETE', url: 'https://api.example.com/cards/{{ conversation.conversationId }}', cardTemplate: 'deleted {{ request.status }} [{{ response }}]' }),
		items: [{ json: item }],
	});
	const [[d]] = await new InfobipContextCard().execute.call(del);
	expect(d.json.html).toBe('deleted 204 []');
	const patch = createExecuteContext({
		parameters: params({
			method: 'PATCH',
			url: 'https://api.example.com/cards/{{ conversation.conversationId }}',
			sendBody: true,
			bodyContentType: 'text',
			textContentType: 'application/x-www-form-urlencoded',
			body: 'status=seen',
			cardTemplate: '{{ response }}',
		}),
		items: [{ json: item }],
	});
	const [[p]] = await new InfobipContextCard().execute.call(patch);
	expect(p.json.html).toBe('ok');
	expect(scope.isDone()).toBe(true);
});

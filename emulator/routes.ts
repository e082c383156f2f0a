/** The Conversations API the emulator speaks (docs/emulator.md), as a table, and its handlers. */
import { randomUUID } from 'node:crypto';

import { HttpError, methodNotAllowed, notFound, parseOr400 } from './errors';
import { publicMessage } from './profile';
import { findRoute, route, type Request, type Route } from './router';
import { contentSchemas, messageSchema, metadataSchema, patchSchema, STATUSES } from './schemas';
import { sortByOrder } from './store';
import type { Conversation, Core, Message } from './types';

export const AGENTS = [
	{ id: 'agent-alice', displayName: 'Alice Agent', email: 'alice@example.com', role: 'AGENT', status: 'ACTIVE', enabled: true },
	{ id: 'agent-bob', displayName: 'Bob Agent', email: 'bob@example.com', role: 'AGENT', status: 'ACTIVE', enabled: true },
];
export const QUEUES = [{ id: 'queue-support', name: 'Support' }];

const C = '/ccaas/1/conversations';
export const API_ROUTES: readonly Route[] = [
	route('GET', '/ccaas/1/agents', (_c, r) => page(AGENTS.filter(agentNamed(r.query.get('displayName'))), r.query, 'agents')),
	route('GET', '/ccaas/1/queues', (_c, r) => page(QUEUES, r.query, 'queues')),
	route('GET', '/ccaas/1/bots', (c, r) => page([c.bot.settings.resource()], r.query, 'bots')),
	route('GET', '/ccaas/1/bots/:botId', (c, r) => c.bot.settings.find(r.params.botId)),
	route('PUT', '/ccaas/1/bots/:botId', (c, r) => c.bot.settings.replace(r.params.botId, r.body)),
	route('GET', C, listConversations),
	route('*', C, () => {
		throw methodNotAllowed();
	}),
	route('GET', `${C}/:id`, (c, r) => publicConversation(c.store.conversation(r.params.id))),
	route('PATCH', `${C}/:id`, updateConversation),
	route('PUT', `${C}/:id`, updateConversation),
	route('POST', `${C}/:id/route`, routeToQueue),
	route('PUT', `${C}/:id/assignee`, assign),
	route('GET', `${C}/:id/metadata`, (c, r) => (c.store.conversation(r.params.id), c.store.state.metadata.get(r.params.id) ?? {})),
	route('PUT', `${C}/:id/metadata`, (c, r) => writeMetadata(c, r, 'replace')),
	route('PATCH', `${C}/:id/metadata`, (c, r) => {
		// only PUT (overwrite) and GET are on Infobip's public reference pages; refused before the conversation is looked up, as a router would
		if (c.profile === 'documented') throw methodNotAllowed('GET, PUT');
		return writeMetadata(c, r, 'merge');
	}),
	route('GET', `${C}/:id/messages`, listMessages),
	route('POST', `${C}/:id/messages`, postMessage),
	// anything else about a conversation: 404 for it if it does not exist, else 404 for the path
	route('*', `${C}/:id/*`, (c, r) => {
		c.store.conversation(r.params.id);
		throw notFound();
	}),
];

/** Answers an authorised API request: the handler's body (200), or throws the HttpError to answer. */
export function handleApi(core: Core, r: Omit<Request, 'params'>): unknown {
	core.store.expireSessions(core.bot.settings.sessionTimeoutSeconds);
	const found = findRoute(API_ROUTES, r.method, r.path);
	if (!found) throw notFound();
	return found.handler(core, { ...r, params: found.params });
}

const agentNamed = (displayName: string | null) => {
	const name = displayName?.toLowerCase();
	return (a: (typeof AGENTS)[number]) => !name || a.displayName.toLowerCase().includes(name);
};

const publicConversation = (c: Conversation) => {
	const { withBot: _w, customer: _c, ...rest } = c;
	return rest;
};

/** One page of `items` as the API lists them: `{[key]: [...], pagination}`; `page` 0-based, `limit` 1–999. */
function page<T>(items: readonly T[], q: URLSearchParams, key: string, map: (item: T) => unknown = (x) => x) {
	const limit = q.has('limit') ? Number(q.get('limit')) : 10;
	const p = q.has('page') ? Number(q.get('page')) : 0;
	if (!Number.isInteger(limit) || limit < 1 || limit > 999) throw new HttpError(400, 'limit must be an integer from 1 to 999', 'BAD_REQUEST', { limit: ['must be 1..999'] });
	if (!Number.isInteger(p) || p < 0) throw new HttpError(400, 'page must be a non-negative integer', 'BAD_REQUEST', { page: ['must be >= 0'] });
	return { [key]: items.slice(p * limit, p * limit + limit).map(map), pagination: { totalItems: items.length, page: p, limit } };
}

/**
 * A time filter as the emulator's timestamp text (fixed width, +00:00), so comparing the strings compares the
 * times without parsing 100,000 dates per request; undefined when not given.
 */
function timeBound(c: Core, q: URLSearchParams, name: string): string | undefined {
	const v = q.get(name);
	if (!v) return undefined;
	const t = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
	if (!Number.isFinite(t)) throw new HttpError(400, `${name} is not a valid timestamp`, 'BAD_REQUEST', { [name]: ['invalid date-time'] });
	return c.clock.ts(t);
}

function listConversations(c: Core, { query: q }: Request) {
	const status = q.get('status');
	if (status && !(STATUSES as readonly string[]).includes(status)) throw new HttpError(400, `Unknown status ${status}`, 'BAD_REQUEST', { status: ['invalid'] });
	const agentId = q.get('agentId');
	const queueIds = [...q.getAll('queueIds'), ...q.getAll('queueIds[]'), ...q.getAll('queueId')];
	const [ca, cb, ua, ub] = ['createdAfter', 'createdBefore', 'updatedAfter', 'updatedBefore'].map((name) => timeBound(c, q, name));
	const items: Conversation[] = [];
	for (const conv of c.store.sortedConversations(q.get('orderBy'))) {
		if (
			(!status || conv.status === status) &&
			(!agentId || conv.agentId === agentId) &&
			(!queueIds.length || (conv.queueId !== null && queueIds.includes(conv.queueId))) &&
			(ca === undefined || conv.createdAt > ca) &&
			(cb === undefined || conv.createdAt < cb) &&
			(ua === undefined || conv.updatedAt > ua) &&
			(ub === undefined || conv.updatedAt < ub)
		) {
			items.push(conv);
		}
	}
	return page(items, q, 'conversations', publicConversation);
}

function updateConversation(c: Core, r: Request) {
	const conv = c.store.conversation(r.params.id);
	if (conv.status === 'CLOSED') throw new HttpError(400, 'Closed conversations cannot be updated');
	const input = { ...(r.body as object) } as Record<string, unknown>;
	for (const k of ['id', 'createdAt', 'updatedAt', 'closedAt']) delete input[k];
	const update = parseOr400(patchSchema, input, 'Invalid conversation update');
	Object.assign(conv, update);
	conv.updatedAt = c.clock.ts();
	if (update.status === 'CLOSED' || update.status === 'SOLVED') {
		conv.withBot = false;
		if (update.status === 'CLOSED') conv.closedAt = conv.updatedAt;
	}
	return publicConversation(conv);
}

/** POST …/route: away from the bot and any agent, into a queue. */
function routeToQueue(c: Core, r: Request) {
	const conv = c.store.conversation(r.params.id);
	if (conv.status === 'CLOSED') throw new HttpError(400, 'Closed conversations cannot be routed');
	conv.agentId = null;
	conv.withBot = false;
	conv.queueId = conv.queueId ?? QUEUES[0].id;
	conv.updatedAt = c.clock.ts();
	return publicConversation(conv);
}

/** PUT …/assignee {agentId}: to an agent, or back to the bot (whose session then runs again). */
function assign(c: Core, r: Request) {
	const conv = c.store.conversation(r.params.id);
	const agentId = (r.body as { agentId?: unknown } | undefined)?.agentId;
	if (typeof agentId !== 'string' || !agentId) throw new HttpError(400, 'agentId is required', 'BAD_REQUEST', { agentId: ['required'] });
	const botId = c.bot.settings.id;
	if (!AGENTS.some((a) => a.id === agentId) && agentId !== botId) throw notFound(`Agent ${agentId} not found`);
	conv.agentId = agentId;
	conv.withBot = agentId === botId;
	conv.updatedAt = c.clock.ts();
	if (conv.withBot) c.store.watchSession(conv);
	return publicConversation(conv);
}

function writeMetadata(c: Core, r: Request, mode: 'replace' | 'merge') {
	const id = c.store.conversation(r.params.id).id;
	const values = parseOr400(metadataSchema, r.body, 'Metadata must be a flat object of text, number or boolean values');
	const metadata = c.store.state.metadata;
	metadata.set(id, mode === 'replace' ? values : { ...(metadata.get(id) ?? {}), ...values });
	return { statusCode: 'SUCCESS', message: 'Metadata added to conversation successfully.' };
}

function listMessages(c: Core, { params, query: q }: Request) {
	c.store.conversation(params.id);
	const direction = q.get('direction');
	const items = (c.store.state.messages.get(params.id) ?? []).filter((m) => !direction || m.direction === direction);
	return page(sortByOrder(items, q.get('orderBy'), 'createdAt:asc'), q, 'messages', (m) => publicMessage(m, c.profile));
}

/** POST …/messages: content checked per contentType; when assigned, only the assignee's x-agent-id may send. */
function postMessage(c: Core, r: Request) {
	const conv = c.store.conversation(r.params.id);
	const m = parseOr400(messageSchema, r.body, 'Invalid message');
	const schema = contentSchemas[m.contentType];
	if (!schema) throw new HttpError(400, `Unsupported contentType ${m.contentType}`, 'BAD_REQUEST', { contentType: ['unsupported'] });
	const content = parseOr400(schema, m.content, `Invalid ${m.contentType} content`) as Record<string, unknown>;
	if (conv.status === 'CLOSED') throw new HttpError(400, 'Conversation is closed');
	const sender = r.headers['x-agent-id'];
	if (conv.agentId && sender !== conv.agentId) {
		throw new HttpError(400, `Conversation is assigned to another agent; x-agent-id ${sender ? 'does not match' : 'is missing'}`);
	}
	const senderId = typeof sender === 'string' ? sender : undefined;
	const msg: Message = {
		id: randomUUID(),
		conversationId: conv.id,
		...m,
		content,
		direction: 'OUTBOUND',
		createdAt: c.clock.ts(),
		authorType: senderId !== undefined && senderId === c.bot.settings.id ? 'BOT' : 'AGENT',
		...(senderId !== undefined ? { authorId: senderId } : {}),
		agentId: senderId,
	};
	c.store.addMessage(msg);
	return publicMessage(msg, c.profile);
}

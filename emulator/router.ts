/** A small table router: method + path pattern (`:name` a segment, a last `*` any rest) → handler. */
import type { IncomingHttpHeaders } from 'node:http';

import { HttpError } from './errors';
import type { Core } from './types';

export interface Request {
	method: string;
	path: string;
	query: URLSearchParams;
	headers: IncomingHttpHeaders;
	/** the JSON body (undefined: none) */
	body: unknown;
	/** the path's `:name` segments, decoded */
	params: Record<string, string>;
}
/** What a handler returns is answered with 200 as JSON; what it throws (HttpError) as Infobip's error. */
export type Handler = (core: Core, r: Request) => unknown;
export interface Route {
	/** an HTTP method, or '*' for any */
	method: string;
	segments: string[];
	handler: Handler;
}

export const route = (method: string, path: string, handler: Handler): Route => ({ method, segments: path.split('/').filter(Boolean), handler });

/** The first route of `routes` for the request, with the path's parameters; undefined when none matches. */
export function findRoute(routes: readonly Route[], method: string, path: string): { handler: Handler; params: Record<string, string> } | undefined {
	let parts: string[];
	try {
		parts = path.split('/').filter(Boolean).map(decodeURIComponent);
	} catch {
		throw new HttpError(400, 'The path is not valid percent-encoding');
	}
	for (const r of routes) {
		const params = r.method === '*' || r.method === method ? match(r.segments, parts) : undefined;
		if (params) return { handler: r.handler, params };
	}
	return undefined;
}

function match(segments: string[], parts: string[]): Record<string, string> | undefined {
	const rest = segments[segments.length - 1] === '*';
	const fixed = rest ? segments.length - 1 : segments.length;
	if (rest ? parts.length < fixed : parts.length !== fixed) return undefined;
	const params: Record<string, string> = {};
	for (let i = 0; i < fixed; i++) {
		if (segments[i].startsWith(':')) params[segments[i].slice(1)] = parts[i];
		else if (segments[i] !== parts[i]) return undefined;
	}
	return params;
}

/** The table router (emulator/router.ts) that the API and the control API are written with. */
import { HttpError } from '../../emulator/errors';
import { findRoute, route } from '../../emulator/router';

const h = (name: string) => () => name;
const routes = [
	route('GET', '/ccaas/1/conversations', h('list')),
	route('*', '/ccaas/1/conversations', h('any-collection')),
	route('GET', '/ccaas/1/conversations/:id', h('one')),
	route('PUT', '/ccaas/1/conversations/:id/assignee', h('assign')),
	route('*', '/ccaas/1/conversations/:id/*', h('rest')),
];
const find = (method: string, path: string) => {
	const found = findRoute(routes, method, path);
	return found && { name: found.handler({} as never, {} as never), params: found.params };
};

describe('findRoute', () => {
	it('matches method and path, the first row winning, with the path parameters decoded', () => {
		expect(find('GET', '/ccaas/1/conversations')).toEqual({ name: 'list', params: {} });
		expect(find('DELETE', '/ccaas/1/conversations')).toEqual({ name: 'any-collection', params: {} });
		expect(find('GET', '/ccaas/1/conversations/a%20b')).toEqual({ name: 'one', params: { id: 'a b' } });
		expect(find('PUT', '/ccaas/1/conversations/x/assignee')).toEqual({ name: 'assign', params: { id: 'x' } });
	});

	it('a last * takes any rest of the path, also none', () => {
		expect(find('GET', '/ccaas/1/conversations/x/assignee')).toEqual({ name: 'rest', params: { id: 'x' } });
		expect(find('POST', '/ccaas/1/conversations/x/a/b/c')).toEqual({ name: 'rest', params: { id: 'x' } });
		expect(find('DELETE', '/ccaas/1/conversations/x')).toEqual({ name: 'rest', params: { id: 'x' } });
	});

	it('ignores empty segments and answers undefined when nothing matches', () => {
		expect(find('GET', '//ccaas/1/conversations/')).toEqual({ name: 'list', params: {} });
		expect(find('GET', '/ccaas/1/agents')).toBeUndefined();
		expect(find('GET', '/ccaas/2/conversations')).toBeUndefined();
	});

	it('refuses a path that is not valid percent-encoding with a 400', () => {
		expect(() => find('GET', '/ccaas/1/conversations/%E0%A4%A')).toThrow(HttpError);
		expect(() => find('GET', '/ccaas/1/conversations/%E0%A4%A')).toThrow(expect.objectContaining({ status: 400 }));
	});
});

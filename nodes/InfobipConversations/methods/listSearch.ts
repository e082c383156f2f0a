import type { ILoadOptionsFunctions, INodeListSearchResult, IDataObject } from 'n8n-workflow';

import { infobipApiRequest } from '../transport';

export async function searchAgents(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const body = await infobipApiRequest.call(this, {
		method: 'GET',
		path: '/ccaas/1/agents',
		qs: { limit: 100, ...(filter ? { displayName: filter } : {}) },
	});
	const agents = (body.agents as IDataObject[] | undefined) ?? [];
	return { results: agents.map((a) => ({ name: String(a.displayName ?? a.id), value: String(a.id) })) };
}

import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { routeConversation } from '../../transport/conversations';
import { requireString } from '../../helpers/params';
import { conversationIdField } from './common';

export const description: INodeProperties[] = [conversationIdField(['route'])];

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const id = requireString(this, 'conversationId', i, 'Conversation ID');
	// Routing twice is harmless, so a retry after an ambiguous failure is safe.
	const result = await routeConversation(this, id);
	// The API documents a result page; the product docs describe the conversation itself.
	const page = result.conversations as IDataObject[] | undefined;
	return [Array.isArray(page) ? (page[0] ?? { id }) : result];
}

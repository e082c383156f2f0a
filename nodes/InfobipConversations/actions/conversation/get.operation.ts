import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getConversation } from '../../transport/conversations';
import { requireString } from '../../helpers/params';
import { conversationIdField } from './common';

export const description: INodeProperties[] = [conversationIdField(['get'])];

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const id = requireString(this, 'conversationId', i, 'Conversation ID');
	return [await getConversation(this, id)];
}

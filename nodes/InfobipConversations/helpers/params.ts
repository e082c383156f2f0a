import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

export function requireString(ctx: IExecuteFunctions, name: string, i: number, label: string): string {
	const value = String(ctx.getNodeParameter(name, i, '', { extractValue: true }) ?? '').trim();
	if (!value) {
		throw new NodeOperationError(ctx.getNode(), `"${label}" is empty`, {
			itemIndex: i,
			description: `Set "${label}" or map it from the previous node (for items from the Infobip Conversations Trigger it is {{ $json.conversationId }}).`,
		});
	}
	return value;
}

export function conversationPath(id: string, suffix = ''): string {
	return `/ccaas/1/conversations/${encodeURIComponent(id)}${suffix}`;
}

/** x-agent-id: node parameter, else the credential's default bot agent id. */
export async function resolveAgentId(ctx: IExecuteFunctions, i: number): Promise<string> {
	const fromParam = String(ctx.getNodeParameter('agentId', i, '') ?? '').trim();
	if (fromParam) return fromParam;
	const creds = await ctx.getCredentials('infobipConversationsApi');
	const fromCred = String(creds.defaultAgentId ?? '').trim();
	if (fromCred) return fromCred;
	throw new NodeOperationError(ctx.getNode(), 'No agent id for x-agent-id', {
		itemIndex: i,
		description:
			'Set "Agent ID" (the bot\'s UUID from its configuration page in Conversations → External chatbot), or "Default Bot Agent ID" in the credential.',
	});
}

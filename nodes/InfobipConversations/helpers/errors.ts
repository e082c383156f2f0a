import type { IDataObject } from 'n8n-workflow';

/** Reads Infobip's two error body shapes into one message. */
export function infobipErrorText(body: unknown): { text?: string; messageId?: string; validation?: string } {
	if (!body || typeof body !== 'object') return {};
	const b = body as IDataObject;
	const se = ((b.requestError as IDataObject | undefined)?.serviceException ?? undefined) as IDataObject | undefined;
	if (se) {
		const ve = se.validationErrors as Record<string, string[]> | undefined;
		const validation = ve
			? Object.entries(ve)
					.map(([field, msgs]) => `${field}: ${(Array.isArray(msgs) ? msgs : [msgs]).join(', ')}`)
					.join('; ')
			: undefined;
		return { text: se.text as string | undefined, messageId: se.messageId as string | undefined, validation };
	}
	if (typeof b.message === 'string') return { text: b.message, messageId: b.statusCode as string | undefined };
	return {};
}

export function hintForStatus(status: number): string {
	switch (status) {
		case 400:
			return 'Infobip rejected the request: check the values sent (for Send Message: from/to/channel and the x-agent-id of the agent or bot that owns the conversation).';
		case 401:
			return 'Check the API key and base URL in the "Infobip Conversations API" credential.';
		case 403:
			return 'The API key is valid but may not do this: give it the Conversations scopes in the Infobip portal — reading needs conversations:read (or similar), every change (send, route, assign, metadata, update) needs conversations:manage.';
		case 404:
			return 'The conversation, agent or queue id does not exist in this Infobip account.';
		case 429:
			return 'Infobip rate limit reached and retries were exhausted: lower "Concurrency" or "Max Requests per Second".';
		default:
			return status >= 500 ? 'Infobip had a server error; try again later.' : '';
	}
}

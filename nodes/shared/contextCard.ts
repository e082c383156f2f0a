/**
 * The conversation variables of an Infobip custom context card (Conversations → Settings → Integrations → Custom
 * cards), in the order Infobip lists them: what the Infobip Context Card Trigger hands the flow and what Fetch
 * Context Card's templates see as `conversation`.
 */
export const CARD_VARIABLES = [
	'agentNumber',
	'agentId',
	'channel',
	'conversationId',
	'customerDisplayName',
	'customerNumber',
	'priority',
	'queueId',
] as const;

export type CardVariable = (typeof CARD_VARIABLES)[number];
export type ConversationVars = Record<CardVariable, string>;

/** Every variable, empty. */
export function emptyConversation(): ConversationVars {
	return Object.fromEntries(CARD_VARIABLES.map((name) => [name, ''])) as ConversationVars;
}

/**
 * The Infobip Context Card Trigger as test/support/webhookContext.ts serves it: its webhook method as the
 * parameters set it (n8n resolves the description's expression), and "onReceived" in place of "lastNode", which
 * the harness does not model (n8n's answer with the last node's card is checked in real n8n:
 * scripts/e2e/scenarios/card.js).
 */
import type { INodeType } from 'n8n-workflow';

import { InfobipContextCardTrigger } from '../../nodes/InfobipContextCardTrigger/InfobipContextCardTrigger.node';

export function servedCardTrigger(method: string): INodeType {
	const node = new InfobipContextCardTrigger();
	const webhook = node.description.webhooks![0];
	return {
		description: { ...node.description, webhooks: [{ ...webhook, httpMethod: method as 'GET', responseMode: 'onReceived', responseData: 'noData' }] },
		webhook: node.webhook,
	};
}

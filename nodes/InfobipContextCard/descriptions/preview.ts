/**
 * The properties only Preview mode shows: the sample answer and portal data the card is rendered from.
 */
import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

export const SAMPLE_RESPONSE = `{
  "total": 1,
  "issues": [
    {
      "key": "SUP-42",
      "fields": {
        "summary": "Customer cannot log in",
        "status": { "name": "In Progress" }
      }
    }
  ]
}`;

export const SAMPLE_PORTAL_DATA = `{
  "conversation": {
    "agentId": "8a0e3f0c-agent",
    "agentNumber": "447860099299",
    "channel": "WHATSAPP",
    "conversationId": "3b0a7a3e-2d57-4c6c-9a49-1b2f8f0d7e11",
    "customerDisplayName": "Jane Doe",
    "customerNumber": "385911111111",
    "priority": "NORMAL",
    "queueId": "support-queue"
  }
}`;

const previewOnly = (properties: INodeProperties[]) => updateDisplayOptions({ show: { mode: ['preview'] } }, properties);

export const sampleProperties: INodeProperties[] = previewOnly([
	{
		displayName: 'Response',
		name: 'sampleResponse',
		type: 'json',
		default: SAMPLE_RESPONSE,
		description: 'Sample answer of the webhook, as in Infobip\'s Response tab; the card sees it as response',
	},
	{
		displayName: 'Portal Data',
		name: 'portalData',
		type: 'json',
		default: SAMPLE_PORTAL_DATA,
		description: 'Sample conversation variables, as in Infobip\'s Portal data tab',
	},
	{
		displayName: 'Preview Fallback Card',
		name: 'previewFallback',
		type: 'boolean',
		default: false,
		description: 'Whether to render the Fallback Card with a sample error instead of the Card',
	},
]);

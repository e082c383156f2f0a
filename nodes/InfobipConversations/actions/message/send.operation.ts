import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { sendMessage } from '../../transport/conversations';
import { CHANNELS } from '../../../shared/infobip';
import { requireString, resolveAgentId } from '../../helpers/params';

const show = { resource: ['message'], operation: ['send'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Conversation ID',
		name: 'conversationId',
		type: 'string',
		default: '={{ $json.conversationId }}',
		required: true,
		displayOptions: { show },
		description: 'The conversation to send into. Defaults to the conversation of the trigger item.',
	},
	{
		displayName: 'Agent ID',
		name: 'agentId',
		type: 'string',
		default: '',
		displayOptions: { show },
		description:
			'The agent or bot that sends the message. For an external bot: its UUID from the bot configuration page. Empty: the credential\'s Default Bot Agent ID.',
	},
	{
		displayName: 'From',
		name: 'from',
		type: 'string',
		default: '={{ $json.to }}',
		required: true,
		displayOptions: { show },
		description: 'Our sender (number/page). For a reply: the "to" of the customer\'s message.',
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		default: '={{ $json.from }}',
		required: true,
		displayOptions: { show },
		description: 'The customer. For a reply: the "from" of the customer\'s message.',
	},
	{
		displayName: 'Channel',
		name: 'channel',
		type: 'string',
		default: '={{ $json.channel }}',
		required: true,
		displayOptions: { show },
		description: `One of ${CHANNELS.join(', ')}. For a reply: the channel of the customer's message.`,
	},
	{
		displayName: 'Content Type',
		name: 'contentType',
		type: 'options',
		default: 'TEXT',
		displayOptions: { show },
		options: [
			{ name: 'Audio', value: 'AUDIO' },
			{ name: 'Document', value: 'DOCUMENT' },
			{ name: 'Image', value: 'IMAGE' },
			{ name: 'Location', value: 'LOCATION' },
			{ name: 'Text', value: 'TEXT' },
			{ name: 'Video', value: 'VIDEO' },
		],
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		displayOptions: { show: { ...show, contentType: ['TEXT'] } },
	},
	{
		displayName: 'Media URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/file.jpg',
		displayOptions: { show: { ...show, contentType: ['IMAGE', 'VIDEO', 'AUDIO', 'DOCUMENT'] } },
	},
	{
		displayName: 'Caption',
		name: 'caption',
		type: 'string',
		default: '',
		displayOptions: { show: { ...show, contentType: ['IMAGE', 'VIDEO', 'DOCUMENT'] } },
	},
	{
		displayName: 'Latitude',
		name: 'latitude',
		type: 'number',
		typeOptions: { numberPrecision: 6 },
		default: 0,
		displayOptions: { show: { ...show, contentType: ['LOCATION'] } },
	},
	{
		displayName: 'Longitude',
		name: 'longitude',
		type: 'number',
		typeOptions: { numberPrecision: 6 },
		default: 0,
		displayOptions: { show: { ...show, contentType: ['LOCATION'] } },
	},
	{
		displayName: 'Location Name',
		name: 'locationName',
		type: 'string',
		default: '',
		displayOptions: { show: { ...show, contentType: ['LOCATION'] } },
	},
	{
		displayName: 'Address',
		name: 'address',
		type: 'string',
		default: '',
		displayOptions: { show: { ...show, contentType: ['LOCATION'] } },
	},
];

const contentSchemas = {
	TEXT: z.object({ text: z.string().min(1, 'Text is empty').max(4096) }),
	IMAGE: z.object({ url: z.string().url('Media URL is not a valid URL'), caption: z.string().optional() }),
	VIDEO: z.object({ url: z.string().url('Media URL is not a valid URL'), caption: z.string().optional() }),
	AUDIO: z.object({ url: z.string().url('Media URL is not a valid URL') }),
	DOCUMENT: z.object({ url: z.string().url('Media URL is not a valid URL'), caption: z.string().optional() }),
	// field names as in the Conversations API's examples of LOCATION messages (locationName, address)
	LOCATION: z.object({
		latitude: z.number().min(-90).max(90),
		longitude: z.number().min(-180).max(180),
		locationName: z.string().optional(),
		address: z.string().optional(),
	}),
};

export type ContentType = keyof typeof contentSchemas;

export function buildContent(
	ctx: IExecuteFunctions,
	i: number,
	contentType: ContentType,
): IDataObject {
	const get = (n: string) => ctx.getNodeParameter(n, i, '') as string;
	let raw: IDataObject;
	switch (contentType) {
		case 'TEXT':
			raw = { text: get('text') };
			break;
		case 'LOCATION':
			raw = {
				latitude: ctx.getNodeParameter('latitude', i, 0) as number,
				longitude: ctx.getNodeParameter('longitude', i, 0) as number,
				...(get('locationName') ? { locationName: get('locationName') } : {}),
				...(get('address') ? { address: get('address') } : {}),
			};
			break;
		default:
			raw = { url: get('url'), ...(get('caption') ? { caption: get('caption') } : {}) };
	}
	const parsed = contentSchemas[contentType].safeParse(raw);
	if (!parsed.success) {
		throw new NodeOperationError(ctx.getNode(), `Invalid ${contentType} message: ${parsed.error.issues[0].message}`, {
			itemIndex: i,
		});
	}
	return parsed.data as IDataObject;
}

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const conversationId = requireString(this, 'conversationId', i, 'Conversation ID');
	const from = requireString(this, 'from', i, 'From');
	const to = requireString(this, 'to', i, 'To');
	const channel = requireString(this, 'channel', i, 'Channel').toUpperCase();
	if (!CHANNELS.includes(channel)) {
		throw new NodeOperationError(this.getNode(), `Unknown channel "${channel}"`, {
			itemIndex: i,
			description: `Use one of: ${CHANNELS.join(', ')}`,
		});
	}
	const contentType = this.getNodeParameter('contentType', i, 'TEXT') as ContentType;
	const content = buildContent(this, i, contentType);
	const agentId = await resolveAgentId(this, i);
	// strictly after the answered message: an earlier reply created in the same millisecond is not this one
	const notBefore = Math.max(Date.now() - 5000, answeredMessageTime(this.getInputData()[i]?.json, conversationId) + 1);
	return [await sendMessage(this, { conversationId, agentId, from, to, channel, contentType, content, notBefore })];
}

/**
 * When the input item is the customer message this send answers (an Infobip Conversations Trigger item, or the
 * message itself: INBOUND, same conversation, with `createdAt`), the reply cannot be older than that message.
 * That time comes from Infobip's clock, like the `createdAt` of the messages the lookup after an ambiguous failure
 * compares, so an identical earlier reply (a bot that often says the same thing) is never mistaken for this one.
 * Otherwise (also when the trigger derived createdAt because the message had none) -Infinity: only the local
 * clock bound applies.
 */
export function answeredMessageTime(item: IDataObject | undefined, conversationId: string): number {
	if (!item || item.direction !== 'INBOUND' || item.conversationId !== conversationId) return -Infinity;
	// a createdAt the trigger filled in (the message had none) is n8n's clock, not Infobip's: no bound from it
	const derived = (item.received as IDataObject | undefined)?.derived;
	if (Array.isArray(derived) && (derived as unknown[]).includes('createdAt')) return -Infinity;
	const at = typeof item.createdAt === 'string' ? Date.parse(item.createdAt) : NaN;
	return Number.isFinite(at) ? at : -Infinity;
}

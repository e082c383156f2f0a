import { NodeOperationError, jsonParse, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { mergeMetadata, replaceMetadata } from '../../transport/conversations';
import { requireString } from '../../helpers/params';
import { conversationIdField } from './common';

const show = { resource: ['conversation'], operation: ['setMetadata'] };

export const description: INodeProperties[] = [
	conversationIdField(['setMetadata']),
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		default: 'merge',
		displayOptions: { show },
		options: [
			{ name: 'Merge', value: 'merge', description: 'Set the given keys, keep the others (PATCH; GET + PUT where the account refuses PATCH)' },
			{ name: 'Replace', value: 'replace', description: 'Replace all metadata with the given keys (PUT)' },
		],
	},
	{
		displayName: 'Input',
		name: 'inputMode',
		type: 'options',
		default: 'keyValue',
		displayOptions: { show },
		options: [
			{ name: 'Key/Value Pairs', value: 'keyValue' },
			{ name: 'JSON', value: 'json' },
		],
	},
	{
		displayName: 'Metadata',
		name: 'metadataJson',
		type: 'json',
		default: '{\n  "Manufacturer": "Mazda",\n  "Model": "CX-5"\n}',
		displayOptions: { show: { ...show, inputMode: ['json'] } },
		description: 'A flat JSON object; values must be text, numbers or booleans',
	},
	{
		displayName: 'Metadata',
		name: 'metadataUi',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Key',
		default: {},
		displayOptions: { show: { ...show, inputMode: ['keyValue'] } },
		options: [
			{
				name: 'values',
				displayName: 'Values',
				values: [
					{ displayName: 'Key', name: 'key', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
];

const metadataSchema = z
	.record(z.string().min(1, 'empty key'), z.union([z.string(), z.number().finite(), z.boolean()]))
	.refine((o) => Object.keys(o).length > 0, 'no keys given');

/** Validates metadata before any call; the message names the offending key. */
export function validateMetadata(value: unknown): IDataObject {
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		throw new Error('Metadata must be a JSON object of key/value pairs');
	}
	for (const [key, v] of Object.entries(value as IDataObject)) {
		if (v === null || typeof v === 'object') {
			throw new Error(`Metadata key "${key}" has a ${v === null ? 'null' : Array.isArray(v) ? 'list' : 'nested object'} value; only text, numbers and booleans are accepted`);
		}
	}
	const parsed = metadataSchema.safeParse(value);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new Error(`Metadata ${issue.path.length ? `key "${issue.path.join('.')}"` : ''} ${issue.message}`.replace(/\s+/g, ' '));
	}
	return parsed.data;
}

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const id = requireString(this, 'conversationId', i, 'Conversation ID');
	const mode = this.getNodeParameter('mode', i, 'merge') as 'merge' | 'replace';
	const inputMode = this.getNodeParameter('inputMode', i, 'keyValue') as string;
	let raw: unknown;
	if (inputMode === 'json') {
		const json = this.getNodeParameter('metadataJson', i, '{}');
		raw = typeof json === 'string' ? jsonParse(json, { errorMessage: 'Metadata is not valid JSON' }) : json;
	} else {
		const pairs = ((this.getNodeParameter('metadataUi', i, {}) as IDataObject).values ?? []) as Array<{ key: string; value: string }>;
		raw = Object.fromEntries(pairs.map((p) => [p.key, p.value]));
	}
	let metadata: IDataObject;
	try {
		metadata = validateMetadata(raw);
	} catch (error) {
		throw new NodeOperationError(this.getNode(), (error as Error).message, { itemIndex: i });
	}
	if (mode === 'replace') {
		const body = await replaceMetadata(this, id, metadata);
		return [{ conversationId: id, mode, metadata, ...body, writePath: 'PUT' }];
	}
	// PATCH, or GET + merge + PUT on an account that refuses PATCH (transport/metadata.ts)
	const { body, writePath } = await mergeMetadata(this, id, metadata);
	return [{ conversationId: id, mode, metadata, ...body, writePath }];
}

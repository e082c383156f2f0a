import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { execute } from './actions/fetchCard';
import { credentialDescriptions } from './descriptions/credentials';
import { properties } from './descriptions';

export class InfobipContextCard implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fetch Context Card',
		name: 'infobipContextCard',
		icon: { light: 'file:contextCard.svg', dark: 'file:contextCard.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["mode"] === "preview" ? "Preview" : $parameter["method"] }}',
		description:
			'Call an external webhook with Infobip conversation variables and render the answer as an agent context card (Liquid template)',
		defaults: { name: 'Fetch Context Card' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialDescriptions,
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await execute.call(this);
	}
}

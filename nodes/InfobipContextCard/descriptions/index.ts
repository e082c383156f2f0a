/**
 * Fetch Context Card's properties, in the order the editor shows them: the ones both modes show (common.ts), the
 * ones only Fetch shows (fetch.ts) and the ones only Preview shows (preview.ts), each group scoped to its mode with
 * n8n's updateDisplayOptions.
 */
import type { INodeProperties } from 'n8n-workflow';

import { authenticationProperties, cardProperties, modeProperties, requestProperties } from './common';
import { conversationProperties, fetchUrlProperties } from './fetch';
import { optionsProperty } from './options';
import { previewUrlProperties, sampleProperties } from './preview';

export const properties: INodeProperties[] = [
	...modeProperties,
	...fetchUrlProperties,
	...previewUrlProperties,
	...authenticationProperties,
	...conversationProperties,
	...requestProperties,
	...cardProperties,
	...sampleProperties,
	optionsProperty,
];

/**
 * Fetch Context Card's properties, in the order the editor shows them: the ones both modes show (common.ts), the
 * ones only Fetch shows (fetch.ts) and the ones only Preview shows (preview.ts), each group scoped to its mode with
 * n8n's updateDisplayOptions.
 */
import type { INodeProperties } from 'n8n-workflow';

import { cardProperties, modeProperties } from './common';
import { authenticationProperties, conversationProperties, requestProperties } from './fetch';
import { optionsProperty } from './options';
import { sampleProperties } from './preview';

export const properties: INodeProperties[] = [
	...modeProperties,
	...authenticationProperties,
	...conversationProperties,
	...requestProperties,
	...cardProperties,
	...sampleProperties,
	optionsProperty,
];

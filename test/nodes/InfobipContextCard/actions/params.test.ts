/**
 * Fetch Context Card's item processing: stage 1, read parameters: the options as plain data.
 */
import { readOptions } from '../../../../nodes/InfobipContextCard/actions/params';

describe('read parameters: options', () => {
	it('clamps numbers to their ranges and falls back on defaults', () => {
		expect(readOptions({})).toEqual({
			responseFormat: 'auto',
			timeoutMs: 5000,
			maxBytes: 1024 * 1024,
			binaryName: 'card',
			includeResponse: true,
			cacheTtlMs: 0,
			cacheMaxEntries: 50,
			encodeUrlVariables: true,
			escapeJsonBody: true,
		});
		expect(readOptions({ timeout: 1, maxResponseKb: 1e9, cacheTtl: -5, cacheMaxEntries: 9999, binaryPropertyName: '  ' })).toMatchObject({
			timeoutMs: 100,
			maxBytes: 102_400 * 1024,
			cacheTtlMs: 0,
			cacheMaxEntries: 500,
			binaryName: 'card',
		});
	});
});

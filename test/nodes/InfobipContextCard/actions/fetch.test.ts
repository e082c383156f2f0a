/**
 * Fetch Context Card's item processing: stage 3 for Preview, without n8n: the sample answer (Fetch's call: ../InfobipContextCard.node.test.ts and ../transport/).
 */
import { ValidationError } from '../../../../nodes/InfobipContextCard/helpers/validation';
import { previewOutcome } from '../../../../nodes/InfobipContextCard/actions/fetch';
import { cardParams } from '../../../support/cardStages';

describe('Preview outcome (pure)', () => {
	it('is the sample as a 200, or a sample 503 for the Fallback Card', () => {
		expect(previewOutcome({ sampleResponse: '{"a":1}', previewFallback: false }, cardParams())).toMatchObject({ status: 200, response: { a: 1 }, failure: undefined });
		const failed = previewOutcome({ sampleResponse: '{}', previewFallback: true }, cardParams());
		expect(failed.failure).toMatchObject({ code: 'HTTP_STATUS', status: 503 });
		expect(() => previewOutcome({ sampleResponse: '{x', previewFallback: false }, cardParams())).toThrow(ValidationError);
	});
});

import type { INodeProperties } from 'n8n-workflow';

/** The Concurrency option, shared by the node-wide options, Get Messages and Sweep Idle Sessions. */
export function concurrencyOption(description: string): INodeProperties {
	return {
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 20 },
		default: 5,
		description,
	};
}

const RATE_LIMIT_NOTE = "Set it to your Infobip account's limit so no call is refused with 429";

/** The Max Requests per Second option (one even pacer per execution in the transport). */
export function maxRequestsPerSecondOption(subject: string, extra: string): INodeProperties {
	return {
		displayName: 'Max Requests per Second',
		name: 'maxRequestsPerSecond',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10000, numberPrecision: 2 },
		default: 0,
		// `extra` continues the last sentence (without its final period)
		description: `The most Infobip API calls ${subject} (retries included), evenly spaced. ${RATE_LIMIT_NOTE}${extra}.`,
	};
}

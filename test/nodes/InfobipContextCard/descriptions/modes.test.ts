/**
 * What the editor shows in each mode, decided by n8n's own display logic (NodeHelpers of n8n-workflow: the copy this
 * package compiles against, and the cached n8n 2.40.7 and 1.123.81 when installed), and that saved workflows keep
 * every parameter they set when n8n loads them (n8n drops the values of parameters that are not shown).
 */
import fs from 'node:fs';
import path from 'node:path';

import * as devWorkflow from 'n8n-workflow';
import type { INode, INodeParameters, INodeProperties } from 'n8n-workflow';

import { InfobipContextCard } from '../../../../nodes/InfobipContextCard/InfobipContextCard.node';
import { itWithN8n, n8nInstalled, n8nModules, N8N_VERSIONS } from '../../../support/n8nInstalls';

type NodeHelpers = typeof devWorkflow.NodeHelpers;

const description = new InfobipContextCard().description;
const TYPE = 'n8n-nodes-infobip-conversations.infobipContextCard';

/** Everything a Fetch user may have set, as a saved workflow that was then switched to Preview would hold it. */
const EVERYTHING: INodeParameters = {
	method: 'POST',
	url: 'https://crm.example.com/c/{{ conversation.conversationId }}',
	authentication: 'genericCredentialType',
	genericAuthType: 'httpHeaderAuth',
	conversationSource: 'define',
	conversationId: 'c-1',
	sendHeaders: true,
	headers: { header: [{ name: 'X-A', value: '1' }] },
	sendBody: true,
	bodyContentType: 'text',
	body: 'x',
	textContentType: 'text/csv',
	cardTemplate: '<b>card</b>',
	fallbackTemplate: 'down',
	sampleResponse: '{}',
	portalData: '{}',
	previewFallback: true,
	options: {
		cacheMaxEntries: 5,
		cacheTtl: 60,
		encodeUrlVariables: false,
		escapeJsonBody: false,
		includeResponse: false,
		binaryPropertyName: 'c',
		responseFormat: 'json',
		maxResponseKb: 10,
		timeout: 1000,
	},
};

function node(parameters: INodeParameters): INode {
	return { id: '1', name: 'Fetch Context Card', type: TYPE, typeVersion: 1, position: [0, 0], parameters };
}

/** The parameter names, option names and credential types the editor shows for these values. */
function shown(helpers: NodeHelpers, parameters: INodeParameters) {
	const n = node(parameters);
	const values = helpers.getNodeParameters(description.properties, parameters, true, false, n, description) ?? {};
	const visible = (p: INodeProperties, path = '') => helpers.displayParameterPath(values, p, path, n, description);
	const options = description.properties.find((p) => p.name === 'options')!.options as INodeProperties[];
	return {
		properties: description.properties.filter((p) => visible(p)).map((p) => p.name),
		options: options.filter((o) => visible(o, 'options')).map((o) => o.name),
		credentials: (description.credentials ?? []).filter((c) => helpers.displayParameter(values, c, n, description)).map((c) => c.name),
	};
}

function checks(helpers: NodeHelpers) {
	it('Preview shows the card, its samples and the options that shape the card, nothing only Fetch uses', () => {
		expect(shown(helpers, { ...EVERYTHING, mode: 'preview' })).toEqual({
			properties: ['mode', 'method', 'url', 'cardTemplate', 'fallbackTemplate', 'sampleResponse', 'portalData', 'previewFallback', 'options'],
			options: ['encodeUrlVariables', 'includeResponse', 'binaryPropertyName', 'responseFormat'],
			credentials: [],
		});
	});

	it('Fetch shows one Webhook URL and everything but the samples, and the chosen credential', () => {
		const fetch = shown(helpers, { ...EVERYTHING, mode: 'fetch' });
		expect(fetch.properties.filter((p) => p === 'url')).toHaveLength(1);
		expect(fetch.properties).not.toEqual(expect.arrayContaining(['sampleResponse']));
		expect(fetch.properties).toEqual(expect.arrayContaining(['authentication', 'genericAuthType', 'conversationSource', 'conversationId', 'headers', 'body', 'textContentType']));
		expect(fetch.options).toEqual(Object.keys(EVERYTHING.options as object).sort((a, b) => order(a) - order(b)));
		expect(fetch.credentials).toEqual(['httpHeaderAuth']);
	});

	it('saved workflows keep every parameter they set: the examples, and a Preview with a Webhook URL', () => {
		const dir = path.join(__dirname, '../../../../examples');
		const saved = fs
			.readdirSync(dir)
			.flatMap((f) => (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { nodes: INode[] }).nodes)
			.filter((n) => n.type === TYPE)
			.map((n) => n.parameters);
		expect(saved.length).toBeGreaterThan(0);
		// as scripts/e2e/scenarios/browser.js and scripts/reliability/cards.js save it
		saved.push({ mode: 'preview', url: 'https://jira.example.com/rest/api/2/issue/{{ conversation.conversationId }}', cardTemplate: 'x', sampleResponse: '{}', portalData: '{}' });
		for (const parameters of saved) {
			const loaded = helpers.getNodeParameters(description.properties, parameters, true, false, node(parameters), description);
			expect(loaded).toMatchObject(parameters);
		}
	});
}

const optionNames = (description.properties.find((p) => p.name === 'options')!.options as INodeProperties[]).map((o) => o.name);
const order = (name: string) => optionNames.indexOf(name);

describe("n8n-workflow (the package's own)", () => checks(devWorkflow.NodeHelpers));

for (const version of N8N_VERSIONS) {
	const modules = n8nModules(version);
	const installed = n8nInstalled(version);
	describe(`n8n ${version}`, () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const helpers = installed ? (require(path.join(modules, 'n8n-workflow')) as typeof devWorkflow).NodeHelpers : devWorkflow.NodeHelpers;
		const maybe = itWithN8n(installed);
		maybe('is installed (else these checks are skipped)', () => expect(installed).toBe(true));
		if (installed) checks(helpers);
	});
}

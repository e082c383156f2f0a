/**
 * Every node and credential description, byte for byte, against the recorded copy in descriptions.json: a
 * restructuring must not change what n8n's editor shows or what saved workflows rely on. A deliberate change
 * re-records it: `INFOBIP_RECORD_DESCRIPTIONS=1 npx jest test/nodes/descriptions.test.ts` (and say why in the commit).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const ROOT = join(__dirname, '../..');
const RECORD = join(__dirname, 'descriptions.json');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[]; credentials: string[] } };

/** The source module of a dist/ entry of package.json's n8n section. */
const source = (file: string) => join(ROOT, file.replace(/^dist\//, '').replace(/\.js$/, '.ts'));

function describeAll(): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const file of pkg.n8n.nodes) {
		const name = basename(file, '.node.js');
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const NodeClass = require(source(file))[name];
		out[`node:${name}`] = new NodeClass().description;
	}
	for (const file of pkg.n8n.credentials) {
		const name = basename(file, '.credentials.js');
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const CredentialClass = require(source(file))[name];
		out[`credential:${name}`] = { ...new CredentialClass() };
	}
	return out;
}

describe('node and credential descriptions', () => {
	it('are byte-identical to the recorded ones', () => {
		const now = `${JSON.stringify(describeAll(), null, '\t')}\n`;
		if (process.env.INFOBIP_RECORD_DESCRIPTIONS === '1') writeFileSync(RECORD, now);
		expect(now).toBe(readFileSync(RECORD, 'utf8'));
	});
});

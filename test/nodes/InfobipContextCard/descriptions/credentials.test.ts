/**
 * The credential types the Fetch Context Card node lists must exist, and be usable the way the transport uses
 * them, in every supported n8n version. Checked against the real n8n-nodes-base of the cached n8n installs
 * (test/support/n8nInstalls.ts).
 */
import fs from 'node:fs';
import path from 'node:path';

import type { ICredentialType } from 'n8n-workflow';

import { InfobipContextCard } from '../../../../nodes/InfobipContextCard/InfobipContextCard.node';
import { GENERIC_CREDENTIALS, OAUTH2_SECRETS, PREDEFINED_CREDENTIALS } from '../../../../nodes/InfobipContextCard/descriptions/credentials';
import { itWithN8n, n8nInstalled, n8nModules, N8N_VERSIONS } from '../../../support/n8nInstalls';


function loader(version: string) {
	const dir = path.join(n8nModules(version), 'n8n-nodes-base/dist/credentials');
	if (!n8nInstalled(version) && process.env.INFOBIP_REQUIRE_N8N !== '1') return undefined;
	const files = new Map(fs.readdirSync(dir).filter((f) => f.endsWith('.credentials.js')).map((f) => [f.replace('.credentials.js', '').toLowerCase(), f]));
	return (name: string): ICredentialType | undefined => {
		const file = files.get(name.toLowerCase());
		if (!file) return undefined;
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require(path.join(dir, file)) as Record<string, new () => ICredentialType>;
		for (const Cls of Object.values(mod)) {
			const cred = new Cls();
			if (cred.name === name) return cred;
		}
		return undefined;
	};
}

function passwordFields(cred: ICredentialType): string[] {
	return cred.properties.filter((p) => p.typeOptions?.password).map((p) => p.name);
}

it('the node lists exactly the generic and predefined types, each shown only for its choice', () => {
	const { credentials } = new InfobipContextCard().description;
	expect(credentials?.map((c) => c.name)).toEqual([...GENERIC_CREDENTIALS.map((c) => c.name), ...PREDEFINED_CREDENTIALS.map((c) => c.name)]);
	for (const c of credentials ?? []) {
		const show = c.displayOptions?.show ?? {};
		expect(show.authentication).toHaveLength(1);
		expect(show.genericAuthType ?? show.nodeCredentialType).toEqual([c.name]);
	}
});

describe.each(N8N_VERSIONS)('n8n %s', (version) => {
	const load = loader(version);
	// skipped without the install (npm test needs none); .ci/run re-runs this file with INFOBIP_REQUIRE_N8N=1 once
	// n8n is installed, so there a missing install fails instead
	const maybe = itWithN8n(!!load);

	maybe('every predefined type exists and has authenticate, or extends oAuth2Api; secrets cover its password fields', () => {
		for (const spec of PREDEFINED_CREDENTIALS) {
			const cred = load!(spec.name);
			expect({ name: spec.name, found: !!cred }).toEqual({ name: spec.name, found: true });
			let oauth2 = false;
			for (let parent = cred!.extends?.[0]; parent; parent = load!(parent)?.extends?.[0]) if (parent === 'oAuth2Api') oauth2 = true;
			expect({ name: spec.name, oauth2 }).toEqual({ name: spec.name, oauth2: !!spec.oauth2 });
			if (!spec.oauth2) expect({ name: spec.name, authenticate: !!cred!.authenticate }).toEqual({ name: spec.name, authenticate: true });
			const covered = new Set([...spec.secrets, ...(spec.oauth2 ? OAUTH2_SECRETS.map((s) => s.split('.')[0]) : [])]);
			const chain = [cred!];
			for (let parent = cred!.extends?.[0]; parent; parent = chain[chain.length - 1].extends?.[0]) chain.push(load!(parent)!);
			const fields = chain.flatMap(passwordFields);
			expect(fields.length).toBeGreaterThan(0);
			for (const field of fields) expect({ name: spec.name, field, covered: covered.has(field) }).toEqual({ name: spec.name, field, covered: true });
			for (const field of spec.secrets) expect(cred!.properties.some((p) => p.name === field) || field === 'signingSecret').toBe(true);
		}
	});

	maybe('generic types: authenticate exactly where the transport relies on n8n to apply it', () => {
		for (const spec of GENERIC_CREDENTIALS) {
			const cred = load!(spec.name);
			expect(cred).toBeDefined();
			expect({ name: spec.name, authenticate: !!cred!.authenticate }).toEqual({ name: spec.name, authenticate: spec.apply === 'n8n' });
			for (const field of passwordFields(cred!).filter((f) => spec.apply !== 'oauth2')) {
				expect({ name: spec.name, field, covered: spec.secrets.includes(field) || spec.name === 'httpCustomAuth' }).toEqual({
					name: spec.name,
					field,
					covered: true,
				});
			}
		}
		const oauth2 = load!('oAuth2Api')!;
		for (const field of passwordFields(oauth2)) expect(OAUTH2_SECRETS).toContain(field);
	});
});

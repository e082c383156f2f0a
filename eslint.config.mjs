// @ts-check
/**
 * The lint configuration: n8n's community-node rules, as n8n's scanner applies them.
 *
 * It is ESLint 9 flat config, because @n8n/eslint-plugin-community-nodes only ships flat configs and declares
 * `eslint: 9.29.0` as a peer. The file must not be called eslint.config.mjs before the switch: ESLint 8.57 finds a
 * file of that name and changes to flat config by itself.
 *
 * To switch: `npm install -D --save-exact eslint@9.29.0` (the ESLint the scanner pins), rename this file to
 * eslint.config.mjs, delete .eslintrc.js; `npm run lint` and `lintfix` stay as they are. Until then it can be tried
 * with ESLint 9: `eslint -c eslint.config.proposed.mjs nodes credentials package.json`.
 *
 * What it lints with is n8n's scanner configuration itself (`buildScanConfig` of @n8n/scan-community-package, the
 * devDependency `npm run scan` uses): the community-nodes plugin's `recommended` config, eslint-plugin-n8n-nodes-base's
 * community/credentials/nodes rule sets with n8n's own off-switches, and no-console. So a clean `npm run lint` means
 * a clean source leg of `npm run scan`. The plugin comes through the scanner rather than as a devDependency of its
 * own: installed on its own it requires `n8n-workflow >= 2` as a peer, which conflicts with the n8n-workflow 1.x
 * this package compiles against (npm refuses with ERESOLVE).
 *
 * As in the scanner, inline `eslint-disable` comments are ignored, and the only accepted findings are those in
 * scan-exceptions.json (here switched off for the files named there; `npm run scan` also checks their message and
 * the dependency list). The rule switches of .eslintrc.js are not carried over: five never fire,
 * cred-class-field-documentation-url-miscased is already off in the scanner's config, and
 * cred-class-field-display-name-missing-api is enforced by the scanner, so switching it off here would only hide a
 * scan failure.
 */
import fs from 'node:fs';

import { buildScanConfig } from '@n8n/scan-community-package/scanner/scanner.mjs';

/** @type {{ exceptions: Array<{ rule: string, files: string[] }> }} */
const { exceptions } = JSON.parse(fs.readFileSync(new URL('./scan-exceptions.json', import.meta.url), 'utf8'));

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
	{ linterOptions: { noInlineConfig: true } },
	...(await buildScanConfig()),
	...exceptions
		.map((e) => ({ files: e.files.filter((file) => !file.startsWith('dist/')), rules: { [e.rule]: 'off' } }))
		.filter((block) => block.files.length > 0),
];

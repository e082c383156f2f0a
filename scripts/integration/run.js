#!/usr/bin/env node
// @ts-check
/**
 * `npm run test:integration`: the workflow tests in test/engine, run through the real execution engine of each
 * installed n8n (n8n-core's WorkflowExecute and node contexts, n8n-workflow's Workflow and expressions; no n8n
 * server), on the Node.js 24 n8n needs. Installs nothing: n8n and Node.js 24 come from the cache that
 * `npm run test:e2e` / scripts/e2e/install-n8n.sh fill (~/.cache/infobip-n8n, or $INFOBIP_N8N_CACHE); when they are
 * missing it says so and fails.
 *
 * Env: N8N_ENGINE_VERSIONS="2.40.7 1.123.81" (default: the supported versions). Arguments go to jest
 * (e.g. a test path pattern, -t "name").
 */
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const CACHE = process.env.INFOBIP_N8N_CACHE || path.join(os.homedir(), '.cache/infobip-n8n');
const NODE_BIN = path.join(CACHE, 'node24/node_modules/.bin/node');
const SUPPORTED_VERSIONS = ['2.40.7', '1.123.81'];
const versions = (process.env.N8N_ENGINE_VERSIONS || SUPPORTED_VERSIONS.join(' ')).split(/\s+/).filter(Boolean);
const jestArgs = process.argv.slice(2);

const missing = [];
if (!fs.existsSync(NODE_BIN)) missing.push(`Node.js 24 (${NODE_BIN})`);
for (const version of versions) {
	const dir = path.join(CACHE, `n8n-${version}`);
	if (!fs.existsSync(path.join(dir, '.complete')) || !fs.existsSync(path.join(dir, 'node_modules/n8n-core/package.json'))) {
		missing.push(`n8n ${version} (${dir})`);
	}
}
if (missing.length) {
	console.error(
		`test:integration runs in an installed n8n, and this is missing: ${missing.join(', ')}.\n` +
			'Install it into the cache once with `npm run test:e2e` (or `bash scripts/e2e/install-n8n.sh <version>` per version); ' +
			'this command installs nothing.',
	);
	process.exit(1);
}

const nodeVersion = execFileSync(NODE_BIN, ['--version'], { encoding: 'utf8' }).trim();
const results = [];
for (const version of versions) {
	const dir = path.join(CACHE, `n8n-${version}`);
	const pkg = (name) => JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
	console.log(`\n== n8n ${version} (n8n-core ${pkg('n8n-core')}, n8n-workflow ${pkg('n8n-workflow')}) on Node.js ${nodeVersion}`);
	// n8n writes its instance settings and binary data under the user folder: a fresh one per run, never ~/.n8n
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-engine-${version}-`));
	const started = Date.now();
	const { status } = spawnSync(
		NODE_BIN,
		[path.join(ROOT, 'node_modules/jest/bin/jest.js'), '-c', path.join(__dirname, 'jest.config.js'), ...jestArgs],
		{
			cwd: ROOT,
			stdio: 'inherit',
			env: {
				...process.env,
				INFOBIP_N8N_DIR: dir,
				N8N_USER_FOLDER: userFolder,
				N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
				N8N_DIAGNOSTICS_ENABLED: 'false',
			},
		},
	);
	fs.rmSync(userFolder, { recursive: true, force: true });
	results.push({ version, ok: status === 0, seconds: (Date.now() - started) / 1000 });
}
console.log('');
for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'} n8n ${r.version} engine tests (${r.seconds.toFixed(1)} s)`);
process.exit(results.every((r) => r.ok) ? 0 : 1);

// @ts-check
/**
 * A real n8n for the bench rows that need one, set up with scripts/lib/n8n.js the way a self-hosting user installs
 * the package (npm pack → npm install in $N8N_USER_FOLDER/.n8n/nodes), with the harness's own settings
 * (sqlite, execution data saved on success and error, task runners on).
 */
const fs = require('node:fs');
const path = require('node:path');

const { packPackage, createUserFolder, N8nInstance } = require('../../scripts/lib/n8n');

/** @type {string | undefined} */
let tarball;

/**
 * @param {{
 *   install: ReturnType<typeof import('../../scripts/lib/n8n').ensureN8n>,
 *   credentials?: object[],
 *   workflows: Array<Record<string, any>>,
 *   activate?: string[],
 *   env?: Record<string, string>,
 *   log: (line: string) => void,
 * }} options
 */
async function startBenchN8n({ install, credentials = [], workflows, activate = [], env = {}, log }) {
	if (!tarball || !fs.existsSync(tarball)) tarball = packPackage();
	const user = createUserFolder(tarball, 'n8n-bench-');
	// log level stays "info": N8nInstance.start() waits for n8n's "Editor is now accessible" line
	// INFOBIP_BENCH_N8N_ENV='{"N8N_…":"…"}' adds n8n settings for experiments (recorded in the result file)
	const extra = process.env.INFOBIP_BENCH_N8N_ENV ? JSON.parse(process.env.INFOBIP_BENCH_N8N_ENV) : {};
	const n8n = new N8nInstance(install, user, { env: { ...env, ...extra } });
	const t = Date.now();
	if (credentials.length) await n8n.importCredentials(credentials);
	// one import for all workflows (each CLI call boots n8n's database layer: seconds)
	const file = path.join(user, 'bench-workflows.json');
	fs.writeFileSync(file, JSON.stringify(workflows.map((w) => ({ active: false, settings: {}, ...w }))));
	await n8n.cli(['import:workflow', `--input=${file}`]);
	for (const id of activate) await n8n.activate(id);
	await n8n.start();
	log(`n8n ${install.version} ready on ${n8n.url} (${Math.round((Date.now() - t) / 1000)} s to import, publish and start)`);
	return {
		n8n,
		async stop() {
			await n8n.stop();
			if (!process.env.INFOBIP_BENCH_KEEP) n8n.cleanup();
		},
	};
}

/** The flatted run data of one execution, parsed with n8n's own `flatted`. */
function executionRunData(install, dataText) {
	const { parse } = require(path.join(install.dir, 'node_modules/flatted'));
	return parse(dataText);
}

/** n8n's sqlite timestamps ("2026-01-01 10:00:00.123", UTC) as epoch ms. */
function dbTime(value) {
	if (value === null || value === undefined) return NaN;
	if (typeof value === 'number') return value;
	const s = String(value);
	return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s.replace(' ', 'T') : `${s.replace(' ', 'T')}Z`);
}

module.exports = { startBenchN8n, executionRunData, dbTime };

// @ts-check
/** What a bench result file records about the machine, so runs can be compared. */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '../..');

function gitRevision() {
	try {
		const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
		const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
		return dirty ? `${rev}+changes` : rev;
	} catch {
		return 'unknown';
	}
}

/**
 * @param {{ n8nVersion?: string, n8nNode?: string }} [extra]
 */
function machineInfo(extra = {}) {
	const cpus = os.cpus();
	const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	return {
		hostname: os.hostname(),
		platform: `${os.type()} ${os.release()} ${os.arch()}`,
		cpus: cpus.length,
		cpuModel: cpus[0]?.model ?? 'unknown',
		memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
		loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
		node: process.version,
		n8nNode: extra.n8nNode,
		n8nVersion: extra.n8nVersion,
		packageVersion: pkg.version,
		liquidjs: require('liquidjs/package.json').version,
		undici: require('undici/package.json').version,
		git: gitRevision(),
	};
}

module.exports = { machineInfo };

// @ts-check
/**
 * Redis and PostgreSQL for n8n's queue mode, from Debian's packages (`redis-server`, `postgresql`), each started by
 * the harness on a free port of 127.0.0.1 with its data in a temp dir, and stopped afterwards. When a package is
 * missing and the harness runs as root, it is installed with apt-get; otherwise the harness fails with the command
 * to run. PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user the package creates.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { freePort } = require('../lib/n8n');
const { startProcess } = require('../lib/process');

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function which(cmd) {
	try {
		return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || undefined;
	} catch {
		return undefined;
	}
}

let aptUpdated = false;
/** Installs Debian packages when running as root; otherwise throws with the command to run. */
function aptInstall(packages, log) {
	if (!isRoot) {
		throw new Error(`missing ${packages.join(', ')}: install with \`sudo apt-get install -y ${packages.join(' ')}\` (or run the harness as root)`);
	}
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	if (!aptUpdated) {
		log(`apt-get update (to install ${packages.join(', ')})`);
		execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
		aptUpdated = true;
	}
	log(`apt-get install -y ${packages.join(' ')}`);
	execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env });
}

/**
 * Starts a private redis-server; returns { port, version, password, stop }. With `password`, clients must AUTH
 * (`requirepass`).
 * @param {{ log?: (line: string) => void, password?: string }} [options]
 */
async function startRedis({ log = () => {}, password } = {}) {
	let bin = which('redis-server');
	if (!bin) {
		aptInstall(['redis-server'], log);
		bin = which('redis-server');
	}
	if (!bin) throw new Error('redis-server is not on PATH after installing the redis-server package');
	const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-redis-'));
	const port = await freePort();
	const redis = await startProcess({
		name: 'redis-server',
		cmd: bin,
		args: ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--protected-mode', 'yes', ...(password ? ['--requirepass', password] : [])],
		readyWhen: /Ready to accept connections/,
		timeoutMs: 20_000,
		pollMs: 100,
		stopGraceMs: 10_000,
	});
	return {
		port,
		version,
		password,
		stop: async () => {
			await redis.stop();
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** The newest PostgreSQL server binaries of the Debian package (/usr/lib/postgresql/<major>/bin). */
function postgresBin() {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const majors = fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'bin/initdb'))).sort((a, b) => Number(b) - Number(a));
	return majors.length ? path.join(root, majors[0], 'bin') : undefined;
}

/** Starts a private PostgreSQL cluster with a database `n8n`; returns connection settings and stop(). */
async function startPostgres({ log = () => {} } = {}) {
	let bin = postgresBin();
	if (!bin) {
		aptInstall(['postgresql'], log);
		bin = postgresBin();
	}
	if (!bin) throw new Error('PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin after installing the postgresql package');
	const runAs = isRoot ? 'postgres' : undefined;
	if (runAs) {
		try {
			execFileSync('id', [runAs], { stdio: 'ignore' });
		} catch {
			throw new Error('running as root, but there is no "postgres" user to run PostgreSQL as (the postgresql package creates it)');
		}
	}
	/** Runs a PostgreSQL binary, as the postgres user when we are root. */
	const pg = (tool, args, opts = {}) => {
		const file = path.join(/** @type {string} */ (bin), tool);
		return runAs ? execFileSync('runuser', ['-u', runAs, '--', file, ...args], opts) : execFileSync(file, args, opts);
	};
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-pg-'));
	fs.chmodSync(dir, 0o755);
	const data = path.join(dir, 'data');
	fs.mkdirSync(data, { mode: 0o700 });
	if (runAs) execFileSync('chown', ['-R', `${runAs}:`, dir]);
	const port = await freePort();
	const version = String(pg('postgres', ['--version'], { encoding: 'utf8' })).trim();
	pg('initdb', ['-D', data, '-U', 'n8n', '-A', 'trust', '-E', 'UTF8', '--no-locale'], { stdio: ['ignore', 'ignore', 'pipe'] });
	const server = [path.join(bin, 'postgres'), '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'];
	const postgres = await startProcess({
		name: 'PostgreSQL',
		cmd: runAs ? 'runuser' : server[0],
		args: runAs ? ['-u', runAs, '--', ...server] : server.slice(1),
		readyWhen: /ready to accept connections/,
		timeoutMs: 30_000,
		pollMs: 100,
		stopSignal: 'SIGINT',
		stopGraceMs: 10_000,
	});
	pg('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', 'n8n'], { stdio: ['ignore', 'ignore', 'pipe'] });
	return {
		port,
		version,
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: 'n8n',
			DB_POSTGRESDB_POOL_SIZE: process.env.RELIABILITY_PG_POOL_SIZE || '10',
		},
		stop: async () => {
			await postgres.stop();
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

module.exports = { startRedis, startPostgres, isRoot };

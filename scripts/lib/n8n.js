// @ts-check
/**
 * A real n8n on this machine, loaded with this package the way a self-hosting user loads it:
 * `npm pack`, then `npm install <tgz>` inside `$N8N_USER_FOLDER/.n8n/nodes`.
 * Shared by `npm run test:e2e`, `npm run demo`, `npm run bench` and `npm run test:reliability`.
 *
 * n8n and the Node.js 24 it needs come from the npm registry into a cache outside the clone
 * (`~/.cache/infobip-n8n`, or $INFOBIP_N8N_CACHE), keyed by version (scripts/e2e/install-n8n.sh).
 *
 * Every n8n process is started with scripts/lib/process.js (ready on its log line and /healthz/readiness, never
 * outliving the harness) on free ports: main (N8N_PORT, task broker), workers (task broker, health check), webhook
 * processes (N8N_PORT, and a task broker and health-check port should a version open them) and each CLI run (its
 * task broker) — so several harnesses, or a user's own n8n, can run on one machine at once.
 */
const { execFile, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');

const { startProcess } = require('./process');

const ROOT = path.resolve(__dirname, '../..');
const CACHE = process.env.INFOBIP_N8N_CACHE || path.join(os.homedir(), '.cache/infobip-n8n');
const NODE_BIN = path.join(CACHE, 'node24/node_modules/.bin/node');
const PACKAGE_NAME = 'n8n-nodes-infobip-conversations';
/** The n8n versions we prove the package in (newest 2.x that installs here, newest 1.x). */
const SUPPORTED_VERSIONS = ['2.40.7', '1.123.81'];

const run = promisify(execFile);

/** Installs (or reuses) n8n `version`; install progress goes to stderr. */
function ensureN8n(version) {
	const out = execFileSync('bash', [path.join(ROOT, 'scripts/e2e/install-n8n.sh'), version], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		env: { ...process.env, INFOBIP_N8N_CACHE: CACHE },
	});
	const dir = out.trim().split('\n').pop() || '';
	const n8nBin = path.join(dir, 'node_modules/n8n/bin/n8n');
	if (!fs.existsSync(n8nBin)) throw new Error(`n8n ${version} did not install into ${dir}`);
	return { version, dir, n8nBin, nodeBin: NODE_BIN, major: Number(version.split('.')[0]) };
}

/** `npm pack` of this package (built first by the caller); returns the tarball path. */
function packPackage(destination = fs.mkdtempSync(path.join(os.tmpdir(), 'infobip-pack-'))) {
	const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', destination], {
		cwd: ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	})
		.trim()
		.split('\n')
		.pop();
	return path.join(destination, String(name));
}

/**
 * The flags of the README's manual install command (the ones n8n's own community-package installer uses, plus
 * --legacy-peer-deps so npm does not install the peer n8n-workflow next to the package). A unit test checks that the
 * README gives exactly this command, and createUserFolder installs with it.
 */
const INSTALL_FLAGS = ['--legacy-peer-deps', '--ignore-scripts=true', '--install-strategy=shallow', '--bin-links=false', '--package-lock=false', '--audit=false', '--fund=false'];

/** A fresh n8n user folder with the packed package installed into .n8n/nodes with the README's command. */
function createUserFolder(tgz, prefix = 'n8n-user-') {
	const user = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	const nodes = path.join(user, '.n8n/nodes');
	fs.mkdirSync(nodes, { recursive: true });
	execFileSync('npm', ['install', tgz, ...INSTALL_FLAGS, '--loglevel=error'], {
		cwd: nodes,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	return user;
}

async function freePort() {
	return await new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {net.AddressInfo} */ (srv.address());
			srv.close(() => resolve(port));
		});
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class N8nInstance {
	/**
	 * @param {ReturnType<typeof ensureN8n>} install
	 * @param {string} userFolder
	 * @param {{ port?: number, env?: Record<string, string>, log?: (line: string) => void }} [options]
	 */
	constructor(install, userFolder, options = {}) {
		this.install = install;
		this.userFolder = userFolder;
		this.port = options.port ?? 0;
		this.brokerPort = 0;
		this.extraEnv = options.env ?? {};
		this.log = options.log ?? (() => {});
		/** @type {import('node:child_process').ChildProcess | undefined} */
		this.child = undefined;
		/** @type {import('./process').StartedProcess | undefined} */
		this.main = undefined;
		/** @type {string[]} */
		this.output = [];
		/** @type {Array<{ index: number, child: import('node:child_process').ChildProcess, output: string[], stop: () => Promise<void> }>} */
		this.workers = [];
		/** @type {Array<{ index: number, port: number, url: string, child: import('node:child_process').ChildProcess, output: string[], stop: () => Promise<void> }>} */
		this.webhookProcesses = [];
	}

	get url() {
		return `http://127.0.0.1:${this.port}`;
	}

	get env() {
		return {
			...process.env,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: 'infobip-e2e-encryption-key',
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			// 2.x reads N8N_WEBHOOK_URL, 1.x WEBHOOK_URL
			...(this.install.major >= 2 ? { N8N_WEBHOOK_URL: `http://127.0.0.1:${this.port}/` } : { WEBHOOK_URL: `http://127.0.0.1:${this.port}/` }),
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${this.port}/`,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_RUNNERS_ENABLED: 'true',
			// several n8n instances (tests, helpers, a user's own n8n) may run at once: no fixed ports
			N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
			DB_SQLITE_POOL_SIZE: '2',
			N8N_LOG_LEVEL: 'info',
			...this.extraEnv,
		};
	}

	/** Runs an n8n CLI command (n8n must not be running for import/activate on sqlite). */
	async cli(args, { allowFail = false } = {}) {
		try {
			// every CLI run opens its own task broker: a free port each time, so another n8n on this machine (or a
			// parallel test run) never makes it fail with "port 5679 is already in use"
			const { stdout } = await run(this.install.nodeBin, [this.install.n8nBin, ...args], {
				env: { ...this.env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) },
				maxBuffer: 256 * 1024 * 1024,
			});
			return stdout;
		} catch (error) {
			if (allowFail) return String(/** @type {any} */ (error).stdout ?? '');
			const e = /** @type {any} */ (error);
			throw new Error(`n8n ${args[0]} failed: ${String(e.stderr || e.stdout || e.message).split('\n').filter(Boolean).slice(-5).join(' | ')}`);
		}
	}

	/** @param {object[]} credentials n8n credential export objects ({id, name, type, data}) */
	async importCredentials(credentials) {
		const file = path.join(this.userFolder, `credentials-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(credentials));
		await this.cli(['import:credentials', `--input=${file}`]);
	}

	/** @param {object} workflow an n8n workflow export (needs an id) */
	async importWorkflow(workflow) {
		const file = path.join(this.userFolder, `workflow-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify({ active: false, settings: {}, ...workflow }));
		await this.cli(['import:workflow', `--input=${file}`]);
	}

	/** Imports several workflow exports (each needs an id) with one CLI call. */
	async importWorkflows(workflows) {
		const file = path.join(this.userFolder, `workflows-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(workflows.map((w) => ({ active: false, settings: {}, ...w }))));
		await this.cli(['import:workflow', `--input=${file}`]);
	}

	/** Activates (1.x) / publishes (2.x) an imported workflow; takes effect at the next start. */
	async activate(id) {
		if (this.install.major >= 2) await this.cli(['publish:workflow', `--id=${id}`]);
		else await this.cli(['update:workflow', `--id=${id}`, '--active=true']);
	}

	/** Executes a workflow once from the CLI (n8n must not be running); returns stdout. */
	async execute(id) {
		return await this.cli(['execute', `--id=${id}`], { allowFail: true });
	}

	async start({ timeoutMs = 180_000 } = {}) {
		if (!this.port) this.port = await freePort();
		if (!this.brokerPort) this.brokerPort = await freePort();
		this.main = await startProcess({
			name: `n8n ${this.install.version}`,
			cmd: this.install.nodeBin,
			args: [this.install.n8nBin, 'start'],
			env: this.env,
			readyWhen: [/Editor is now accessible via/, `${this.url}/healthz/readiness`],
			timeoutMs,
			pollMs: 500,
			output: this.output,
			log: this.log,
		});
		this.child = this.main.child;
	}

	async stop() {
		await Promise.all([...this.workers, ...this.webhookProcesses].map((p) => p.stop()));
		await this.main?.stop();
	}

	/** n8n's database: 'postgresdb' when started with DB_TYPE=postgresdb in `options.env`, else 'sqlite'. */
	get dbType() {
		return this.extraEnv.DB_TYPE === 'postgresdb' ? 'postgresdb' : 'sqlite';
	}

	/**
	 * Runs a read-only SQL query on n8n's own database — sqlite (n8n's sqlite3 module) or PostgreSQL (n8n's pg
	 * module, connection from DB_POSTGRESDB_* in `options.env`). Write the SQL in that database's dialect
	 * (PostgreSQL: "quotedCamelCase" columns, $1 parameters).
	 */
	async query(sql, params = []) {
		if (this.dbType === 'postgresdb') return await this.queryPostgres(sql, params);
		const script = `
			const sqlite3 = require(${JSON.stringify(path.join(this.install.dir, 'node_modules/sqlite3'))});
			const db = new sqlite3.Database(process.argv[1], sqlite3.OPEN_READONLY);
			db.all(process.argv[2], JSON.parse(process.argv[3]), (err, rows) => {
				if (err) { console.error(err.message); process.exit(1); }
				process.stdout.write(JSON.stringify(rows)); db.close();
			});`;
		const { stdout } = await run(this.install.nodeBin, ['-e', script, path.join(this.userFolder, '.n8n/database.sqlite'), sql, JSON.stringify(params)], {
			maxBuffer: 512 * 1024 * 1024,
		});
		return /** @type {any[]} */ (JSON.parse(stdout || '[]'));
	}

	/** Rows of execution_entity (id, workflowId, status, mode, finished), oldest first. */
	async executions(workflowId) {
		if (this.dbType === 'postgresdb') {
			return /** @type {Array<{id: number|string, workflowId: string, status: string, mode: string, finished: number}>} */ (
				await this.query(
					`SELECT id, "workflowId", status, mode, finished FROM execution_entity${workflowId ? ' WHERE "workflowId" = $1' : ''} ORDER BY id`,
					workflowId ? [workflowId] : [],
				)
			);
		}
		return /** @type {Array<{id: number|string, workflowId: string, status: string, mode: string, finished: number}>} */ (
			await this.query(
				`SELECT id, workflowId, status, mode, finished FROM execution_entity${workflowId ? ' WHERE workflowId = ?' : ''} ORDER BY id`,
				workflowId ? [workflowId] : [],
			)
		);
	}

	/** All stored run data of a workflow's executions as one string (for secret scans and assertions). */
	async executionDataText(workflowId) {
		return (await this.executionData(workflowId)).map((r) => r.data).join('\n');
	}

	/** Stored run data per execution ({id, data}: n8n's serialized run data), oldest first; all workflows without an id. */
	async executionData(workflowId) {
		const pg = this.dbType === 'postgresdb';
		const sql =
			(pg
				? 'SELECT d."executionId" AS id, d.data AS data FROM execution_data d JOIN execution_entity e ON e.id = d."executionId"'
				: 'SELECT d.executionId AS id, d.data AS data FROM execution_data d JOIN execution_entity e ON e.id = d.executionId') +
			(workflowId ? (pg ? ' WHERE e."workflowId" = $1' : ' WHERE e.workflowId = ?') : '') +
			' ORDER BY e.id';
		const rows = await this.query(sql, workflowId ? [workflowId] : []);
		return rows.map((r) => ({ id: r.id, data: String(r.data) }));
	}

	/** @private */
	async queryPostgres(sql, params) {
		const e = this.extraEnv;
		const script = `
			const { Client } = require(${JSON.stringify(path.join(this.install.dir, 'node_modules/pg'))});
			const client = new Client(JSON.parse(process.argv[1]));
			client.connect()
				.then(() => client.query(process.argv[2], JSON.parse(process.argv[3])))
				.then((r) => { process.stdout.write(JSON.stringify(r.rows)); return client.end(); })
				.catch((err) => { console.error(err.message); process.exit(1); });`;
		const connection = {
			host: e.DB_POSTGRESDB_HOST || '127.0.0.1',
			port: Number(e.DB_POSTGRESDB_PORT || 5432),
			database: e.DB_POSTGRESDB_DATABASE,
			user: e.DB_POSTGRESDB_USER,
			password: e.DB_POSTGRESDB_PASSWORD,
		};
		const { stdout } = await run(this.install.nodeBin, ['-e', script, JSON.stringify(connection), sql, JSON.stringify(params)], {
			maxBuffer: 512 * 1024 * 1024,
		});
		return /** @type {any[]} */ (JSON.parse(stdout || '[]'));
	}

	/**
	 * Starts an `n8n worker` (queue mode: EXECUTIONS_MODE=queue and the Redis/database settings in `options.env`)
	 * with its own task-broker and health ports; resolves when it is ready. Its log lines are in `worker.output`.
	 * Stopped by stop().
	 */
	async startWorker({ concurrency = 10, timeoutMs = 180_000 } = {}) {
		const index = this.workers.length + 1;
		const env = {
			...this.env,
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			QUEUE_HEALTH_CHECK_PORT: String(await freePort()),
		};
		const started = await startProcess({
			name: `n8n worker ${index}`,
			cmd: this.install.nodeBin,
			args: [this.install.n8nBin, 'worker', `--concurrency=${concurrency}`],
			env,
			readyWhen: /n8n worker is now ready/,
			timeoutMs,
			maxLines: 50_000,
			log: (line) => this.log(`[worker ${index}] ${line}`),
		});
		const worker = { index, child: started.child, output: started.output, stop: () => started.stop() };
		this.workers.push(worker);
		return worker;
	}

	/**
	 * Starts an `n8n webhook` process (queue mode, like startWorker): it serves the production webhook URLs on a port
	 * of its own (`webhook.url`) and hands the executions to the workers through Redis. Its task-broker and health
	 * ports are free ports too (n8n 2.40.7 and 1.123.81 open neither in a webhook process, but a later version may).
	 * With `N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true` in the instance's env, main leaves production webhooks to
	 * these processes. Resolves when it answers /healthz/readiness. Stopped by stop().
	 */
	async startWebhookProcess({ timeoutMs = 180_000 } = {}) {
		const index = this.webhookProcesses.length + 1;
		const port = await freePort();
		const env = {
			...this.env,
			N8N_PORT: String(port),
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			QUEUE_HEALTH_CHECK_PORT: String(await freePort()),
		};
		const url = `http://127.0.0.1:${port}`;
		const started = await startProcess({
			name: `n8n webhook process ${index}`,
			cmd: this.install.nodeBin,
			args: [this.install.n8nBin, 'webhook'],
			env,
			readyWhen: [/Webhook listener waiting for requests/, `${url}/healthz/readiness`],
			timeoutMs,
			maxLines: 50_000,
			log: (line) => this.log(`[webhook ${index}] ${line}`),
		});
		const webhook = { index, port, url, child: started.child, output: started.output, stop: () => started.stop() };
		this.webhookProcesses.push(webhook);
		return webhook;
	}

	/** Waits until `predicate(rows)` holds for the workflow's executions (all finished), or throws. */
	async waitForExecutions(workflowId, predicate, { timeoutMs = 60_000 } = {}) {
		const deadline = Date.now() + timeoutMs;
		let rows = [];
		while (Date.now() < deadline) {
			rows = await this.executions(workflowId);
			const settled = rows.every((r) => !['new', 'running', 'waiting'].includes(r.status));
			if (settled && predicate(rows)) return rows;
			await sleep(250);
		}
		throw new Error(`executions of ${workflowId} did not settle as expected: ${JSON.stringify(rows.map((r) => r.status))}`);
	}

	/** Creates the instance owner (first start only) and returns the auth cookie for REST calls and browsers. */
	async setupOwner(owner = { email: 'owner@example.com', firstName: 'Ops', lastName: 'Owner', password: 'Infobip-e2e-1' }) {
		const res = await fetch(`${this.url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(owner),
		});
		if (!res.ok) throw new Error(`owner setup failed: HTTP ${res.status} ${await res.text()}`);
		const cookie = (res.headers.get('set-cookie') || '').split(';')[0];
		return { ...owner, cookie };
	}

	/** Production webhook URL of a trigger node: <base>/webhook/<webhookId>/<path>. */
	webhookUrl(webhookId, webhookPath) {
		return `${this.url}/webhook/${webhookId}/${webhookPath}`;
	}

	cleanup() {
		fs.rmSync(this.userFolder, { recursive: true, force: true });
	}
}

/** Loads an example workflow from examples/ (the files users import). */
function loadExample(name) {
	return JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', name), 'utf8'));
}

module.exports = {
	ROOT,
	CACHE,
	NODE_BIN,
	PACKAGE_NAME,
	SUPPORTED_VERSIONS,
	ensureN8n,
	packPackage,
	createUserFolder,
	INSTALL_FLAGS,
	freePort,
	sleep,
	N8nInstance,
	loadExample,
};

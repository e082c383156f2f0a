// @ts-check
/**
 * One way to start the long-running processes of the harnesses (n8n main, workers and webhook processes,
 * redis-server, PostgreSQL): spawn, collect the output line by line, wait until the process is ready, fail with the
 * last lines of its output when it exits or does not get ready in time, and never let it outlive this process.
 * Used by scripts/lib/n8n.js and scripts/reliability/services.js.
 */
const { spawn } = require('node:child_process');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Processes started here never outlive this process (a crash or Ctrl-C of a test must not leave them). */
const running = new Set();
process.once('exit', () => {
	for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/**
 * A readiness condition: a line predicate, a RegExp a line must match, or a URL that must answer 2xx to a GET.
 * @typedef {((line: string) => boolean) | RegExp | string} ReadyCondition
 */

/**
 * @typedef {object} StartedProcess
 * @property {string} name
 * @property {import('node:child_process').ChildProcess} child
 * @property {string[]} output the process's output lines (stdout and stderr), oldest trimmed beyond `maxLines`
 * @property {Promise<number | null>} exited resolves with the exit code (null after a signal)
 * @property {(options?: { signal?: NodeJS.Signals, graceMs?: number }) => Promise<void>} stop
 */

/**
 * Sends `signal` (SIGTERM), then SIGKILL when the process has not exited after `graceMs`.
 * @param {import('node:child_process').ChildProcess | undefined} child
 * @param {{ signal?: NodeJS.Signals, graceMs?: number }} [options]
 */
async function stopProcess(child, { signal = 'SIGTERM', graceMs = 20_000 } = {}) {
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.kill(signal);
	/** @type {NodeJS.Timeout | undefined} */
	let timer;
	const done = await Promise.race([exited.then(() => true), new Promise((resolve) => (timer = setTimeout(() => resolve(false), graceMs)))]);
	clearTimeout(timer);
	if (!done) {
		child.kill('SIGKILL');
		await exited;
	}
}

/** @param {string} url */
async function answersOk(url) {
	try {
		const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
		await res.arrayBuffer();
		return res.ok;
	} catch {
		return false;
	}
}

/**
 * Starts `cmd args` and resolves once every condition of `readyWhen` holds: each line predicate or RegExp has
 * matched some output line, then each URL answers 2xx (polled every `pollMs`). Without `readyWhen` it resolves once
 * spawned. Rejects, after killing the process, when it exits first or is not ready within `timeoutMs`; the error
 * names the process and quotes its last 20 output lines.
 * @param {{
 *   name: string,
 *   cmd: string,
 *   args?: string[],
 *   env?: NodeJS.ProcessEnv,
 *   cwd?: string,
 *   readyWhen?: ReadyCondition | ReadyCondition[],
 *   timeoutMs?: number,
 *   pollMs?: number,
 *   log?: (line: string) => void,
 *   output?: string[],
 *   maxLines?: number,
 *   stopSignal?: NodeJS.Signals,
 *   stopGraceMs?: number,
 * }} options `output`: an array to append the lines to (kept across restarts by the caller); `maxLines` (5,000):
 *   beyond it the oldest fifth is dropped; `stopSignal`/`stopGraceMs` (SIGTERM, 20 s): what stop() sends and how
 *   long it waits before SIGKILL
 * @returns {Promise<StartedProcess>}
 */
async function startProcess(options) {
	const { name, cmd, args = [], env = process.env, cwd, timeoutMs = 60_000, pollMs = 250, log = () => {}, maxLines = 5000 } = options;
	const output = options.output ?? [];
	const conditions = options.readyWhen === undefined ? [] : Array.isArray(options.readyWhen) ? options.readyWhen : [options.readyWhen];
	const linePredicates = conditions
		.filter((c) => typeof c !== 'string')
		.map((c) => (c instanceof RegExp ? (/** @type {string} */ line) => c.test(line) : /** @type {(line: string) => boolean} */ (c)));
	const urls = /** @type {string[]} */ (conditions.filter((c) => typeof c === 'string'));
	const matched = linePredicates.map(() => false);

	const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
	running.add(child);
	const exited = /** @type {Promise<number | null>} */ (
		new Promise((resolve) => {
			child.once('exit', (code) => {
				running.delete(child);
				resolve(code);
			});
			child.once('error', (error) => {
				running.delete(child);
				output.push(`${name}: ${error.message}`);
				resolve(-1);
			});
		})
	);
	const onLine = (/** @type {string} */ line) => {
		if (!line.trim()) return;
		output.push(line);
		if (output.length > maxLines) output.splice(0, Math.ceil(maxLines / 5));
		for (let i = 0; i < linePredicates.length; i++) if (!matched[i] && linePredicates[i](line)) matched[i] = true;
		log(line);
	};
	for (const stream of [child.stdout, child.stderr]) {
		let partial = '';
		stream?.on('data', (/** @type {Buffer} */ chunk) => {
			const lines = (partial + chunk.toString('utf8')).split('\n');
			partial = lines.pop() ?? '';
			for (const line of lines) onLine(line);
		});
		stream?.on('end', () => {
			if (partial) onLine(partial);
			partial = '';
		});
	}

	/** @type {StartedProcess} */
	const started = {
		name,
		child,
		output,
		exited,
		stop: (o) => stopProcess(child, { signal: o?.signal ?? options.stopSignal, graceMs: o?.graceMs ?? options.stopGraceMs }),
	};
	const tail = () => output.slice(-20).join('\n');
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (matched.every(Boolean)) {
			let ok = true;
			for (const url of urls) if (!(await answersOk(url))) ok = false;
			if (ok) return started;
		}
		const code = await Promise.race([exited, sleep(pollMs).then(() => 'running')]);
		if (code !== 'running') throw new Error(`${name} exited with code ${code} while starting:\n${tail()}`);
		if (Date.now() > deadline) {
			await stopProcess(child, { graceMs: 5000 });
			throw new Error(`${name} did not start within ${Math.round(timeoutMs / 1000)} s:\n${tail()}`);
		}
	}
}

module.exports = { startProcess, stopProcess, sleep };

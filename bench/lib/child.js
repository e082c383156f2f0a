// @ts-check
/**
 * Runs a piece of the bench in its own Node.js process (an HTTP endpoint, a sweeping client), so its CPU and memory
 * are its own. The child prints one JSON line when ready; further lines are results.
 */
const { spawn } = require('node:child_process');

/**
 * Calls `onLine` with each non-empty, trimmed line of a text stream (the parent reads the child's stdout, the child
 * its stdin, both one JSON value per line).
 * @param {NodeJS.ReadableStream} stream
 * @param {(line: string) => void} onLine
 */
function onLines(stream, onLine) {
	let buffer = '';
	stream.on('data', (chunk) => {
		buffer += chunk.toString('utf8');
		let nl;
		while ((nl = buffer.indexOf('\n')) >= 0) {
			const line = buffer.slice(0, nl).trim();
			buffer = buffer.slice(nl + 1);
			if (line) onLine(line);
		}
	});
}

/**
 * @param {string} script path of the child's script
 * @param {string[]} args
 * @param {{ execArgv?: string[], env?: Record<string, string> }} [options]
 */
async function startChild(script, args = [], options = {}) {
	const child = spawn(process.execPath, [...(options.execArgv ?? []), script, ...args], {
		stdio: ['pipe', 'pipe', 'inherit'],
		env: { ...process.env, ...options.env },
	});
	/** @type {Array<(line: any) => void>} */
	const waiting = [];
	/** @type {any[]} */
	const lines = [];
	if (child.stdout)
		onLines(child.stdout, (line) => {
			let value;
			try {
				value = JSON.parse(line);
			} catch {
				process.stderr.write(`[${script}] ${line}\n`);
				return;
			}
			const w = waiting.shift();
			if (w) w(value);
			else lines.push(value);
		});
	const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
	/** Next JSON line from the child (or an error if it exits first). */
	const next = () =>
		lines.length
			? Promise.resolve(lines.shift())
			: new Promise((resolve, reject) => {
					waiting.push(resolve);
					exited.then((code) => reject(new Error(`${script} exited with code ${code}`)));
				});
	const ready = await next();
	return {
		ready,
		pid: /** @type {number} */ (child.pid),
		next,
		/** Sends one JSON command line to the child. */
		send: (/** @type {unknown} */ message) => child.stdin?.write(JSON.stringify(message) + '\n'),
		stop: async () => {
			if (child.exitCode === null) child.kill('SIGTERM');
			await exited;
		},
	};
}

/**
 * In a child: calls `handler` for each JSON command line on stdin and prints its result as one JSON line.
 * @param {(command: any) => Promise<unknown>} handler
 */
function serveCommands(handler) {
	let chain = Promise.resolve();
	onLines(process.stdin, (line) => {
		const command = JSON.parse(line);
		chain = chain.then(async () => {
			try {
				process.stdout.write(JSON.stringify({ ok: true, result: await handler(command) }) + '\n');
			} catch (error) {
				process.stdout.write(JSON.stringify({ ok: false, error: String(/** @type {Error} */ (error).stack ?? error) }) + '\n');
			}
		});
	});
	process.stdin.on('end', () => process.exit(0));
}

/** Sends a command to a child started with startChild and returns its result (throws its error). */
async function ask(child, command) {
	child.send(command);
	const answer = await child.next();
	if (!answer.ok) throw new Error(answer.error);
	return answer.result;
}

module.exports = { startChild, serveCommands, ask };

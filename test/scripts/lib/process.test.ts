/**
 * The harnesses' one way to start a process (scripts/lib/process.js): ready on a log line, a RegExp or a URL (all
 * of them when several are given), a named error with the last output lines when the process exits or is not
 * ready in time, and stop() that escalates to SIGKILL.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ChildProcess } from 'node:child_process';

interface StartedProcess {
	child: ChildProcess;
	output: string[];
	stop: () => Promise<void>;
}
type ReadyCondition = RegExp | string | ((line: string) => boolean);
interface StartOptions {
	name: string;
	cmd: string;
	args?: string[];
	readyWhen?: ReadyCondition | ReadyCondition[];
	timeoutMs?: number;
	pollMs?: number;
	log?: (line: string) => void;
	maxLines?: number;
	stopGraceMs?: number;
}
// plain JavaScript (the harnesses run without a build step)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startProcess } = require('../../../scripts/lib/process.js') as { startProcess: (o: StartOptions) => Promise<StartedProcess> };

const node = process.execPath;

describe('startProcess', () => {
	it('resolves once a line matches, with the output so far, and stop() ends the process', async () => {
		const p = await startProcess({ name: 'printer', cmd: node, args: ['-e', 'console.log("booting"); setTimeout(() => console.log("now ready"), 100); setInterval(() => {}, 1000)'], readyWhen: /now ready/ });
		expect(p.output).toEqual(['booting', 'now ready']);
		await p.stop();
		expect(p.child.exitCode !== null || p.child.signalCode !== null).toBe(true);
	});

	it('joins lines split across chunks and accepts a line predicate', async () => {
		const p = await startProcess({ name: 'splitter', cmd: node, args: ['-e', 'process.stdout.write("rea"); setTimeout(() => process.stdout.write("dy now\\nnext\\n"), 50); setInterval(() => {}, 1000)'], readyWhen: (line) => line === 'ready now' });
		expect(p.output[0]).toBe('ready now');
		await p.stop();
	});

	it('waits for a line and a URL together', async () => {
		const server = http.createServer((_req, res) => res.end('ok'));
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		const { port } = server.address() as AddressInfo;
		try {
			const p = await startProcess({ name: 'both', cmd: node, args: ['-e', 'console.log("up"); setInterval(() => {}, 1000)'], readyWhen: [/up/, `http://127.0.0.1:${port}/`], pollMs: 20 });
			expect(p.output).toContain('up');
			await p.stop();
		} finally {
			server.closeAllConnections();
			server.close();
		}
	});

	it('fails with the name, the exit code and the last lines when the process exits before it is ready', async () => {
		await expect(startProcess({ name: 'quitter', cmd: node, args: ['-e', 'console.error("port 5679 is already in use"); process.exit(3)'], readyWhen: /never/ })).rejects.toThrow(
			/^quitter exited with code 3 while starting:\nport 5679 is already in use$/,
		);
	});

	it('fails and kills the process when it is not ready in time', async () => {
		let pid = 0;
		const started = startProcess({ name: 'sleeper', cmd: node, args: ['-e', 'console.log(process.pid); setInterval(() => {}, 1000)'], readyWhen: /never/, timeoutMs: 3000, pollMs: 20, log: (line) => (pid = Number(line)) });
		await expect(started).rejects.toThrow(/^sleeper did not start within 3 s:\n\d+$/);
		expect(pid).toBeGreaterThan(0);
		expect(() => process.kill(pid, 0)).toThrow();
	});

	it('stop() sends SIGKILL when the process ignores SIGTERM', async () => {
		const p = await startProcess({ name: 'stubborn', cmd: node, args: ['-e', 'process.on("SIGTERM", () => console.log("ignored")); console.log("ready"); setInterval(() => {}, 1000)'], readyWhen: /ready/, stopGraceMs: 200 });
		await p.stop();
		expect(p.child.signalCode).toBe('SIGKILL');
		expect(p.output).toContain('ignored');
	});

	it('keeps at most maxLines lines, dropping the oldest', async () => {
		const p = await startProcess({ name: 'chatty', cmd: node, args: ['-e', 'for (let i = 0; i < 30; i++) console.log("line " + i); console.log("done"); setInterval(() => {}, 1000)'], readyWhen: /done/, maxLines: 10 });
		expect(p.output.length).toBeLessThanOrEqual(10);
		expect(p.output[p.output.length - 1]).toBe('done');
		await p.stop();
	});
});

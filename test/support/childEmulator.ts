/**
 * Starts the emulator in a CHILD process (so its state does not count in this process's heap):
 * emulator/*.ts is transpiled to a temporary folder and run with this repo's node_modules.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';
import { request } from 'undici';

const ROOT = resolve(__dirname, '../..');

export interface ChildEmulator {
	url: string;
	apiKey: string;
	botAgentId: string;
	pid: number;
	control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
	api(path: string): Promise<any>;
	stop(): Promise<void>;
}

export async function startChildEmulator(options: { sessionTimeoutSeconds?: number } = {}): Promise<ChildEmulator> {
	const dir = mkdtempSync(join(tmpdir(), 'infobip-emulator-child-'));
	mkdirSync(join(dir, 'emulator'));
	// every module of emulator/ (index.ts imports the others)
	for (const file of readdirSync(join(ROOT, 'emulator')).filter((f) => f.endsWith('.ts'))) {
		const source = readFileSync(join(ROOT, 'emulator', file), 'utf8');
		const js = ts.transpileModule(source, {
			compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
		}).outputText;
		writeFileSync(join(dir, 'emulator', file.replace(/\.ts$/, '.js')), js);
	}
	writeFileSync(
		join(dir, 'child.js'),
		`const { startEmulator } = require('./emulator/index.js');
startEmulator({ port: 0, apiKey: 'child-key', bot: { agentId: 'bot-1', sessionTimeoutSeconds: ${options.sessionTimeoutSeconds ?? 7 * 86_400} } })
	.then((emu) => process.stdout.write(JSON.stringify({ url: emu.url, apiKey: emu.apiKey, botAgentId: emu.botAgentId }) + '\\n'));
process.on('disconnect', () => process.exit(0));
`,
	);
	const child: ChildProcess = spawn(process.execPath, [join(dir, 'child.js')], {
		env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
		stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
	});
	const info = await new Promise<{ url: string; apiKey: string; botAgentId: string }>((resolvePromise, reject) => {
		let out = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			if (out.includes('\n')) resolvePromise(JSON.parse(out.split('\n')[0]));
		});
		child.once('exit', (code) => reject(new Error(`emulator child exited with ${code}`)));
	});
	const call = async (method: string, path: string, body?: unknown, auth = false) => {
		const res = await request(`${info.url}${path}`, {
			method: method as 'GET',
			headers: { 'content-type': 'application/json', ...(auth ? { authorization: `App ${info.apiKey}` } : {}) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.body.text();
		return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
	};
	return {
		...info,
		pid: child.pid!,
		control: (method, path, body) => call(method, path, body),
		api: async (path) => (await call('GET', path, undefined, true)).body,
		stop: async () => {
			const exited = new Promise((r) => child.once('exit', r));
			child.kill('SIGTERM');
			await exited;
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

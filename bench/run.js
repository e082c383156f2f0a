#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench [-- <row>…] [--rounds N] [--quick] [--profile]`: the package's speed goals, measured side by side in one run.
 *
 * Rows (docs/benchmarks.md says exactly what each measures):
 *   inbound  1  messages/s through a real n8n 2.40.7: the Infobip trigger vs n8n's plain Webhook node
 *   card     2  context card: cached template vs parse+render; node call vs bare undici call
 *   send     3  Send Message × 1,000 items in real n8n against the rate-limited emulator vs the HTTP Request node
 *   sweep    4  Sweep Idle Sessions over 100,000 conversations vs a raw paged listing; peak heap at 10k / 100k
 * Default: all rows. Each row alternates its variants round by round, discards warm-up rounds and reports medians.
 * Prints a table (both figures, the ratio, the goal, met or not) and writes bench/results/<timestamp>.json with the
 * machine (CPUs, load average before/after, Node versions, n8n version) so runs can be compared.
 *
 * Runs under the Node.js 24 that n8n 2.40.7 uses (it re-executes itself with it), after `npm run build`.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const { ensureN8n } = require('../scripts/lib/n8n');
const { machineInfo } = require('./lib/machine');
const { fmt } = require('./lib/measure');

const N8N_VERSION = '2.40.7';
const ROOT = path.resolve(__dirname, '..');
const ROWS = [
	{ name: 'inbound', aliases: ['1', 'trigger'], file: './rows/inbound' },
	{ name: 'card', aliases: ['2', 'context-card'], file: './rows/card' },
	{ name: 'send', aliases: ['3'], file: './rows/send' },
	{ name: 'sweep', aliases: ['4'], file: './rows/sweep' },
];

function parseArgs(argv) {
	const wanted = [];
	let rounds;
	let quick = false;
	let profile = false;
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--quick') quick = true;
		else if (a === '--profile') profile = true;
		else if (a === '--rounds') rounds = Number(argv[++i]);
		else if (a.startsWith('--rounds=')) rounds = Number(a.slice(9));
		else if (a === '--help' || a === '-h') {
			console.log('npm run bench [-- inbound|card|send|sweep … ] [--rounds N] [--quick] [--profile]');
			process.exit(0);
		} else {
			const row = ROWS.find((r) => r.name === a || r.aliases.includes(a));
			if (!row) throw new Error(`unknown row "${a}"; rows: ${ROWS.map((r) => r.name).join(', ')}`);
			wanted.push(row.name);
		}
	}
	return { rows: ROWS.filter((r) => !wanted.length || wanted.includes(r.name)), rounds, quick, profile };
}

function pad(s, n) {
	s = String(s);
	return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function printTable(rows) {
	const lines = rows.map((r) => [
		r.id,
		r.what,
		Number.isFinite(r.package.value) ? `${fmt(r.package.value)} ${r.package.unit}` : 'n/a',
		Number.isFinite(r.baseline.value) ? `${fmt(r.baseline.value)} ${r.baseline.unit}` : 'did not finish',
		r.ratioText,
		r.goal,
		r.met === null ? 'n/a' : r.met ? 'MET' : 'NOT MET',
	]);
	const head = ['#', 'What', 'Package', 'Baseline', 'Ratio', 'Goal', 'Result'];
	const widths = head.map((h, k) => Math.min(k === 1 ? 70 : 40, Math.max(h.length, ...lines.map((l) => String(l[k]).length))));
	const sep = widths.map((w) => '-'.repeat(w)).join('-+-');
	console.log(head.map((h, k) => pad(h, widths[k])).join(' | '));
	console.log(sep);
	for (const l of lines) console.log(l.map((c, k) => pad(c, widths[k])).join(' | '));
	console.log('');
	for (const r of rows) {
		console.log(`${r.id}  package: ${r.package.label}; baseline: ${r.baseline.label}`);
		if (r.note) console.log(`    ${String(r.note).split('\n').join('\n    ')}`);
	}
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const install = ensureN8n(N8N_VERSION);
	// everything runs on the Node.js that n8n itself uses
	if (path.resolve(process.execPath) !== path.resolve(install.nodeBin) && !process.env.INFOBIP_BENCH_CHILD) {
		const res = spawnSync(install.nodeBin, [__filename, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, INFOBIP_BENCH_CHILD: '1', INFOBIP_BENCH_HOST_NODE: process.version } });
		process.exit(res.status ?? 1);
	}
	if (!fs.existsSync(path.join(ROOT, 'dist/nodes/InfobipConversations/InfobipConversations.node.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first (npm run bench does)');
	}
	const quick = args.quick;
	const rounds = args.rounds ?? (quick ? 2 : 5);
	const warmup = quick ? 1 : 1;
	const started = Date.now();
	const before = machineInfo({ n8nVersion: N8N_VERSION, n8nNode: process.version });
	console.log(`bench: ${args.rows.map((r) => r.name).join(', ')} — ${before.cpus} × ${before.cpuModel}, load ${before.loadAverage.join(' ')}, Node ${process.version}, n8n ${N8N_VERSION}${quick ? ' (quick)' : ''}\n`);
	/** @type {any[]} */
	const rows = [];
	/** @type {Record<string, unknown>} */
	const raw = {};
	/** @type {Record<string, number>} */
	const durations = {};
	for (const row of args.rows) {
		const t = Date.now();
		console.log(`== ${row.name}`);
		const mod = require(row.file);
		const log = (/** @type {string} */ line) => console.log(`   ${line}`);
		try {
			const result = await mod.run({ rounds, warmup, quick, profile: args.profile, log, install });
			rows.push(...result.rows);
			raw[row.name] = result.raw;
		} catch (error) {
			console.error(`   row ${row.name} failed: ${/** @type {Error} */ (error).stack}`);
			rows.push({ id: row.name, what: `${mod.title} — FAILED: ${/** @type {Error} */ (error).message}`, package: { label: '-', value: NaN, unit: '' }, baseline: { label: '-', value: NaN, unit: '' }, ratioText: '-', goal: '-', met: false, note: String(/** @type {Error} */ (error).stack) });
			process.exitCode = 1;
		}
		durations[row.name] = Math.round((Date.now() - t) / 1000);
		console.log(`   (${durations[row.name]} s)\n`);
	}
	const after = os.loadavg().map((l) => Math.round(l * 100) / 100);
	printTable(rows);
	const totalS = Math.round((Date.now() - started) / 1000);
	console.log(`\nload average before ${before.loadAverage.join(' ')}, after ${after.join(' ')}; ${totalS} s in all`);
	const dir = path.join(ROOT, 'bench/results');
	fs.mkdirSync(dir, { recursive: true });
	const stamp = new Date(started).toISOString().replace(/[:.]/g, '-');
	const file = path.join(dir, `${stamp}-${args.rows.map((r) => r.name).join('-')}.json`);
	const machine = { ...before, hostNode: process.env.INFOBIP_BENCH_HOST_NODE ?? process.version, loadAverageBefore: before.loadAverage, loadAverageAfter: after };
	delete (/** @type {any} */ (machine)).loadAverage;
	fs.writeFileSync(file, JSON.stringify({ startedAt: new Date(started).toISOString(), durationSeconds: totalS, rowDurationsSeconds: durations, options: { rounds, warmup, quick, profile: args.profile, n8nEnv: process.env.INFOBIP_BENCH_N8N_ENV ?? null }, machine, rows, raw }, null, 2));
	console.log(`results: ${path.relative(process.cwd(), file)}`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

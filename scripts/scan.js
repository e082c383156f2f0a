#!/usr/bin/env node
// @ts-check
/**
 * `npm run scan`: n8n's community-package scanner (@n8n/scan-community-package, a devDependency, so no network is
 * needed), run offline on the two things n8n's verification scans:
 *
 * - source:  the files git would commit (tracked, plus untracked files that are not ignored), as the scanner's
 *            provenance leg lints the GitHub checkout of the published commit (package.json, nodes/, credentials/);
 * - tarball: the output of `npm pack` unpacked, as the scanner lints the published package (every .js file and
 *            package.json).
 *
 * Each leg is linted with the scanner's own ESLint configuration (`buildScanConfig`) and options, exactly as its
 * `analyzePackage` does, but keeping every finding (rule, file, line) so they can be matched against
 * scan-exceptions.json, the one list of accepted findings. As a guard against a scanner update changing what
 * `analyzePackage` does, its own verdict is computed too and must agree with the replica's.
 *
 * Exit code: 0 no error outside scan-exceptions.json; 1 errors outside it; 2 the scan itself could not run.
 *
 * Options: --no-build  pack the dist/ that is there (e.g. right after `npm run build`) instead of building first
 *          --leg=source|tarball  one leg only
 *          --json=FILE  also write every finding, with the exception it matched, as JSON
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createRequire } = require('node:module');
const { pathToFileURL } = require('node:url');

const ROOT = path.resolve(__dirname, '..');
const SCANNER = '@n8n/scan-community-package';
const EXCEPTIONS_FILE = path.join(ROOT, 'scan-exceptions.json');
// what the scanner lints in each leg (analyzePackageByName in its scanner/scanner.mjs)
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

class ScanError extends Error {}

function parseArgs(argv) {
	const opts = { build: true, legs: ['source', 'tarball'], json: '' };
	for (const arg of argv) {
		if (arg === '--no-build') opts.build = false;
		else if (arg === '--leg=source' || arg === '--leg=tarball') opts.legs = [arg.slice(6)];
		else if (arg.startsWith('--json=')) opts.json = path.resolve(arg.slice(7));
		else throw new ScanError(`Unknown option ${arg}. Options: --no-build, --leg=source|tarball, --json=FILE`);
	}
	return opts;
}

/** The scanner and the ESLint and fast-glob it depends on (not the project's own ESLint). */
async function loadScanner() {
	let entry;
	try {
		entry = require.resolve(`${SCANNER}/scanner/scanner.mjs`, { paths: [ROOT] });
	} catch {
		throw new ScanError(`${SCANNER} is not installed. It is a devDependency of this package: run npm install.`);
	}
	const own = createRequire(entry);
	const scanner = await import(pathToFileURL(entry).href);
	for (const name of ['analyzePackage', 'buildScanConfig', 'SOURCE_FILE_PATTERNS']) {
		if (!(name in scanner)) {
			throw new ScanError(`${SCANNER} ${readJson(own.resolve(`${SCANNER}/package.json`)).version} no longer exports ${name}: update scripts/scan.js to its new interface.`);
		}
	}
	return {
		scanner,
		version: readJson(own.resolve(`${SCANNER}/package.json`)).version,
		ESLint: own('eslint').ESLint,
		glob: own('fast-glob'),
	};
}

function readJson(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function loadExceptions() {
	const { exceptions } = readJson(EXCEPTIONS_FILE);
	if (!Array.isArray(exceptions)) throw new ScanError(`${path.basename(EXCEPTIONS_FILE)} must have an "exceptions" array.`);
	for (const [i, e] of exceptions.entries()) {
		const missing = ['id', 'rule', 'files', 'reason'].filter((k) => !e[k] || (k === 'files' && !Array.isArray(e.files)));
		if (missing.length) throw new ScanError(`${path.basename(EXCEPTIONS_FILE)}: exception ${i + 1} lacks ${missing.join(', ')}.`);
	}
	return exceptions;
}

/** The source leg's folder: a copy of what git would commit, so ignored and build files play no part. */
function sourceTree(tmp) {
	let listed;
	try {
		listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
	} catch {
		return { dir: ROOT, note: 'not a git checkout: the working tree as it is' };
	}
	const dir = path.join(tmp, 'source');
	let count = 0;
	for (const file of listed.split('\0')) {
		const from = path.join(ROOT, file);
		if (!file || !fs.existsSync(from) || !fs.statSync(from).isFile()) continue; // deleted but still in the index
		fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
		fs.copyFileSync(from, path.join(dir, file));
		count++;
	}
	return { dir, note: `${count} files git would commit` };
}

/** The tarball leg's folder: `npm pack` unpacked, as n8n's installer and the scanner unpack it. */
function tarballTree(tmp, build) {
	if (build) {
		console.log('scan: building (npm run build) before packing…');
		execFileSync(npm, ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
	}
	// --ignore-scripts: prepack would build again; the build above (or the caller's) is the one packed
	const packed = JSON.parse(execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }))[0];
	const dir = path.join(tmp, 'package');
	fs.mkdirSync(dir);
	execFileSync('tar', ['-xzf', path.join(tmp, packed.filename), '-C', dir, '--strip-components=1'], { stdio: ['ignore', 'ignore', 'inherit'] });
	const kb = (n) => `${Math.round(n / 1024)} KB`;
	return { dir, note: `${packed.filename}: ${packed.entryCount} files, ${kb(packed.size)} packed, ${kb(packed.unpackedSize)} unpacked` };
}

/** Lints a leg as the scanner's analyzePackage does (same config, options and file list), keeping the messages. */
async function lintLeg(tools, dir, patterns) {
	const eslint = new tools.ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await tools.scanner.buildScanConfig(),
	});
	const files = tools.glob.sync(patterns, { cwd: dir, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	const results = files.length ? await eslint.lintFiles(files) : [];
	results.sort((a, b) => a.filePath.localeCompare(b.filePath));
	const findings = [];
	for (const result of results) {
		for (const m of result.messages) {
			findings.push({
				severity: m.severity === 2 ? 'error' : 'warning',
				rule: m.ruleId ?? '(parser)',
				file: path.relative(dir, result.filePath).split(path.sep).join('/'),
				line: m.line ?? 0,
				column: m.column ?? 0,
				message: m.message,
				/** the id of the exception that accepts it */
				exception: '',
				/** why an exception for the same rule and file does not accept it */
				why: '',
			});
		}
	}
	// the scanner's own verdict on the same folder must agree with the replica's
	const verdict = await tools.scanner.analyzePackage(dir, patterns);
	const errors = findings.filter((f) => f.severity === 'error').length;
	const theirs = /\((\d+) errors?,/.exec(verdict.details ?? '');
	if (verdict.passed !== (errors === 0) || (theirs && Number(theirs[1]) !== errors) || /^Analysis failed/.test(verdict.message ?? '')) {
		throw new ScanError(`The scanner's analyzePackage (${verdict.message ?? 'passed'}${theirs ? `, ${theirs[1]} errors` : ''}) disagrees with scripts/scan.js (${errors} errors) on ${dir}: the scanner changed, update scripts/scan.js.`);
	}
	return { files: files.length, findings };
}

/** Why an exception for the finding's rule and file does not accept it, or '' when it does. */
function mismatch(exception, finding, dir) {
	if (exception.message && !finding.message.includes(exception.message)) return 'message';
	if (exception.dependencies) {
		const deps = Object.keys(readJson(path.join(dir, 'package.json')).dependencies ?? {});
		const extra = deps.filter((d) => !exception.dependencies.includes(d));
		if (extra.length) return `dependencies also has ${extra.join(', ')} (only ${exception.dependencies.join(', ')} is accepted)`;
	}
	return '';
}

function printLeg(name, tree, lint) {
	const errors = lint.findings.filter((f) => f.severity === 'error');
	const open = errors.filter((f) => !f.exception);
	const warnings = lint.findings.filter((f) => f.severity === 'warning');
	console.log(`\nscan: ${name} leg (${tree.note}; ${lint.files} files linted): ${errors.length} errors (${errors.length - open.length} accepted by scan-exceptions.json), ${warnings.length} warnings`);
	const byRule = new Map();
	for (const f of lint.findings) {
		const key = `${f.severity === 'error' ? (f.exception ? 'accepted' : 'error') : 'warning'} ${f.rule}`;
		if (!byRule.has(key)) byRule.set(key, []);
		byRule.get(key).push(f);
	}
	const order = { error: 0, warning: 1, accepted: 2 };
	const keys = [...byRule.keys()].sort((a, b) => order[a.split(' ')[0]] - order[b.split(' ')[0]] || byRule.get(b).length - byRule.get(a).length || a.localeCompare(b));
	for (const key of keys) {
		const list = byRule.get(key);
		console.log(`  ${key} (${list.length})`);
		for (const f of list) {
			const note = f.exception ? `  [accepted: ${f.exception}]` : f.why ? `  [not accepted: ${f.why}]` : '';
			console.log(`    ${f.file}:${f.line}:${f.column}  ${f.message}${note}`);
		}
	}
	return open.length;
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	const tools = await loadScanner();
	const exceptions = loadExceptions();
	const considered = new Set();
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infobip-scan-'));
	const report = {};
	let open = 0;
	try {
		console.log(`scan: ${SCANNER} ${tools.version}, offline; accepted findings: ${path.basename(EXCEPTIONS_FILE)} (${exceptions.map((e) => e.id).join(', ') || 'none'})`);
		for (const leg of opts.legs) {
			const tree = leg === 'source' ? sourceTree(tmp) : tarballTree(tmp, opts.build);
			const lint = await lintLeg(tools, tree.dir, leg === 'source' ? tools.scanner.SOURCE_FILE_PATTERNS : TARBALL_PATTERNS);
			for (const f of lint.findings) {
				if (f.severity !== 'error') continue;
				for (const e of exceptions.filter((x) => x.rule === f.rule && x.files.includes(f.file))) {
					considered.add(e.id);
					const why = mismatch(e, f, tree.dir);
					if (!why) {
						f.exception = e.id;
						break;
					}
					f.why = `${e.id}: ${why}`;
				}
			}
			open += printLeg(leg, tree, lint);
			report[leg] = { ...tree, dir: undefined, files: lint.files, findings: lint.findings };
		}
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
	const unused = exceptions.filter((e) => !considered.has(e.id)).map((e) => e.id);
	if (unused.length) console.log(`\nscan: note: no finding matched the rule and files of ${unused.join(', ')} in ${path.basename(EXCEPTIONS_FILE)}; remove it if it is no longer needed`);
	if (opts.json) fs.writeFileSync(opts.json, `${JSON.stringify({ scanner: tools.version, legs: report }, null, 2)}\n`);
	if (open) {
		console.log(`\nscan: FAILED: ${open} error(s) outside ${path.basename(EXCEPTIONS_FILE)} (see above; each names the rule and the file to fix)`);
		process.exitCode = 1;
	} else {
		console.log(`\nscan: passed: no error outside ${path.basename(EXCEPTIONS_FILE)} (${opts.legs.join(' and ')})`);
	}
}

main().catch((error) => {
	console.error(`scan: ${error instanceof ScanError ? error.message : (error?.stack ?? error)}`);
	process.exitCode = 2;
});

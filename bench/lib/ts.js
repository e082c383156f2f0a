// @ts-check
/**
 * Lets the bench (plain JS) reuse the TypeScript test helpers (test/support/n8nContext.ts, test/support/sweep.ts, childEmulator.ts):
 * a `.ts` require hook that transpiles with the repo's TypeScript. Imports of the package's own code
 * (nodes/, credentials/, emulator/) are answered from the build in dist/, so the bench measures what ships.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
let registered = false;

function registerTs() {
	if (registered) return;
	registered = true;
	const ts = require('typescript');
	const Module = /** @type {any} */ (require('node:module'));
	// `import … from './X.node'` in a .ts file means X.node.ts, not the X.node.json codex file next to it
	const resolve = Module._resolveFilename;
	Module._resolveFilename = function (request, parent, ...rest) {
		if (parent?.filename?.endsWith('.ts') && request.startsWith('.')) {
			const candidate = path.resolve(path.dirname(parent.filename), `${request}.ts`);
			if (fs.existsSync(candidate)) return candidate;
		}
		return resolve.call(this, request, parent, ...rest);
	};
	// eslint-disable-next-line n/no-deprecated-api
	require.extensions['.ts'] = (module, filename) => {
		const rel = path.relative(ROOT, filename).split(path.sep).join('/');
		if (/^(nodes|credentials|emulator)\//.test(rel)) {
			const dist = path.join(ROOT, 'dist', rel.replace(/\.ts$/, '.js'));
			if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build\` first (npm run bench does)`);
			module.exports = require(dist);
			return;
		}
		const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
			fileName: filename,
			compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
		});
		/** @type {any} */ (module)._compile(outputText, filename);
	};
}

/** Requires a TypeScript file of this repo (path relative to the repo root). */
function requireTs(relativePath) {
	registerTs();
	return require(path.join(ROOT, relativePath));
}

module.exports = { registerTs, requireTs, ROOT };

/**
 * The installed package is what n8n loads, and the README's install command is the one the e2e uses.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { INSTALL_FLAGS, PACKAGE_NAME } = require('../scripts/lib/n8n') as { INSTALL_FLAGS: string[]; PACKAGE_NAME: string };
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

describe('the package as n8n installs it', () => {
	it('README gives the manual install command with the flags the e2e installs with', () => {
		const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
		expect(readme).toContain(`npm install ${PACKAGE_NAME} ${INSTALL_FLAGS.join(' ')}`);
	});

	it('ships only what n8n loads: no emulator, tests, scripts, benches, maps or type declarations, and no bin', () => {
		const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
		const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
		expect(files.filter((f) => /^(emulator|test|bench|scripts|docs)\/|^dist\/emulator|\.map$|\.d\.ts$|\.ts$/.test(f))).toEqual([]);
		expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'index.js']));
		expect(files.every((f) => /^(dist\/(nodes|credentials)\/|examples\/|package\.json$|README\.md$|LICENSE$|index\.js$)/.test(f))).toBe(true);
		expect(pkg.bin).toBeUndefined();
	});

	it('has only the runtime dependencies the scan exceptions name, and the n8n section points at files that exist after a build', () => {
		const exceptions = JSON.parse(readFileSync(join(ROOT, 'scan-exceptions.json'), 'utf8')).exceptions as Array<{ dependencies?: string[] }>;
		const allowed = exceptions.flatMap((e) => e.dependencies ?? []);
		expect(Object.keys(pkg.dependencies).sort()).toEqual([...allowed].sort());
		expect(pkg.n8n.strict).toBe(true);
		expect(pkg.author.email).toMatch(/@/);
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(file).toMatch(/^dist\/(nodes|credentials)\/.+\.js$/);
	});
});

/**
 * The shape the code keeps (issue 15): no source file under nodes/, credentials/ or emulator/ over 350 lines, no
 * function over 80 lines. Functions are every function declaration, method, arrow function and function
 * expression, measured from their first to their last line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..');
const MAX_FILE_LINES = 350;
const MAX_FUNCTION_LINES = 80;

function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sources(path);
		return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
	});
}

const files = ['nodes', 'credentials', 'emulator'].flatMap((d) => sources(join(ROOT, d)));

function longFunctions(file: string): string[] {
	const text = readFileSync(file, 'utf8');
	const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
	const found: string[] = [];
	const visit = (node: ts.Node) => {
		if (ts.isFunctionLike(node) && 'body' in node && node.body) {
			const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
			const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
			const lines = end - start + 1;
			if (lines > MAX_FUNCTION_LINES) {
				const name = (node as ts.FunctionLikeDeclaration).name?.getText(sf) ?? '(anonymous)';
				found.push(`${relative(ROOT, file)}:${start + 1} ${name}: ${lines} lines`);
			}
		}
		ts.forEachChild(node, visit);
	};
	visit(sf);
	return found;
}

describe('code size', () => {
	it(`no source file in nodes/, credentials/, emulator/ is over ${MAX_FILE_LINES} lines`, () => {
		const long = files
			.map((f) => ({ f: relative(ROOT, f), lines: readFileSync(f, 'utf8').split('\n').length }))
			.filter((x) => x.lines > MAX_FILE_LINES)
			.map((x) => `${x.f}: ${x.lines} lines`);
		expect(long).toEqual([]);
	});

	it(`no function there is over ${MAX_FUNCTION_LINES} lines`, () => {
		const long = files.flatMap(longFunctions);
		expect(long).toEqual([]);
	});
});

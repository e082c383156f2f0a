const path = require('path');
const { task, src, dest } = require('gulp');

task('build:icons', copyIcons);

function copyIcons() {
	// icons, and each node's codex file (X.node.json next to X.node.js: categories and docs links in the editor)
	const nodeSource = [path.resolve('nodes', '**', '*.{png,svg}'), path.resolve('nodes', '**', '*.node.json')];
	const nodeDestination = path.resolve('dist', 'nodes');

	src(nodeSource, { encoding: false }).pipe(dest(nodeDestination));

	const credSource = path.resolve('credentials', '**', '*.{png,svg}');
	const credDestination = path.resolve('dist', 'credentials');

	return src(credSource, { encoding: false }).pipe(dest(credDestination));
}

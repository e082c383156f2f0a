// @ts-check
/**
 * Every workflow in examples/ is importable into this n8n as users get it: each node type exists in this n8n
 * (`n8n export:nodes`, with this package installed) at the typeVersion the example uses, and `n8n import:workflow`
 * accepts the file unchanged.
 */
const fs = require('node:fs');
const path = require('node:path');

const { ROOT } = require('../../lib/n8n');

async function prepare(ctx) {
	const { n8n, check } = ctx;
	const out = path.join(n8n.userFolder, 'nodes-export.json');
	await n8n.cli(['export:nodes', `--output=${out}`]);
	/** @type {Map<string, Set<number>>} */
	const known = new Map();
	for (const node of JSON.parse(fs.readFileSync(out, 'utf8'))) {
		const versions = known.get(node.name) ?? new Set();
		for (const v of [node.version].flat()) versions.add(Number(v));
		known.set(node.name, versions);
	}
	const files = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.json')).sort();
	check('examples: there are example workflows for the bot, the AI agent bot, the context card and the sweep', ['ai-agent-bot.json', 'context-card-jira.json', 'external-bot.json', 'sweep-idle-sessions.json'].every((f) => files.includes(f)), files);
	let n = 0;
	for (const file of files) {
		const wf = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));
		const missing = wf.nodes
			.filter((node) => !known.get(node.type)?.has(Number(node.typeVersion)))
			.map((node) => `${node.name}: ${node.type} v${node.typeVersion}`);
		check(`examples: ${file}: every node type and version exists in this n8n`, missing.length === 0, missing.join('; '));
		const ours = wf.nodes.filter((node) => node.type.startsWith('n8n-nodes-infobip-conversations.'));
		check(`examples: ${file}: uses this package's nodes by their installed type names`, ours.length > 0);
		let imported = true;
		try {
			await n8n.importWorkflow({ ...wf, id: `e2eExample${String(++n).padStart(5, '0')}` });
		} catch (error) {
			imported = /** @type {Error} */ (error).message;
		}
		check(`examples: ${file}: n8n import:workflow accepts it unchanged`, imported === true, imported);
	}
}

module.exports = { prepare };

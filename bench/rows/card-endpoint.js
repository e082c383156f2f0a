// @ts-check
/** Child process for the card row: the Jira-like endpoint of scripts/lib/jira-like.js, with a fixed latency. */
const { startJiraLike } = require('../../scripts/lib/jira-like');

const latencyMs = Number(process.argv[2] ?? 0);
startJiraLike({ latencyMs, issues: { 'conv-bench-1': { key: 'SUP-42', summary: 'Refund for order <1234>', status: 'In Progress' } } }).then((jira) => {
	process.stdout.write(JSON.stringify({ url: jira.url, email: jira.email, apiToken: jira.apiToken }) + '\n');
	setInterval(() => jira.requests.splice(0), 10_000).unref();
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));

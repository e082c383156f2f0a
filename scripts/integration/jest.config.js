// @ts-check
/**
 * jest for test/engine (run by scripts/integration/run.js, on Node.js 24, once per installed n8n version):
 * `n8n-workflow` is mapped to the installed n8n's copy, so the package's nodes, the tests and n8n-core share one
 * n8n-workflow, as in n8n. ts-jest only transpiles (types are checked by `npm run typecheck`).
 */
const path = require('node:path');

const n8nDir = process.env.INFOBIP_N8N_DIR;

/** @type {import('jest').Config} */
module.exports = {
	rootDir: path.resolve(__dirname, '../..'),
	roots: ['<rootDir>/test/engine'],
	testMatch: ['**/*.test.ts'],
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.json') }] },
	moduleNameMapper: n8nDir ? { '^n8n-workflow$': path.join(n8nDir, 'node_modules/n8n-workflow') } : {},
	testTimeout: 60000,
};

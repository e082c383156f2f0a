// @ts-check
/**
 * jest for test/engine (run by scripts/integration/run.js, on Node.js 24, once per installed n8n version,
 * $INFOBIP_N8N_DIR). jest loads only this package's sources and the tests (ts-jest, transpile only: types are
 * checked by `npm run typecheck`); n8n's packages are loaded natively (setup.js).
 */
const path = require('node:path');

/** @type {import('jest').Config} */
module.exports = {
	rootDir: path.resolve(__dirname, '../..'),
	roots: ['<rootDir>/test/engine'],
	testMatch: ['**/*.test.ts'],
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.json') }] },
	setupFiles: [path.join(__dirname, 'setup.js')],
	testTimeout: 60000,
};

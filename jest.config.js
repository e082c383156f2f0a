/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// test/engine runs inside an installed n8n's engine, on Node.js 24: `npm run test:integration`
	// (scripts/integration/jest.config.js). The end-to-end tests in real n8n are scripts, not jest: `npm run test:e2e`.
	testPathIgnorePatterns: ['/node_modules/', '/test/engine/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	testTimeout: 30000,
};

/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// End-to-end tests against a real n8n run with `npm run test:e2e` (see jest.e2e.config.js).
	// test/engine runs inside an installed n8n's engine, on Node.js 24: `npm run test:integration`.
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/', '/test/engine/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	testTimeout: 30000,
};

// @ts-check
/**
 * jest setup for test/engine: n8n's packages are loaded by Node.js itself (not by jest's module registry), as in
 * a running n8n: native ESM dependencies, isolated-vm and dynamic imports work as they do there. `n8n-workflow`,
 * imported by this package's nodes and by the tests, is that same native copy, so the nodes, the tests and n8n-core
 * share one n8n-workflow.
 */
const path = require('node:path');

// jest hands tests its own `module` (createRequire included); process.getBuiltinModule gives Node's
const { createRequire } = /** @type {typeof import('node:module')} */ (process.getBuiltinModule('node:module'));

const n8nDir = process.env.INFOBIP_N8N_DIR;
if (n8nDir) {
	const nativeRequire = createRequire(path.join(n8nDir, 'node_modules', 'package.json'));
	jest.mock('n8n-workflow', () => nativeRequire('n8n-workflow'));
}

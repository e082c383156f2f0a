/**
 * The real n8n installs the e2e keeps in ~/.cache/infobip-n8n (or $INFOBIP_N8N_CACHE), for unit tests that check
 * this package against n8n's own node and credential types. Such a test is skipped while a version is not installed
 * (npm test needs none), except with INFOBIP_REQUIRE_N8N=1 (.ci/run, after the install), where it must run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The n8n versions the package supports and the e2e installs. */
export const N8N_VERSIONS = ['2.40.7', '1.123.81'];

const cache = process.env.INFOBIP_N8N_CACHE || path.join(os.homedir(), '.cache/infobip-n8n');

/** The node_modules folder of an installed n8n version. */
export function n8nModules(version: string): string {
	return path.join(cache, `n8n-${version}`, 'node_modules');
}

/**
 * Whether a version is completely installed: scripts/e2e/install-n8n.sh writes `.complete` last. A folder without it
 * is an install still under way (in CI it runs in the background while the unit tests run) or a failed one.
 */
export function n8nInstalled(version: string): boolean {
	return fs.existsSync(path.join(cache, `n8n-${version}`, '.complete'));
}

/** `it` when `installed` (or INFOBIP_REQUIRE_N8N=1), else `it.skip`. */
export function itWithN8n(installed: boolean): jest.It {
	return installed || process.env.INFOBIP_REQUIRE_N8N === '1' ? it : it.skip;
}

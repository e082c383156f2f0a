/**
 * A real Redis server for the tests that need one (the trigger's Redis deduplication store), started like the
 * reliability harness starts it (scripts/reliability/services.js: redis-server from Debian's package, a free port,
 * no persistence). Where redis-server is not installed the suite is skipped with a note — unless
 * INFOBIP_REQUIRE_REDIS=1, which `.ci/run` sets when it runs these tests again after installing the package.
 */
import { execFileSync } from 'node:child_process';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const services = require('../../scripts/reliability/services') as {
	startRedis(opts?: { log?: (line: string) => void }): Promise<{ port: number; version: string; stop(): Promise<void> }>;
};

export function redisAvailable(): boolean {
	try {
		execFileSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

/** `describe` when a Redis server can be started, else `describe.skip` (or a failure with INFOBIP_REQUIRE_REDIS=1). */
export function describeWithRedis(name: string, fn: () => void): void {
	if (redisAvailable()) return describe(name, fn);
	if (process.env.INFOBIP_REQUIRE_REDIS === '1') {
		return describe(name, () => {
			it('needs redis-server (apt-get install redis-server)', () => {
				throw new Error('redis-server is not installed, and INFOBIP_REQUIRE_REDIS=1 requires these tests to run');
			});
		});
	}
	// eslint-disable-next-line no-console
	console.warn(`skipped "${name}": redis-server is not installed (CI runs it again once it is)`);
	return describe.skip(name, fn);
}

export async function startRedisServer() {
	return await services.startRedis();
}

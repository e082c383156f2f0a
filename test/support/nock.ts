/**
 * Exact HTTP with nock for one test file: no real network (except `allow`, e.g. '127.0.0.1' for the emulator), the
 * interceptors cleared after each test, and nock's interception of http ended with the file — jest runs the files
 * of a small machine one after another in one process, and the next file must get http unpatched. A function the
 * file calls, not a jest setup file: loading nock in every file would route the emulator's and the webhook harness's
 * real HTTP through nock's interceptors too.
 */
import nock from 'nock';

export function useNock(allow?: string): void {
	beforeAll(() => {
		nock.disableNetConnect();
		if (allow) nock.enableNetConnect(allow);
	});
	afterEach(() => nock.cleanAll());
	afterAll(() => {
		nock.enableNetConnect();
		nock.restore();
	});
}

import {
	ServerClock,
	describeOutcome,
	formatClaim,
	formatInfobipTime,
	isForeignFreshClaim,
	lastActivity,
	mapBounded,
	parseClaim,
	parseInfobipTime,
	walkPages,
} from '../../../../nodes/InfobipConversations/helpers/sweep';

describe('time helpers', () => {
	it('parses the timestamp forms Infobip uses and formats the filter form', () => {
		const ms = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
		expect(parseInfobipTime('2024-01-02T03:04:05.678+0000')).toBe(ms);
		expect(parseInfobipTime('2024-01-02T03:04:05.678+00:00')).toBe(ms);
		expect(parseInfobipTime('2024-01-02T05:04:05.678+0200')).toBe(ms);
		expect(parseInfobipTime('2024-01-02T03:04:05.678Z')).toBe(ms);
		expect(parseInfobipTime('yesterday')).toBeUndefined();
		expect(parseInfobipTime(undefined)).toBeUndefined();
		expect(formatInfobipTime(ms)).toBe('2024-01-02T03:04:05.678+0000');
	});

	it('ServerClock follows the server Date header, keeps the largest offset, falls back to the local clock', () => {
		let local = 1_000_000;
		const clock = new ServerClock(() => local);
		expect(clock.now()).toBe(1_000_000);
		expect(clock.source).toBe('local');
		clock.observe(undefined);
		clock.observe('not a date');
		expect(clock.source).toBe('local');
		const server = Date.UTC(2030, 0, 1, 12, 0, 0);
		clock.observe(new Date(server).toUTCString());
		expect(clock.source).toBe('server');
		expect(clock.now()).toBe(server);
		local += 5000;
		expect(clock.now()).toBe(server + 5000);
		// a later header that is truncated to the second (looks 400 ms early) does not pull the clock back
		clock.observe(new Date(server + 4000).toUTCString());
		expect(clock.now()).toBe(server + 5000);
		// the server's clock jumped forward (the emulator's advanceClock): followed
		clock.observe([new Date(server + 3_600_000).toUTCString()]);
		expect(clock.now()).toBe(server + 3_600_000);
	});

	it('idleness comes from the last message, else from the conversation creation', () => {
		const now = Date.UTC(2024, 0, 1, 12, 0, 0);
		const conversation = { createdAt: '2024-01-01T10:00:00.000+0000', updatedAt: '2024-01-01T11:59:00.000+0000' };
		expect(lastActivity({ createdAt: '2024-01-01T11:15:00.000+0000' }, conversation, now)).toEqual({ at: now - 45 * 60_000, idleMs: 45 * 60_000 });
		expect(lastActivity(undefined, conversation, now)).toEqual({ at: now - 2 * 3_600_000, idleMs: 2 * 3_600_000 });
		expect(lastActivity(undefined, {}, now)).toBeUndefined();
	});
});

describe('claims', () => {
	const t = Date.UTC(2024, 0, 1, 12, 0, 0);
	it('formats and parses claim values; records of a past sweep count as claims; anything else is no claim', () => {
		expect(formatClaim('42-ab12cd34', t)).toBe('42-ab12cd34@2024-01-01T12:00:00.000Z');
		expect(parseClaim('42-ab12cd34@2024-01-01T12:00:00.000Z')).toEqual({ runId: '42-ab12cd34', at: t });
		const record = describeOutcome('close', t, 45.5, '42-ab12cd34');
		expect(record).toBe('Closed by n8n idle sweep at 2024-01-01T12:00:00.000Z after 45.5 min idle (run 42-ab12cd34)');
		expect(parseClaim(record)).toEqual({ runId: '42-ab12cd34', at: t });
		expect(describeOutcome('assign', t, 31, 'r1', 'agent-alice')).toBe(
			'Assigned to agent agent-alice by n8n idle sweep at 2024-01-01T12:00:00.000Z after 31 min idle (run r1)',
		);
		expect(describeOutcome('route', t, 31, 'r1')).toMatch(/^Routed to agents by n8n idle sweep at /);
		for (const other of ['', 'yes', 42, null, 'bad id@2024-01-01T12:00:00.000Z', 'x@2024-01-01', 'Closed by hand']) {
			expect(parseClaim(other)).toBeUndefined();
		}
	});

	it('only a fresh claim of another run blocks', () => {
		const claim = formatClaim('run-a', t);
		expect(isForeignFreshClaim(claim, 'run-b', t + 1000, 600_000)).toBe(true);
		expect(isForeignFreshClaim(claim, 'run-a', t + 1000, 600_000)).toBe(false);
		expect(isForeignFreshClaim(claim, 'run-b', t + 600_000, 600_000)).toBe(false);
		expect(isForeignFreshClaim(undefined, 'run-b', t, 600_000)).toBe(false);
	});
});

/** An ordered, filtered server-side list that loses the conversations the sweep acts on. */
function fakeList(n: number) {
	const set = Array.from({ length: n }, (_, i) => ({ id: `c${String(i).padStart(5, '0')}` }));
	return {
		set,
		reads: 0,
		fetch(pageSize: number) {
			return async (page: number) => {
				this.reads++;
				return { items: set.slice(page * pageSize, page * pageSize + pageSize).map((x) => ({ ...x })), totalItems: set.length };
			};
		},
		remove(id: string) {
			const i = set.findIndex((x) => x.id === id);
			if (i >= 0) set.splice(i, 1);
		},
	};
}

describe('walkPages', () => {
	it('mutating: every conversation is processed exactly once although each action shifts the offsets', async () => {
		const list = fakeList(2500);
		const processed: string[] = [];
		let batches = 0;
		const result = await walkPages({
			pageSize: 100,
			mutating: true,
			fetchPage: list.fetch(100),
			process: async (items) => {
				batches++;
				const stay: string[] = [];
				for (const { id } of items) {
					processed.push(id);
					// every 7th one is skipped (stays in the set), the rest are closed (leave it)
					if (Number(id.slice(1)) % 7 === 0) stay.push(id);
					else list.remove(id);
				}
				return stay;
			},
			shouldStop: () => false,
		});
		expect(processed).toHaveLength(2500);
		expect(new Set(processed).size).toBe(2500);
		expect(list.set).toHaveLength(Math.ceil(2500 / 7));
		expect(result.guardTripped).toBe(false);
		// each read processed something new or moved to the next page (≤ 4 pages hold the 358 skipped ones)
		expect(result.pageReads).toBeLessThanOrEqual(batches + Math.ceil(list.set.length / 100) + 1);
	});

	it('the naive page++ would skip half of them (why the walk re-reads)', async () => {
		const list = fakeList(1000);
		const processed: string[] = [];
		await walkPages({
			pageSize: 100,
			mutating: false,
			fetchPage: list.fetch(100),
			process: async (items) => {
				for (const { id } of items) {
					processed.push(id);
					list.remove(id);
				}
				return [];
			},
			shouldStop: () => false,
		});
		expect(processed.length).toBe(500);
	});

	it('read-only: plain paging, one read per page', async () => {
		const list = fakeList(250);
		const seen: string[] = [];
		const result = await walkPages({
			pageSize: 100,
			mutating: false,
			fetchPage: list.fetch(100),
			process: async (items) => (seen.push(...items.map((i) => i.id)), items.map((i) => i.id)),
			shouldStop: () => false,
		});
		expect(seen).toEqual(list.set.map((x) => x.id));
		expect(result.pageReads).toBe(3);
	});

	it('an item that should have left but is read again is never processed twice; stops on request', async () => {
		const list = fakeList(30);
		const counts = new Map<string, number>();
		await walkPages({
			pageSize: 10,
			mutating: true,
			fetchPage: list.fetch(10),
			// claims every item left, but removes only the even ones (a server that ignores some actions)
			process: async (items) => {
				for (const { id } of items) {
					counts.set(id, (counts.get(id) ?? 0) + 1);
					if (Number(id.slice(1)) % 2 === 0) list.remove(id);
				}
				return [];
			},
			shouldStop: () => false,
		});
		expect(counts.size).toBe(30);
		expect([...counts.values()].every((n) => n === 1)).toBe(true);

		let calls = 0;
		const stopped = fakeList(50);
		await walkPages({
			pageSize: 10,
			mutating: true,
			fetchPage: stopped.fetch(10),
			process: async (items) => (calls++, items.forEach((i) => stopped.remove(i.id)), []),
			shouldStop: () => calls >= 2,
		});
		expect(stopped.set).toHaveLength(30);
	});

	it('stops at the last page by the total the server reports, even when that page is full', async () => {
		const reads: number[] = [];
		const result = await walkPages({
			pageSize: 10,
			mutating: false,
			fetchPage: async (page) => (reads.push(page), { items: Array.from({ length: 10 }, (_, k) => ({ id: `${page}-${k}` })), totalItems: 30 }),
			process: async () => [],
			shouldStop: () => false,
		});
		expect(reads).toEqual([0, 1, 2]);
		expect(result).toEqual({ pageReads: 3, guardTripped: false });
	});
});

describe('mapBounded', () => {
	it('never runs more than the given number at once and keeps the order of results', async () => {
		let running = 0;
		let peak = 0;
		const out = await mapBounded(Array.from({ length: 50 }, (_, i) => i), 4, async (x) => {
			running++;
			peak = Math.max(peak, running);
			await new Promise((r) => setTimeout(r, (x * 7) % 5));
			running--;
			return x * 2;
		});
		expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
		expect(peak).toBe(4);
		expect(await mapBounded([], 4, async () => 1)).toEqual([]);
	});
});

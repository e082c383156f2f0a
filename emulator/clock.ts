/** The emulator's clock (real time plus an offset tests move forward) and its seeded random numbers. */
export class Clock {
	private offset = 0;
	/** epoch ms on the emulator's clock */
	readonly now = () => Date.now() + this.offset;
	/** Infobip's timestamp format, fixed width, so timestamps compare as strings. */
	ts(ms = this.now()): string {
		return new Date(ms).toISOString().replace('Z', '+00:00');
	}
	advance(ms: number) {
		this.offset += ms;
	}
	reset() {
		this.offset = 0;
	}
}

/** Mulberry32: seeded PRNG so fault runs (and redeliveries) are reproducible. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

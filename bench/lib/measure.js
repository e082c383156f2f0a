// @ts-check
/**
 * Side-by-side measuring for `npm run bench`: the variants of one row run in alternating rounds (so drift of the
 * machine — other processes, thermal state, a growing database — hits every variant alike), the first rounds are
 * warm-up and discarded, and each variant is summarised by the median of its measured rounds.
 */

/** @param {number[]} values */
function median(values) {
	const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
	if (!v.length) return NaN;
	const mid = v.length >> 1;
	return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * Runs `variants` in rounds: round r runs every variant once, in the listed order for even r and reversed for odd r
 * (A B C, C B A, …). Rounds below `warmup` are discarded.
 * @template T
 * @param {Record<string, (round: number) => Promise<T>>} variants
 * @param {{ rounds: number, warmup: number, log?: (line: string) => void, describe?: (name: string, result: T) => string }} options
 * @returns {Promise<Record<string, T[]>>} the measured results per variant, in round order
 */
async function alternate(variants, { rounds, warmup, log = () => {}, describe = () => '' }) {
	const names = Object.keys(variants);
	/** @type {Record<string, T[]>} */
	const results = Object.fromEntries(names.map((n) => [n, []]));
	for (let r = 0; r < warmup + rounds; r++) {
		const order = r % 2 === 0 ? names : [...names].reverse();
		for (const name of order) {
			const result = await variants[name](r);
			const tag = r < warmup ? 'warm-up' : `round ${r - warmup + 1}/${rounds}`;
			log(`${tag} ${name}: ${describe(name, result)}`);
			if (r >= warmup) results[name].push(result);
		}
	}
	return results;
}

/** High-resolution milliseconds. */
const now = () => performance.now();

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Formats a number with a sensible number of digits.
 * @param {number} n
 */
function fmt(n) {
	if (!Number.isFinite(n)) return String(n);
	const a = Math.abs(n);
	if (a >= 1000) return Math.round(n).toLocaleString('en-US');
	if (a >= 100) return n.toFixed(0);
	if (a >= 10) return n.toFixed(1);
	if (a >= 1) return n.toFixed(2);
	return n.toPrecision(2);
}

module.exports = { median, alternate, now, sleep, fmt };

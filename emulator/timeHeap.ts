/** Min-heap of (time, conversation id) so session expiry does not scan every conversation on every request. */
export class TimeHeap {
	private readonly a: Array<{ t: number; id: string }> = [];
	get size() {
		return this.a.length;
	}
	peek() {
		return this.a[0];
	}
	clear() {
		this.a.length = 0;
	}
	push(e: { t: number; id: string }) {
		const a = this.a;
		a.push(e);
		let i = a.length - 1;
		while (i > 0) {
			const p = (i - 1) >> 1;
			if (a[p].t <= a[i].t) break;
			[a[p], a[i]] = [a[i], a[p]];
			i = p;
		}
	}
	pop() {
		const a = this.a;
		const top = a[0];
		const last = a.pop()!;
		if (a.length) {
			a[0] = last;
			let i = 0;
			for (;;) {
				const l = 2 * i + 1;
				const r = l + 1;
				let m = i;
				if (l < a.length && a[l].t < a[m].t) m = l;
				if (r < a.length && a[r].t < a[m].t) m = r;
				if (m === i) break;
				[a[m], a[i]] = [a[i], a[m]];
				i = m;
			}
		}
		return top;
	}
}

/**
 * Runs tasks with bounded concurrency while keeping tasks that share a key in input order
 * (messages to the same conversation are sent one after another). Results come back in input order.
 */
export async function runKeyed<T>(
	tasks: Array<{ key: string; run: () => Promise<T> }>,
	concurrency: number,
): Promise<T[]> {
	const results = new Array<T>(tasks.length);
	const queues = new Map<string, number[]>();
	tasks.forEach((t, index) => {
		const q = queues.get(t.key) ?? [];
		q.push(index);
		queues.set(t.key, q);
	});
	const lanes = [...queues.values()];
	let next = 0;
	const worker = async () => {
		while (next < lanes.length) {
			const lane = lanes[next++];
			for (const index of lane) results[index] = await tasks[index].run();
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, lanes.length)) }, worker));
	return results;
}

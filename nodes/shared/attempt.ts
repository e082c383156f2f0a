/**
 * Runs `fn` and answers its value or the error it threw, so a caller can turn a failure into its own error
 * outside of a `catch` (n8n's community rules want only NodeApiError/NodeOperationError thrown from a `catch`;
 * pure helpers without a node throw their own error types and the node converts them).
 */
export function attempt<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: Error } {
	try {
		return { ok: true, value: fn() };
	} catch (error) {
		return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
	}
}

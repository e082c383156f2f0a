import { NodeApiError, NodeOperationError, type IDataObject, type INode, type INodeExecutionData } from 'n8n-workflow';

/**
 * The error a node throws for `error`: a NodeApiError or NodeOperationError as it is (with the item index it
 * happened at, if it has none yet), anything else wrapped in a NodeOperationError, so n8n shows every failure with
 * its node, item and description.
 */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (itemIndex !== undefined && error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(node, error instanceof Error ? error : new Error(String(error)), itemIndex === undefined ? {} : { itemIndex });
}

/**
 * The output item of a failed input item under Continue On Fail: the error's message and description, paired, and
 * the error itself at item level — which is what makes n8n send the item to the error output when the node's
 * "On Error" is "Continue (using error output)" (with "Continue" it stays on the main output, and n8n keeps only the
 * message in its json; the description stays on the error).
 */
export function errorItem(node: INode, error: unknown, itemIndex: number, extra: IDataObject = {}): INodeExecutionData {
	const e = error as { message?: string; description?: string | null };
	return {
		json: { error: e?.message ?? String(error), description: e?.description ?? null, ...extra },
		error: toNodeError(node, error, itemIndex),
		pairedItem: { item: itemIndex },
	};
}

/**
 * Serves a webhook trigger node from a real local HTTP server the way n8n's production webhook path does
 * (n8n 2.40.7 / 1.123.81: webhooks/live-webhooks.js + webhooks/webhook-helpers.js executeWebhook), so tests
 * see exactly what Infobip would see:
 *
 * - per request the workflow is "loaded from the database": static data comes from a shared `WorkflowDatabase`
 *   (JSON text, so only what survives serialisation survives) and is wrapped in n8n-workflow's real
 *   ObservableObject, as `new Workflow()` does; node parameters get their defaults filled by n8n-workflow's real
 *   `NodeHelpers.getNodeParameters(…, returnDefaults = true)`, as the Workflow constructor does;
 * - parseRequestBody: a typeVersion-1 node whose `options.binaryData` is not truthy gets its body read and
 *   parsed by n8n first; malformed JSON is then answered 422 "Failed to parse request body" by n8n itself;
 * - the node's `webhook()` runs with an IWebhookFunctions-like context (getMode 'webhook');
 * - the result is handled like executeWebhook: `noWebhookResponse` → the node answered, static data is saved
 *   (if its ObservableObject says it changed) before anything else; `workflowData` → an execution is recorded;
 *   without `noWebhookResponse` n8n answers the onReceived body itself — after WorkflowRunner.run() has
 *   re-wrapped the same static-data object (n8n 2.x), which resets its "changed" flag, so such a change is
 *   saved only when the workflow had no static data before (reproduced here with the real ObservableObject);
 *   no workflowData → 200 {"message":"Webhook call received"}; a thrown error → 500 with n8n's message;
 * - `WorkflowDatabase` can be shared by several servers to model a restart or several webhook processes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import {
	NodeHelpers,
	ObservableObject,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type IObservableObject,
	type INodeType,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

let databases = 0;

/** The workflow row's staticData column: JSON text, or null before anything was saved. */
export class WorkflowDatabase {
	staticDataJson: string | null = null;
	saves = 0;
	/** The workflow's id: the same for every trigger served on this database, unique per database (per "n8n")
	 * unless given (several webhook processes of one n8n serve the same workflow, each with its own copy). */
	readonly workflowId: string;

	constructor(workflowId?: string) {
		this.workflowId = workflowId ?? `wf-${++databases}`;
	}

	load(): IDataObject | null {
		return this.staticDataJson === null ? null : (JSON.parse(this.staticDataJson) as IDataObject);
	}

	save(data: IDataObject): void {
		this.staticDataJson = JSON.stringify(data);
		this.saves++;
	}

	/** The node-scoped static data as stored, e.g. for `node:Infobip Trigger`. */
	nodeData(nodeName: string): IDataObject | undefined {
		return this.load()?.[`node:${nodeName}`] as IDataObject | undefined;
	}
}

export interface Execution {
	items: INodeExecutionData[];
	error?: string;
}

export interface HandledRequest {
	method: string;
	status: number;
	body: string;
	/** what happened inside "n8n" */
	outcome: 'node-answered' | 'n8n-answered' | 'execution' | 'n8n-422' | 'error' | 'intercepted';
	/** bytes the server read from this request's connection (all requests on it), set when it closes */
	socketBytesRead?: number;
}

export interface ServeTriggerOptions {
	node: INodeType;
	/** Node parameters as the editor saves them (defaults left out; n8n fills them in). */
	parameters?: IDataObject;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	db?: WorkflowDatabase;
	nodeName?: string;
	typeVersion?: number;
	/** Before n8n handles request number `n` (1-based): return true when the hook answered or dropped it. */
	intercept?: (req: IncomingMessage, res: ServerResponse, n: number) => boolean;
	/** For request number `n`: true = everything happens as usual (static data saved, execution started) but the
	 * answer never reaches the client — the connection is dropped instead (a timeout or network failure). */
	loseAnswer?: (n: number) => boolean;
	/** getCredentials throws this for a credential that is selected on the node (e.g. a database timeout). */
	credentialsError?: Error;
	/** The id of the selected credentials (default: unique per served trigger, so no cache is shared between tests). */
	credentialId?: string;
}

export interface ServedTrigger {
	url: string;
	db: WorkflowDatabase;
	executions: Execution[];
	requests: HandledRequest[];
	logs: string[];
	/** How often the node loaded a credential (getCredentials calls). */
	readonly credentialLoads: number;
	close(): Promise<void>;
}

let servedTriggers = 0;

function getPath(obj: IDataObject, path: string): unknown {
	let cur: unknown = obj;
	for (const part of path.split('.')) {
		if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
		cur = (cur as IDataObject)[part];
	}
	return cur;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/** n8n's extractWebhookOnReceivedResponse (webhooks/webhook-on-received-response-extractor.js). */
function onReceivedBody(responseData: unknown, result: IWebhookResponseData): unknown {
	if (responseData === 'noData') return undefined;
	if (responseData) return responseData;
	if (result.webhookResponse !== undefined) return result.webhookResponse;
	return { message: 'Workflow was started' };
}

function sendN8n(res: ServerResponse, status: number, body: unknown) {
	if (res.headersSent) return;
	const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
	res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8' });
	res.end(text);
}

export async function serveTrigger(options: ServeTriggerOptions): Promise<ServedTrigger> {
	const { node: nodeType } = options;
	const description = nodeType.description;
	const db = options.db ?? new WorkflowDatabase();
	const executions: Execution[] = [];
	const requests: HandledRequest[] = [];
	const logs: string[] = [];
	const webhookDescription = description.webhooks?.[0];
	if (!webhookDescription) throw new Error('serveTrigger: the node has no webhook description');
	let count = 0;
	let credentialLoads = 0;
	const servedId = ++servedTriggers;
	const entriesBySocket = new WeakMap<Socket, HandledRequest[]>();

	const handle = async (req: IncomingMessage, res: ServerResponse) => {
		const n = ++count;
		const lose = options.loseAnswer?.(n) ?? false;
		const entry: HandledRequest = { method: req.method ?? 'GET', status: 0, body: '', outcome: 'n8n-answered' };
		requests.push(entry);
		const socket = req.socket;
		const onSocket = entriesBySocket.get(socket);
		if (onSocket) onSocket.push(entry);
		else {
			entriesBySocket.set(socket, [entry]);
			socket.once('close', () => {
				for (const e of entriesBySocket.get(socket) ?? []) e.socketBytesRead = socket.bytesRead;
			});
		}
		// capture what is answered; when the answer is to be lost, nothing reaches the client
		const chunks: Buffer[] = [];
		const writeHead = res.writeHead.bind(res);
		const write = res.write.bind(res);
		const end = res.end.bind(res);
		res.writeHead = ((status: number, ...rest: unknown[]) => {
			entry.status = status;
			return lose ? res : (writeHead as (...a: unknown[]) => ServerResponse)(status, ...rest);
		}) as typeof res.writeHead;
		res.write = ((chunk: unknown, ...rest: unknown[]) => {
			if (chunk) chunks.push(Buffer.from(chunk as string));
			return lose ? true : (write as (...a: unknown[]) => boolean)(chunk, ...rest);
		}) as typeof res.write;
		res.end = ((chunk?: unknown, ...rest: unknown[]) => {
			if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as string));
			entry.status ||= res.statusCode;
			entry.body = Buffer.concat(chunks).toString('utf8');
			if (lose) {
				req.socket.destroy();
				return res;
			}
			return (end as (...a: unknown[]) => ServerResponse)(chunk, ...rest);
		}) as typeof res.end;
		const record = (outcome: HandledRequest['outcome']) => {
			entry.outcome = outcome;
			return entry;
		};
		if (options.intercept?.(req, res, n)) {
			record('intercepted');
			return;
		}
		if (req.method !== String(webhookDescription.httpMethod)) {
			record('n8n-answered');
			sendN8n(res, 404, { code: 404, message: `This webhook is not registered for ${req.method} requests.` });
			return;
		}

		// "load the workflow from the database"
		const node: INode = {
			id: 'trigger-node',
			name: options.nodeName ?? 'Infobip Trigger',
			type: `n8n-nodes-infobip-conversations.${description.name}`,
			typeVersion: options.typeVersion ?? 1,
			position: [0, 0],
			parameters: {},
			webhookId: 'test-webhook-id',
			// the credentials selected on the node (by reference, as n8n stores them)
			credentials: Object.fromEntries(Object.keys(options.credentials ?? {}).map((type) => [type, { id: options.credentialId ?? `cred-${type}-${servedId}`, name: type }])),
		};
		node.parameters =
			(NodeHelpers.getNodeParameters(description.properties, (options.parameters ?? {}) as INodeParameters, true, false, node, description) ?? {}) as INodeParameters;
		const loaded = db.load();
		const staticData = ObservableObject.create(loaded ?? {}, undefined, { ignoreEmptyOnFirstChild: true }) as IDataObject;
		const saveStaticData = () => {
			if (staticData.__dataChanged === true) {
				db.save(JSON.parse(JSON.stringify(staticData)) as IDataObject);
				staticData.__dataChanged = false;
			}
		};

		// parseRequestBody
		const binaryData = node.typeVersion === 1 ? Boolean(getPath(node.parameters as IDataObject, 'options.binaryData')) : false;
		const r = req as IncomingMessage & { rawBody?: Buffer; body?: unknown; _body?: boolean };
		if (!binaryData) {
			r.rawBody = await readAll(req);
			r._body = true;
			const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim();
			if (r.rawBody.length && contentType === 'application/json') {
				try {
					r.body = JSON.parse(r.rawBody.toString('utf8'));
				} catch (error) {
					record('n8n-422');
					sendN8n(res, 422, { code: 422, message: 'Failed to parse request body', hint: (error as Error).message });
					return;
				}
			}
		}

		const ctx = {
			getNode: () => node,
			getMode: () => 'webhook',
			getWebhookName: () => webhookDescription.name,
			getWorkflow: () => ({ id: db.workflowId, name: 'Trigger test workflow', active: true }),
			getExecutionId: () => '',
			getTimezone: () => 'UTC',
			getRequestObject: () => req,
			getResponseObject: () => res,
			getHeaderData: () => req.headers,
			getBodyData: () => (r.body ?? {}) as IDataObject,
			getQueryData: () => ({}),
			getParamsData: () => ({}),
			getNodeParameter(name: string, fallback?: unknown) {
				const value = getPath(node.parameters as IDataObject, name);
				return value === undefined ? fallback : value;
			},
			async getCredentials(type: string) {
				credentialLoads++;
				if (options.credentialsError && node.credentials?.[type]) throw options.credentialsError;
				const c = options.credentials?.[type];
				if (!c) throw new Error(`Node "${node.name}" does not have any credentials of type "${type}" set`);
				return { ...c };
			},
			getWorkflowStaticData(type: string) {
				const key = type === 'global' ? 'global' : `node:${node.name}`;
				if (staticData[key] === undefined) staticData[key] = ObservableObject.create({}, staticData as unknown as IObservableObject) as IDataObject;
				return staticData[key] as IDataObject;
			},
			logger: Object.fromEntries(
				['debug', 'info', 'warn', 'error'].map((level) => [
					level,
					(message: string, meta?: unknown) => logs.push(`${level}: ${message}${meta ? ' ' + JSON.stringify(meta) : ''}`),
				]),
			),
			helpers: { returnJsonArray: (d: IDataObject | IDataObject[]) => (Array.isArray(d) ? d : [d]).map((json) => ({ json })) },
		} as unknown as IWebhookFunctions;

		let result: IWebhookResponseData;
		try {
			result = await nodeType.webhook!.call(ctx);
		} catch (error) {
			// n8n answers 500, starts an execution that records the error, and does not save static data
			record('error');
			executions.push({ items: [{ json: {} }], error: (error as Error).message });
			sendN8n(res, 500, { code: 0, message: 'Workflow Webhook Error: Workflow could not be started!' });
			return;
		}

		if (result.noWebhookResponse === true) {
			record(result.workflowData ? 'execution' : 'node-answered');
			saveStaticData();
			if (result.workflowData) executions.push({ items: result.workflowData[0] ?? [] });
			if (lose && !res.writableEnded) res.end();
			return;
		}
		if (result.workflowData === undefined) {
			record('n8n-answered');
			saveStaticData();
			sendN8n(res, 200, result.webhookResponse !== undefined ? result.webhookResponse : { message: 'Webhook call received' });
			return;
		}
		// n8n 2.x: WorkflowRunner.run() builds new Workflow objects over the same static-data object first
		ObservableObject.create(loaded ?? {}, undefined, { ignoreEmptyOnFirstChild: true });
		record('execution');
		executions.push({ items: result.workflowData[0] ?? [] });
		saveStaticData();
		const mode = webhookDescription.responseMode ?? 'onReceived';
		if (mode !== 'onReceived') throw new Error(`serveTrigger models responseMode onReceived only, not ${String(mode)}`);
		sendN8n(res, 200, onReceivedBody(webhookDescription.responseData ?? 'firstEntryJson', result));
	};

	const server: Server = createServer((req, res) => {
		handle(req, res).catch((error) => {
			logs.push(`error: harness: ${(error as Error).message}`);
			if (!res.headersSent) sendN8n(res, 500, { message: 'harness error' });
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/webhook/test-webhook-id/${webhookDescription.path}`,
		db,
		executions,
		requests,
		logs,
		get credentialLoads() {
			return credentialLoads;
		},
		close: async () => {
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			server.closeAllConnections();
			await closed;
		},
	};
}

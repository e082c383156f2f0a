/**
 * Runs a workflow (this package's nodes, and n8n-nodes-base nodes of the installed n8n) through n8n's real engine:
 * n8n-workflow's `Workflow` (parameter defaults, expressions, paired items), n8n-core's `WorkflowExecute`,
 * `ExecuteContext` with its helpers (httpRequestWithAuthentication, prepareBinaryData, getWorkflowStaticData …)
 * and `WebhookContext`. No n8n server is started. What the server (packages/cli, not n8n-core) contributes is
 * reproduced here in a few lines, each after the server's code of 2.40.7 / 1.123.81:
 *
 * - credentials: `TestCredentialsHelper` serves test data instead of the database, applies the credential type's
 *   defaults (`NodeHelpers.getNodeParameters`) and `authenticate` (a function, or the generic kind whose
 *   `={{$credentials.x}}` values are resolved by the workflow's real expression engine), like CredentialsHelper;
 * - static data: `WorkflowRow` is the workflow's database row. Every execution builds a new `Workflow` from it; the
 *   engine reports changed static data (`workflowExecuteAfter`), which is saved unless the mode is 'manual';
 *   a webhook's changes are saved when `webhook()` returns (webhook-helpers' saveStaticData);
 * - webhooks: `serveWebhook` answers HTTP on 127.0.0.1 by calling the node's `webhook()` with a real WebhookContext
 *   (request and response objects as n8n hands them to nodes whose `options.binaryData` keeps the body unread),
 *   then starts the execution in 'webhook' mode with the items it returned. n8n's own answers (onReceived /
 *   lastNode) are not modelled: the trigger answers itself, or the test reads the execution; real n8n answers are
 *   checked end to end (scripts/e2e).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import {
	createRunExecutionData,
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IDataObject,
	type IExecuteData,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeExecutionData,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRequestOptionsSimplified,
	type IRun,
	type ITaskData,
	type IVersionedNodeType,
	type IWebhookData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import packageJson from '../../../package.json';
import { baseCredentialType, baseNodeType, core, startN8n } from './n8n';

export const PACKAGE = 'n8n-nodes-infobip-conversations';

/** The class a package.json `n8n` entry (dist/X/Name.node.js) names, as n8n loads it: export `Name`, from the sources. */
function fromPackageJson<T>(entries: string[]): T[] {
	return entries.map((entry) => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require(path.join(__dirname, '../../..', entry.replace(/^dist\//, '').replace(/\.js$/, ''))) as Record<string, new () => T>;
		return new mod[path.basename(entry).split('.')[0]]();
	});
}

/** This package's nodes and credentials, as n8n loads them: what package.json lists. */
const ourNodes: Record<string, INodeType> = Object.fromEntries(
	fromPackageJson<INodeType>(packageJson.n8n.nodes).map((n) => [`${PACKAGE}.${n.description.name}`, n]),
);
const ourCredentials = fromPackageJson<ICredentialType>(packageJson.n8n.credentials);

/** This package's node types and the installed n8n's own (n8n-nodes-base), by their workflow type names. */
export class NodeTypes implements INodeTypes {
	private readonly cache = new Map<string, INodeType | IVersionedNodeType | undefined>();

	private find(type: string): INodeType | IVersionedNodeType | undefined {
		if (!this.cache.has(type)) {
			const [pkg, name] = [type.slice(0, type.lastIndexOf('.')), type.slice(type.lastIndexOf('.') + 1)];
			this.cache.set(type, pkg === PACKAGE ? ourNodes[type] : pkg === 'n8n-nodes-base' ? baseNodeType(name) : undefined);
		}
		return this.cache.get(type);
	}

	getByName(type: string): INodeType | IVersionedNodeType {
		return this.find(type) as INodeType;
	}

	getByNameAndVersion(type: string, version?: number): INodeType {
		const found = this.find(type);
		return (found ? NodeHelpers.getVersionedNodeType(found, version) : undefined) as INodeType;
	}

	getKnownTypes() {
		return {};
	}
}

export function credentialType(name: string): ICredentialType {
	const found = ourCredentials.find((c) => c.name === name) ?? baseCredentialType(name);
	if (!found) throw new Error(`test harness: unknown credential type "${name}"`);
	return found;
}

/** The credential helper n8n's server provides, fed from test data (credential data by type name). */
export class TestCredentialsHelper extends ICredentialsHelper {
	/** getDecrypted calls (a node loading a credential), by type */
	readonly loads: Record<string, number> = {};

	constructor(readonly data: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(name: string): string[] {
		const parents = credentialType(name).extends ?? [];
		return parents.flatMap((p) => [p, ...this.getParentTypes(p)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	/** The type's properties after its parents' (n8n: CredentialTypes.getCredentialsProperties). */
	getCredentialsProperties(type: string): INodeProperties[] {
		const own = credentialType(type);
		const inherited = (own.extends ?? []).flatMap((p) => this.getCredentialsProperties(p));
		const names = new Set(own.properties.map((p) => p.name));
		return [...inherited.filter((p) => !names.has(p.name)), ...own.properties];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = credentialType(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		if (authenticate?.type === 'generic') {
			if (!workflow || !node) throw new Error('test harness: generic credentials need the workflow and node');
			const resolve = (value: unknown) => {
				if (typeof value !== 'string' || !value.startsWith('=')) return value;
				const resolved = workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '');
				return resolved ? String(resolved as string) : '';
			};
			const options = requestOptions as unknown as Record<string, Record<string, unknown>>;
			options.headers ??= {};
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(outerValue as Record<string, unknown>)) {
					options[outerKey] ??= {};
					options[outerKey][String(resolve(key))] = resolve(value);
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(_helpers: IHttpRequestHelper, _credentials: ICredentialDataDecryptedObject, typeName: string) {
		const expirable = credentialType(typeName).properties.some((p) => p.type === 'hidden' && p.typeOptions?.expirable === true);
		if (expirable) throw new Error(`test harness: credential type "${typeName}" needs preAuthentication, which is not modelled`);
		return undefined;
	}

	async runPreAuthentication(helpers: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject, typeName: string) {
		return await this.preAuthentication(helpers, credentials, typeName);
	}

	async getCredentials(_nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		throw new Error(`test harness: stored (encrypted) credentials of "${type}" are not modelled; only OAuth token refresh needs them`);
	}

	async getDecrypted(_additionalData: IWorkflowExecuteAdditionalData, nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentialDataDecryptedObject> {
		this.loads[type] = (this.loads[type] ?? 0) + 1;
		const stored = this.data[type];
		// n8n's message for a credential that is not in the database
		if (!stored) throw new Error(`Credential with ID "${nodeCredentials.id}" does not exist for type "${type}".`);
		const withDefaults = NodeHelpers.getNodeParameters(this.getCredentialsProperties(type), stored as INodeParameters, true, false, null, null) as ICredentialDataDecryptedObject;
		if (stored.oauthTokenData !== undefined) withDefaults.oauthTokenData = stored.oauthTokenData;
		return withDefaults;
	}

	async updateCredentials(_nodeCredentials: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.data[type] = data;
	}

	async updateCredentialsOauthTokenData(_nodeCredentials: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.data[type] = { ...this.data[type], ...data };
	}
}

/** The workflow's database row: its static data as JSON text (only what survives serialisation survives). */
export class WorkflowRow {
	staticDataJson: string | null = null;
	saves = 0;

	load(): IDataObject | undefined {
		return this.staticDataJson === null ? undefined : (JSON.parse(this.staticDataJson) as IDataObject);
	}

	save(data: IDataObject): void {
		this.staticDataJson = JSON.stringify(data);
		this.saves++;
	}

	/** The node-scoped static data as stored, e.g. for `node:Fetch Context Card`. */
	nodeData(nodeName: string): IDataObject | undefined {
		return this.load()?.[`node:${nodeName}`] as IDataObject | undefined;
	}
}

export interface WorkflowJson {
	name?: string;
	nodes: INode[];
	connections: IWorkflowBase['connections'];
	settings?: IWorkflowBase['settings'];
}

export interface RunOptions {
	/** the node the execution starts at (a trigger: its items are what it emitted) */
	start: string;
	/** the start node's output, one array per output (default: one empty item) */
	data?: INodeExecutionData[][];
	mode?: WorkflowExecuteMode;
}

/** One finished execution, read the way n8n's execution view shows it. */
export class Execution {
	constructor(
		readonly run: IRun,
		/** node names in the order they ran */
		readonly order: string[],
		readonly mode: WorkflowExecuteMode,
	) {}

	get status() {
		return this.run.status;
	}

	/** the execution's error, as n8n records it (undefined when it succeeded) */
	get error() {
		return this.run.data.resultData.error;
	}

	task(node: string, runIndex = 0): ITaskData {
		const task = this.run.data.resultData.runData[node]?.[runIndex];
		if (!task) throw new Error(`"${node}" did not run (ran: ${this.order.join(', ') || 'nothing'})`);
		return task;
	}

	/** the items of a node's output (default: the first) */
	output(node: string, outputIndex = 0, runIndex = 0): INodeExecutionData[] {
		return this.task(node, runIndex).data?.main?.[outputIndex] ?? [];
	}

	json(node: string, outputIndex = 0): IDataObject[] {
		return this.output(node, outputIndex).map((i) => i.json);
	}
}

/** n8n 2.x's vm expression engine evaluates only while the workflow holds an isolate (n8n 1.x: no-ops). */
async function acquireIsolate(workflow: Workflow) {
	await (workflow.expression as unknown as { acquireIsolate?: () => Promise<boolean> }).acquireIsolate?.();
}
async function releaseIsolate(workflow: Workflow) {
	await (workflow.expression as unknown as { releaseIsolate?: () => Promise<void> }).releaseIsolate?.();
}

let executions = 0;
let workflows = 0;

/**
 * A saved workflow and the n8n that runs it: `run()` executes it from a node, `serveWebhook()` serves a trigger's
 * production URL. Static data persists in `row` between executions as n8n persists it.
 */
export class TestN8n {
	readonly id = `wf-engine-${++workflows}`;
	readonly row = new WorkflowRow();
	readonly nodeTypes = new NodeTypes();
	readonly credentials: TestCredentialsHelper;
	readonly executions: Execution[] = [];
	private readonly nodes: INode[];
	private readonly servers = new Set<Server>();
	/** webhook calls are handled one after the other; this settles when the last one (and its execution) is done */
	private queue: Promise<void> = Promise.resolve();

	constructor(
		private readonly workflowJson: WorkflowJson,
		credentials: Record<string, ICredentialDataDecryptedObject> = {},
	) {
		this.credentials = new TestCredentialsHelper(credentials);
		// as n8n imports a workflow: credentials referenced by name get the id of the stored credential
		this.nodes = workflowJson.nodes.map((n) => ({
			...n,
			credentials: n.credentials
				? Object.fromEntries(Object.entries(n.credentials).map(([type, ref]) => [type, { id: ref.id ?? `${this.id}-${type}`, name: ref.name }]))
				: undefined,
		}));
	}

	/** A new Workflow object from the stored row, as n8n builds one for each execution or webhook call. */
	workflow(): Workflow {
		return new Workflow({
			id: this.id,
			name: this.workflowJson.name ?? 'Engine test workflow',
			nodes: structuredClone(this.nodes),
			connections: this.workflowJson.connections,
			active: true,
			nodeTypes: this.nodeTypes,
			staticData: this.row.load(),
			settings: this.workflowJson.settings ?? { executionOrder: 'v1' },
		});
	}

	private workflowData(workflow: Workflow): IWorkflowBase {
		return {
			id: this.id,
			name: workflow.name ?? '',
			active: true,
			isArchived: false,
			nodes: Object.values(workflow.nodes),
			connections: workflow.connectionsBySourceNode,
			settings: workflow.settings,
			createdAt: new Date(),
			updatedAt: new Date(),
		} as unknown as IWorkflowBase;
	}

	/** n8n's IWorkflowExecuteAdditionalData, with what an execution of these nodes reads (the rest refuses clearly). */
	additionalData(executionId: string, hooks?: unknown, extra: Partial<IWorkflowExecuteAdditionalData> = {}): IWorkflowExecuteAdditionalData {
		const notHere = (what: string) => async () => {
			throw new Error(`test harness: ${what} is not part of the engine tests`);
		};
		return {
			credentialsHelper: this.credentials,
			hooks,
			executionId,
			userId: 'engine-test-user',
			currentNodeParameters: undefined,
			variables: {},
			restApiUrl: 'http://127.0.0.1:5678/rest',
			instanceBaseUrl: 'http://127.0.0.1:5678/',
			formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
			webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
			webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
			webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
			executeWorkflow: notHere('executing a sub-workflow'),
			getRunExecutionData: notHere('reading another execution'),
			startRunnerTask: notHere('the Code node task runner'),
			logAiEvent: () => undefined,
			setExecutionStatus: () => undefined,
			...extra,
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	/** Runs the workflow from `start` with n8n-core's WorkflowExecute, like WorkflowRunner does for a trigger. */
	async run({ start, data = [[{ json: {} }]], mode = 'trigger' }: RunOptions): Promise<Execution> {
		await startN8n();
		const workflow = this.workflow();
		const node = workflow.getNode(start);
		if (!node) throw new Error(`test harness: the workflow has no node "${start}"`);
		const executionId = String(++executions);
		const hooks = new core.ExecutionLifecycleHooks(mode, executionId, this.workflowData(workflow));
		const order: string[] = [];
		let newStaticData: IDataObject | undefined;
		hooks.addHandler('nodeExecuteAfter', (name) => void order.push(name));
		hooks.addHandler('workflowExecuteAfter', (_run, changed) => {
			newStaticData = changed;
		});
		const runExecutionData = createRunExecutionData({
			executionData: { nodeExecutionStack: [{ node, data: { main: data }, source: null } as IExecuteData] },
		});
		const run = await new core.WorkflowExecute(this.additionalData(executionId, hooks), mode, runExecutionData).processRunExecutionData(workflow);
		// n8n's hookFunctionsSave: production executions save changed static data, manual ones never do
		if (mode !== 'manual' && newStaticData) this.row.save(JSON.parse(JSON.stringify(newStaticData)) as IDataObject);
		const execution = new Execution(run, order, mode);
		this.executions.push(execution);
		return execution;
	}

	/**
	 * Serves the trigger `nodeName` on 127.0.0.1: each request is handed to its `webhook()` in a real WebhookContext;
	 * items it returns start an execution (awaited before the next request is handled, like one n8n main process
	 * under light load). Returns the URL.
	 */
	async serveWebhook(nodeName: string): Promise<string> {
		await startN8n();
		const server = createServer((req, res) => {
			this.queue = this.queue.then(() => this.handleWebhook(nodeName, req, res)).catch((error: Error) => {
				if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ message: `test harness: ${error.message}` }));
			});
		});
		this.servers.add(server);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/${nodeName}`;
	}

	private async handleWebhook(nodeName: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
		const workflow = this.workflow();
		const node = workflow.getNode(nodeName)!;
		const nodeType = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		const description = nodeType.description.webhooks![0];
		let result: Awaited<ReturnType<NonNullable<INodeType['webhook']>>>;
		// live-webhooks: the webhook phase holds an expression isolate (the vm engine evaluates nothing without one)
		await acquireIsolate(workflow);
		try {
			const httpMethod = String(workflow.expression.getSimpleParameterValue(node, description.httpMethod, 'internal', {}, undefined, 'GET'));
			if (req.method !== httpMethod) {
				res.writeHead(404, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ code: 404, message: `This webhook is not registered for ${req.method} requests.` }));
				return;
			}
			const additionalData = this.additionalData('', undefined, { httpRequest: req, httpResponse: res } as never);
			const webhookData: IWebhookData = {
				httpMethod: httpMethod as IWebhookData['httpMethod'],
				node: node.name,
				path: String(description.path),
				webhookDescription: description,
				workflowId: this.id,
				workflowExecuteAdditionalData: additionalData,
				webhookId: node.webhookId,
			};
			const context = new core.WebhookContext(workflow, node, additionalData, 'webhook', webhookData, [], null);
			result = await nodeType.webhook!.call(context);
			// live-webhooks: the trigger's static-data changes are saved once webhook() has answered
			const staticData = workflow.staticData as IDataObject & { __dataChanged?: boolean };
			if (staticData.__dataChanged === true) this.row.save(JSON.parse(JSON.stringify(staticData)) as IDataObject);
		} finally {
			await releaseIsolate(workflow);
		}
		if (!result.noWebhookResponse && !res.headersSent) {
			// stand-in for n8n's own answer (onReceived / lastNode), which lives in n8n's server
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ message: 'Workflow was started' }));
		}
		if (result.workflowData) await this.run({ start: node.name, data: result.workflowData, mode: 'webhook' });
	}

	/** Settles when every webhook call received so far has been handled and its execution has finished. */
	async idle(): Promise<void> {
		let seen: Promise<void>;
		do {
			seen = this.queue;
			await seen;
		} while (seen !== this.queue);
	}

	async close(): Promise<void> {
		await Promise.all(
			[...this.servers].map(
				(server) =>
					new Promise<void>((resolve) => {
						server.close(() => resolve());
						server.closeAllConnections();
					}),
			),
		);
		this.servers.clear();
	}
}

let nodeIds = 0;
/** A node of a test workflow: this package's when `type` has no package, with the Infobip credential selected. */
export function node(name: string, type: string, parameters: IDataObject = {}, extra: Partial<INode> = {}): INode {
	const ours = !type.includes('.');
	return {
		id: `node-${++nodeIds}`,
		name,
		type: ours ? `${PACKAGE}.${type}` : type,
		typeVersion: 1,
		position: [nodeIds * 200, 0],
		parameters: parameters as INode['parameters'],
		...(ours && type === 'infobipConversations' ? { credentials: { infobipConversationsApi: { id: null, name: 'Infobip Conversations account' } } } : {}),
		...extra,
	};
}

/** A workflow whose nodes run one after the other (main output 0 → next node). */
export function chain(...nodes: INode[]): WorkflowJson {
	const connections: IWorkflowBase['connections'] = {};
	for (let i = 0; i < nodes.length - 1; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main' as never, index: 0 }]] };
	return { nodes, connections };
}

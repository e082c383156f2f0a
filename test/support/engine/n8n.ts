/**
 * The installed n8n whose engine these tests run in: n8n-core, n8n-workflow, @n8n/di and n8n-nodes-base are taken
 * from `$INFOBIP_N8N_DIR/node_modules` (an install made by scripts/e2e/install-n8n.sh; scripts/integration/run.js
 * sets the variable and runs jest on the Node.js 24 n8n needs). They are loaded by Node.js itself, outside jest's
 * module registry, as n8n loads them; `n8n-workflow` in this package's nodes and in the tests is that same copy
 * (scripts/integration/setup.js), so the nodes, the tests and n8n-core share one n8n-workflow.
 *
 * n8n-core has no types here (it is not a dependency of the package): the few parts used are typed below.
 */
import fs from 'node:fs';
import path from 'node:path';

import {
	Expression,
	type ICredentialType,
	type IDataObject,
	type INode,
	type INodeType,
	type IRun,
	type IRunExecutionData,
	type IVersionedNodeType,
	type IWebhookData,
	type IWebhookFunctions,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type Workflow,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

const dir = process.env.INFOBIP_N8N_DIR;
if (!dir || !fs.existsSync(path.join(dir, 'node_modules/n8n-core/package.json'))) {
	throw new Error(
		'test/engine runs inside an installed n8n: start it with `npm run test:integration` (scripts/integration/run.js), ' +
			'which points INFOBIP_N8N_DIR at ~/.cache/infobip-n8n/n8n-<version> and runs jest on Node.js 24',
	);
}
export const N8N_DIR = dir;
const modules = path.join(dir, 'node_modules');

// Node's own require (jest's `module` would load n8n into jest's registry): Node.js >= 22.3
const { createRequire } = (process as unknown as { getBuiltinModule(id: 'node:module'): typeof import('node:module') }).getBuiltinModule('node:module');
const nativeRequire = createRequire(path.join(modules, 'package.json'));
const fromN8n = <T>(id: string): T => nativeRequire(path.join(modules, id)) as T;
const versionOf = (pkg: string) => (JSON.parse(fs.readFileSync(path.join(modules, pkg, 'package.json'), 'utf8')) as { version: string }).version;

export const versions = { n8n: versionOf('n8n'), core: versionOf('n8n-core'), workflow: versionOf('n8n-workflow') };

export interface ExecutionLifecycleHooks {
	addHandler(name: 'workflowExecuteAfter', handler: (run: IRun, newStaticData?: IDataObject) => void | Promise<void>): void;
	addHandler(name: 'nodeExecuteAfter', handler: (nodeName: string) => void | Promise<void>): void;
}

interface Core {
	WorkflowExecute: new (
		additionalData: IWorkflowExecuteAdditionalData,
		mode: WorkflowExecuteMode,
		runExecutionData: IRunExecutionData,
	) => { processRunExecutionData(workflow: Workflow): Promise<IRun> };
	ExecutionLifecycleHooks: new (mode: WorkflowExecuteMode, executionId: string, workflowData: IWorkflowBase) => ExecutionLifecycleHooks;
	WebhookContext: new (
		workflow: Workflow,
		node: INode,
		additionalData: IWorkflowExecuteAdditionalData,
		mode: WorkflowExecuteMode,
		webhookData: IWebhookData,
		closeFunctions: Array<() => Promise<void>>,
		runExecutionData: IRunExecutionData | null,
	) => IWebhookFunctions;
	BinaryDataService: abstract new (...args: never[]) => {
		init(): Promise<void>;
		getAsBuffer(binary: { id?: string; data: string }): Promise<Buffer>;
	};
}

interface Di {
	Container: {
		get<T>(service: abstract new (...args: never[]) => T): T;
		has(service: unknown): boolean;
		set(service: unknown, value: unknown): void;
	};
}

export const core = fromN8n<Core>('n8n-core');
export const di = fromN8n<Di>('@n8n/di');
const backendCommon = fromN8n<{ Logger: abstract new (...args: never[]) => unknown }>('@n8n/backend-common');
const config = fromN8n<{ GlobalConfig: abstract new (...args: never[]) => { expressionEngine: Record<string, unknown> } }>('@n8n/config');

/** What the nodes log through `this.logger` (n8n-core takes it from the DI container), for secret scans. */
export const logs: string[] = [];
const capture = (level: string) => (message: string, meta?: unknown) => {
	logs.push(`${level}: ${message}${meta ? ' ' + JSON.stringify(meta) : ''}`);
};
const logger = {
	error: capture('error'),
	warn: capture('warn'),
	info: capture('info'),
	debug: capture('debug'),
	scoped: () => logger,
};

let ready: Promise<void> | undefined;
/**
 * What n8n's server does at start-up that executions depend on: binary data storage (2.x: files under the user
 * folder, 1.x: in memory — each version's own default) and the expression engine n8n's config selects (the
 * isolated-vm engine by default in both installs).
 */
export function startN8n(): Promise<void> {
	ready ??= (async () => {
		di.Container.set(backendCommon.Logger, logger);
		await di.Container.get(core.BinaryDataService).init();
		const engine = di.Container.get(config.GlobalConfig).expressionEngine;
		const init = (Expression as unknown as { initExpressionEngine?: (o: Record<string, unknown>) => Promise<void> }).initExpressionEngine;
		if (init) {
			const { idleTimeout } = engine as { idleTimeout?: number };
			await init.call(Expression, { ...engine, idleTimeoutMs: idleTimeout === undefined ? undefined : idleTimeout * 1000 });
		}
	})();
	return ready;
}

/** What n8n does when it stops: the engine's long-lived services end (1.x's SSH client sweeper keeps a process alive). */
export async function stopN8n(): Promise<void> {
	const { SSHClientsManager } = fromN8n<{ SSHClientsManager: abstract new (...args: never[]) => { onShutdown(): void } }>(
		'n8n-core/dist/execution-engine/ssh-clients-manager',
	);
	if (di.Container.has(SSHClientsManager)) di.Container.get(SSHClientsManager).onShutdown();
	await (Expression as unknown as { disposeExpressionEngine?: () => Promise<void> }).disposeExpressionEngine?.();
}

/** Which expression engine evaluated the expressions ('vm' = isolated-vm, as n8n's server defaults to). */
export async function expressionEngine(): Promise<string> {
	return (Expression as unknown as { getActiveImplementation?: () => string }).getActiveImplementation?.() ?? 'legacy';
}

/** The bytes of a binary item, wherever this n8n stored it (2.x: a file, 1.x: base64 in the item). */
export async function binaryBuffer(binary: { id?: string; data: string }): Promise<Buffer> {
	return await di.Container.get(core.BinaryDataService).getAsBuffer(binary);
}

interface PackageJson {
	n8n: { nodes: string[]; credentials: string[] };
}
const nodesBase = JSON.parse(fs.readFileSync(path.join(modules, 'n8n-nodes-base/package.json'), 'utf8')) as PackageJson;

/** Instantiates the class exported by an n8n-nodes-base file whose description name is `name`. */
function loadFromNodesBase<T>(list: string[], suffix: string, name: string, nameOf: (value: T) => string | undefined): T | undefined {
	const file = list.find((f) => path.basename(f).toLowerCase() === `${name.toLowerCase()}${suffix}`);
	if (!file) return undefined;
	const mod = fromN8n<Record<string, new () => T>>(path.join('n8n-nodes-base', file));
	for (const Cls of Object.values(mod)) {
		if (typeof Cls !== 'function') continue;
		const value = new Cls();
		if (nameOf(value) === name) return value;
	}
	return undefined;
}

/** A node type of n8n-nodes-base, e.g. 'if' for n8n-nodes-base.if (the real node of this n8n). */
export function baseNodeType(name: string): INodeType | IVersionedNodeType | undefined {
	return loadFromNodesBase<INodeType | IVersionedNodeType>(nodesBase.n8n.nodes, '.node.js', name, (n) => n.description.name);
}

/** A credential type of n8n-nodes-base, e.g. 'jiraSoftwareCloudApi'. */
export function baseCredentialType(name: string): ICredentialType | undefined {
	return loadFromNodesBase<ICredentialType>(nodesBase.n8n.credentials, '.credentials.js', name, (c) => c.name);
}

export type { IWebhookData, INode };

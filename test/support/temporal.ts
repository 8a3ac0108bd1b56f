import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import {
  DefaultLogger,
  Runtime,
  bundleWorkflowCode,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { createWorker } from '../../worker/worker';
import { bundleOptions } from '../../worker/bundle';
import { ensureKey } from '../../app/keys';
import { signingClientOptions, type Signer } from '../../app/signing';
import { freshDatabase, type TestDatabase } from './db';

Runtime.install({ logger: new DefaultLogger('WARN') });

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** One workflow bundle per test file (bundling costs seconds). */
export const sharedBundle = (): Promise<WorkflowBundleWithSourceMap> =>
  (bundle ??= bundleWorkflowCode({ ...bundleOptions(), logger: quietLogger }));

const quietLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: console.error,
  log: () => undefined,
};

export const testTemporalAddress = (): string => {
  const address = process.env.TEST_TEMPORAL_ADDRESS;
  if (!address)
    throw new Error('integration tests need the global setup (jest --selectProjects integration)');
  return address;
};

/**
 * A service key for a test's commands, generated, written (0600) and registered the way
 * `dudao up` makes the web API's: tests send commands exactly as the API does.
 */
export async function testSigner(db: Kysely<Database>): Promise<Signer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-keys-'));
  return ensureKey(db, path.join(dir, 'service.json'), 'service', '测试');
}

/** A client whose command Updates are signed by `signer`. */
export const signedClient = (connection: Connection, signer: Signer, namespace = 'default'): Client =>
  new Client({ connection, namespace, ...signingClientOptions(signer) });

export interface TestStack {
  /** Signs every command it sends with `signer`. */
  client: Client;
  signer: Signer;
  taskQueue: string;
  stop(): Promise<void>;
}

export interface WorkerChoices {
  /** A task queue to share (another worker of the same test); a fresh one by default. */
  taskQueue?: string;
  maxCachedWorkflows?: number;
  workflowBundle?: WorkflowBundleWithSourceMap;
}

/** A running worker on a task queue of its own, and a client: each test file's Temporal slice. */
export async function startWorker(db: Kysely<Database>, choices: WorkerChoices = {}): Promise<TestStack> {
  const address = testTemporalAddress();
  const taskQueue = choices.taskQueue ?? `test-${randomBytes(4).toString('hex')}`;
  const { worker, connection } = await createWorker({
    connectionOptions: { address },
    namespace: 'default',
    taskQueue,
    db,
    workflowBundle: choices.workflowBundle ?? (await sharedBundle()),
    ...(choices.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: choices.maxCachedWorkflows } : {}),
  });
  const running = worker.run();
  const clientConnection = await Connection.connect({ address });
  const signer = await testSigner(db);
  const client = signedClient(clientConnection, signer);
  return {
    client,
    signer,
    taskQueue,
    stop: async () => {
      worker.shutdown();
      await running;
      await connection.close();
      await clientConnection.close();
    },
  };
}

export const uniqueId = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

/** A client alone (no worker), e.g. to send an Update while no worker runs. */
export async function connectClient(signer: Signer): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: testTemporalAddress() });
  return { client: signedClient(connection, signer), close: () => connection.close() };
}

/**
 * A fresh database and a worker on it for one describe block: created before its tests (then
 * `prepare`, if given, e.g. importing a plan), stopped and dropped after them. Read `t` and `stack`
 * inside tests and hooks: they are set once the suite's `beforeAll` has run.
 */
export function workerPerSuite(prepare?: (t: TestDatabase) => Promise<void>): {
  readonly t: TestDatabase;
  readonly stack: TestStack;
} {
  const suite = {} as { t: TestDatabase; stack: TestStack };
  beforeAll(async () => {
    suite.t = await freshDatabase();
    suite.stack = await startWorker(suite.t.db);
    await prepare?.(suite.t);
  });
  afterAll(async () => {
    await suite.stack?.stop();
    await suite.t?.drop();
  });
  return suite;
}

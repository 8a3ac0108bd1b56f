import { randomBytes } from 'node:crypto';
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

export interface TestStack {
  client: Client;
  taskQueue: string;
  stop(): Promise<void>;
}

/** A running worker on a task queue of its own, and a client: each test file's Temporal slice. */
export async function startWorker(db: Kysely<Database>): Promise<TestStack> {
  const address = testTemporalAddress();
  const taskQueue = `test-${randomBytes(4).toString('hex')}`;
  const { worker, connection } = await createWorker({
    connectionOptions: { address },
    namespace: 'default',
    taskQueue,
    db,
    workflowBundle: await sharedBundle(),
  });
  const running = worker.run();
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection, namespace: 'default' });
  return {
    client,
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

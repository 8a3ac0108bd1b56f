import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type LogLevel,
  type WorkerOptions,
} from '@temporalio/worker';
import type { ConnectionOptions } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { createActivities } from '../activities';
import { bundlingAtStart } from './bundle';
import { PrincipalCodec, SigningKeyCache } from './principal-codec';

export const DEFAULT_TASK_QUEUE = 'dudao';

export interface WorkerDeps {
  connectionOptions: ConnectionOptions;
  namespace: string;
  taskQueue?: string;
  db: Kysely<Database>;
  /** A prebuilt bundle (tests share one); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Cache size; 0 makes every workflow task replay the whole history (tests, the chaos suite). */
  maxCachedWorkflows?: number;
  /**
   * Threads running workflow code (the SDK's `workflowThreadPoolSize`; its default is 1 with the
   * reusable context). Each thread keeps a sandbox of its own: a second one lets workflow tasks use
   * a second core (300 busy projects on 2 cores: 39–51 Updates/s in three runs against 37 in two
   * with one thread) for about 90 MB more at 1,000 open projects (786 against 698 MB).
   */
  workflowThreads?: number;
}

/** A worker running dudao's workflows and activities, its activities bound to `db`. */
export async function createWorker(
  deps: WorkerDeps,
): Promise<{ worker: Worker; connection: NativeConnection }> {
  quietRuntime();
  const { address, tls, apiKey } = deps.connectionOptions;
  const connection = await NativeConnection.connect({
    address,
    ...(tls ? { tls: tls as never } : {}),
    ...(apiKey ? { apiKey: apiKey as string } : {}),
  });
  try {
    const worker = await Worker.create({ connection, ...workerOptions(deps) });
    return { worker, connection };
  } catch (err) {
    // Not left open behind a failed start (the CLI tries again while the server restarts).
    await connection.close().catch(() => undefined);
    throw err;
  }
}

/**
 * The worker's options but its connection. Without a prebuilt bundle the worker bundles its
 * workflows at start, from the same options `npm run bundle` and the tests bundle with.
 */
export function workerOptions(deps: WorkerDeps): Omit<WorkerOptions, 'connection'> {
  return {
    namespace: deps.namespace,
    taskQueue: deps.taskQueue ?? DEFAULT_TASK_QUEUE,
    activities: createActivities({ db: deps.db }),
    // Commands' signatures are verified here, outside the sandbox, before a validator sees them.
    dataConverter: { payloadCodecs: [new PrincipalCodec(new SigningKeyCache(deps.db))] },
    ...(deps.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: deps.maxCachedWorkflows } : {}),
    ...(deps.workflowThreads !== undefined ? { workflowThreadPoolSize: deps.workflowThreads } : {}),
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : bundlingAtStart()),
  };
}

let runtimeInstalled = false;
/** Worker logs at WARN unless DUDAO_LOG_LEVEL says otherwise: people read the CLI's own output. */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger((process.env.DUDAO_LOG_LEVEL ?? 'WARN') as LogLevel) });
  } catch {
    // Already installed by the embedding process (tests do): keep theirs.
  }
}

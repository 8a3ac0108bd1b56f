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
import { webpackConfigHook, workflowInterceptorModules, workflowsPath } from './bundle';
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
  const worker = await Worker.create({
    connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue ?? DEFAULT_TASK_QUEUE,
    activities: createActivities({ db: deps.db }),
    // Commands' signatures are verified here, outside the sandbox, before a validator sees them.
    dataConverter: { payloadCodecs: [new PrincipalCodec(new SigningKeyCache(deps.db))] },
    ...(deps.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: deps.maxCachedWorkflows } : {}),
    ...(deps.workflowBundle
      ? { workflowBundle: deps.workflowBundle }
      : {
          workflowsPath: workflowsPath(),
          bundlerOptions: { webpackConfigHook },
          interceptors: { workflowModules: workflowInterceptorModules() },
        }),
  });
  return { worker, connection };
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

import type { Worker } from '@temporalio/worker';
import { connectDatabase, type DatabaseHandle } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import type { Kysely } from 'kysely';
import { Client, Connection } from '@temporalio/client';
import { startWebServer } from './web-server';
import { SetupError } from './errors';
import type { Database } from '../db/database';
import { rebuildLive, staleModels } from '../db/projections/rebuild';
import { ensurePostgres, redactDatabaseUrl, type PostgresEndpoint } from './postgres';
import { connectAs } from './database';
import { dataDir } from './paths';
import { ensureTemporal, type TemporalEndpoint } from './temporal';
import { createWorker, DEFAULT_TASK_QUEUE } from '../worker/worker';
import { notifierConfig, startNotifier } from '../worker/notifier';
import { startHealthSweep } from '../app/health';
import { ensureKey } from '../app/keys';
import { serviceKeyFile } from '../app/key-files';
import { signingClientOptions, type Signer } from '../app/signing';

export interface RunningStack {
  temporal: TemporalEndpoint;
  postgres: PostgresEndpoint;
  /** The owner's connection (migrations, imports); the worker and web server have their own roles. */
  database: DatabaseHandle;
  taskQueue: string;
  worker: Worker;
  /** The service key the web API signs commands with (the demo's simulated units use it too). */
  signer: Signer;
  /** The web workspace and API. */
  webUrl: string;
  /** Resolves when the worker stops. */
  running: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Brings dudao up: Postgres (DATABASE_URL or embedded), migrations, Temporal (the given endpoint,
 * TEMPORAL_ADDRESS or a persistent dev server), one worker, the notifier and the web server.
 * Whatever started is stopped again on failure.
 */
export async function startStack(
  log: (line: string) => void,
  notify?: (line: string) => void,
  opts: { temporal?: TemporalEndpoint } = {},
): Promise<RunningStack> {
  const cleanups: (() => Promise<void>)[] = [];
  /**
   * The loops that poll the database on their own (notices, the health sweep) are told to stop
   * before anything is closed: the Ctrl-C that stops the stack stops the embedded PostgreSQL at the
   * same moment (its own exit hook), and a poll it cuts short must end quietly, not as an error.
   */
  const pollers: { stop(): Promise<void> }[] = [];
  const unwind = async () => {
    await Promise.all(pollers.map((p) => p.stop().catch(() => undefined)));
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const postgres = await ensurePostgres(log);
    cleanups.push(postgres.stop);
    const database = connectDatabase(postgres.url);
    cleanups.push(database.close);
    const migrated = await migrateToLatest(database.db as Kysely<unknown>);
    const applied = migrated.results?.filter((r) => r.status === 'Success').length ?? 0;
    log(
      `数据库：${redactDatabaseUrl(postgres.url)}（${postgres.source === 'embedded' ? '内置' : 'DATABASE_URL'}${applied ? `，已执行 ${applied} 个迁移` : ''}）`,
    );

    await refreshStaleModels(database.db, log);
    // The worker and the web server never act as the owner: each takes its own role (README).
    const workerDb = await connectAs('worker', postgres.url);
    cleanups.push(workerDb.close);
    const webDb = await connectAs('web', postgres.url, 5);
    cleanups.push(webDb.close);

    // A cluster started by the caller (`dudao cluster up`) is stopped with the rest of the stack.
    const temporal = opts.temporal ?? (await ensureTemporal({ log }));
    cleanups.push(temporal.stop);
    const taskQueue = process.env.DUDAO_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;
    const { worker, connection } = await createWorker({
      connectionOptions: temporal.connectionOptions,
      namespace: temporal.namespace,
      taskQueue,
      db: workerDb.db,
    });
    cleanups.push(() => connection.close());
    const running = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    const notifier = startNotifier(workerDb.db, notifierConfig({ write: notify ?? log, log }));
    pollers.push(notifier);
    const clientConnection = await Connection.connect(temporal.connectionOptions);
    cleanups.push(() => clientConnection.close());
    const health = startHealthSweep(
      new Client({ connection: clientConnection, namespace: temporal.namespace }),
      database.db,
      { onError: (err) => log(`巡检卡住的流程失败：${(err as Error).message}`) },
    );
    pollers.push(health);
    // The web API signs every command it sends for a signed-in person with the stack's service key.
    const signer = await ensureKey(
      database.db,
      serviceKeyFile(dataDir()),
      'service',
      '网页工作台（dudao up）',
    );
    const web = await startWebServer({
      db: webDb.db,
      client: new Client({
        connection: clientConnection,
        namespace: temporal.namespace,
        ...signingClientOptions(signer),
      }),
      taskQueue,
      // Evidence lives under the stack's data directory, where the CLI's uploads go too.
      dataDir: dataDir(),
      log,
    }).catch((err: Error & { code?: string }) => {
      if (err.code !== 'EADDRINUSE' && err.code !== 'EACCES') throw err;
      throw new SetupError(
        `网页工作台启动失败：${err.message}`,
        '端口可能已被占用：设置 DUDAO_WEB_PORT（以及 DUDAO_WEB_HOST）换一个端口后重试。',
      );
    });
    cleanups.push(web.stop);
    return {
      temporal,
      postgres,
      database,
      taskQueue,
      worker,
      signer,
      webUrl: web.url,
      running,
      stop: unwind,
    };
  } catch (err) {
    await unwind();
    throw err;
  }
}

/**
 * Read models built by an older version of their projection are rebuilt from the log before the
 * worker appends again, so reports never mix rows of two versions of a rule.
 */
async function refreshStaleModels(db: Kysely<Database>, log: (line: string) => void): Promise<void> {
  const stale = await staleModels(db);
  if (stale.length === 0) return;
  log(
    `读模型投影已更新（${stale.map((m) => `${m.name} v${m.built}→v${m.current}`).join('，')}），正在从事件日志重建……`,
  );
  const { events } = await rebuildLive(db, { only: stale.map((m) => m.name) });
  log(`已重建 ${stale.length} 个读模型（${events} 条事件）。`);
}

import type { Worker } from '@temporalio/worker';
import { connectDatabase, type DatabaseHandle } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import type { Kysely } from 'kysely';
import { Client, Connection } from '@temporalio/client';
import { startWebServer } from '../api/server';
import { SetupError } from './errors';
import type { Database } from '../db/database';
import { rebuildLive, staleModels } from '../db/projections/rebuild';
import { ensurePostgres, redactDatabaseUrl, type PostgresEndpoint } from './postgres';
import { ensureTemporal, type TemporalEndpoint } from './temporal';
import { createWorker, DEFAULT_TASK_QUEUE } from '../worker/worker';
import { defaultChannels, startNotifier } from '../worker/notifier';

export interface RunningStack {
  temporal: TemporalEndpoint;
  postgres: PostgresEndpoint;
  database: DatabaseHandle;
  taskQueue: string;
  worker: Worker;
  /** The web workspace and API. */
  webUrl: string;
  /** Resolves when the worker stops. */
  running: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Brings dudao up: Postgres (DATABASE_URL or embedded), migrations, Temporal (TEMPORAL_ADDRESS or a
 * persistent dev server), one worker and the notifier. Whatever started is stopped again on failure.
 */
export async function startStack(
  log: (line: string) => void,
  notify?: (line: string) => void,
): Promise<RunningStack> {
  const cleanups: (() => Promise<void>)[] = [];
  const unwind = async () => {
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

    const temporal = await ensureTemporal({ log });
    cleanups.push(temporal.stop);
    const taskQueue = process.env.DUDAO_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;
    const { worker, connection } = await createWorker({
      connectionOptions: temporal.connectionOptions,
      namespace: temporal.namespace,
      taskQueue,
      db: database.db,
    });
    cleanups.push(() => connection.close());
    const running = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    const notifier = startNotifier(database.db, defaultChannels(notify ?? log));
    cleanups.push(notifier.stop);
    const clientConnection = await Connection.connect(temporal.connectionOptions);
    cleanups.push(() => clientConnection.close());
    const web = await startWebServer({
      db: database.db,
      client: new Client({ connection: clientConnection, namespace: temporal.namespace }),
      taskQueue,
      log,
    }).catch((err: Error) => {
      throw new SetupError(
        `网页工作台启动失败：${err.message}`,
        '端口可能已被占用：设置 DUDAO_WEB_PORT（以及 DUDAO_WEB_HOST）换一个端口后重试。',
      );
    });
    cleanups.push(web.stop);
    return { temporal, postgres, database, taskQueue, worker, webUrl: web.url, running, stop: unwind };
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

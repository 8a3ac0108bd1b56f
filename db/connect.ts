import { Kysely, PostgresDialect } from 'kysely';
import { Pool, types } from 'pg';
import type { Database } from './database';
import { migrateToLatest } from './migrate';
import { ensureDatabaseExists, ensurePostgres } from '../stack/postgres';

// int8 (event positions, counts) stays a string: positions can exceed 2^53 in principle.
// numeric becomes a JS number: reported values and targets are small decimals.
types.setTypeParser(types.builtins.NUMERIC, (v) => Number(v));

export interface DatabaseHandle {
  db: Kysely<Database>;
  url: string;
  close(): Promise<void>;
}

export function connectDatabase(url: string, poolSize = 10): DatabaseHandle {
  const pool = new Pool({ connectionString: url, max: poolSize });
  // An idle connection the server ends (a restart, or Ctrl-C reaching the embedded server first)
  // must not take the process down; the pool replaces it on next use.
  pool.on('error', (err) => {
    if ((err as { code?: string }).code !== '57P01') console.error(`数据库连接中断：${err.message}`);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, url, close: () => db.destroy() };
}

/**
 * Opens the database the CLI works on: `url`, else DATABASE_URL, else the embedded PostgreSQL
 * (started for the duration of the handle); pending migrations run first.
 */
export async function openDatabase(url?: string): Promise<DatabaseHandle> {
  let stopServer: () => Promise<void> = async () => undefined;
  let resolved = url ?? process.env.DATABASE_URL;
  if (resolved) {
    await ensureDatabaseExists(resolved);
  } else {
    const pg = await ensurePostgres();
    resolved = pg.url;
    stopServer = pg.stop;
  }
  const handle = connectDatabase(resolved);
  await migrateToLatest(handle.db as Kysely<unknown>);
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await stopServer();
    },
  };
}

import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool, types } from 'pg';
import type { Database } from './database';
import type { DatabaseRole } from './roles';
import { roleName } from './roles';

// int8 (event positions, counts) stays a string: positions can exceed 2^53 in principle.
// numeric becomes a JS number: reported values and targets are small decimals.
types.setTypeParser(types.builtins.NUMERIC, (v) => Number(v));

export interface DatabaseHandle {
  db: Kysely<Database>;
  url: string;
  /** The role every connection acts as, when one was asked for. */
  role: DatabaseRole | null;
  close(): Promise<void>;
}

/** The database a connection URL names (the role names derive from it). */
export const databaseOf = (url: string): string =>
  decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';

/**
 * A pool on `url`. With `role`, every connection takes `<database>_<role>` when it opens (the
 * `role` startup option, as SET ROLE): the login must be that role or a member of it, and a
 * connection that cannot take it fails instead of running with the login's own rights.
 */
export function connectDatabase(url: string, poolSize = 10, role?: DatabaseRole): DatabaseHandle {
  const options = role ? `-c role=${roleName(databaseOf(url), role).replace(/([\\ ])/g, '\\$1')}` : undefined;
  const pool = new Pool({ connectionString: url, max: poolSize, ...(options ? { options } : {}) });
  // An idle connection the server ends (a restart, or Ctrl-C reaching the embedded server first)
  // must not take the process down; the pool replaces it on next use.
  pool.on('error', (err) => {
    if ((err as { code?: string }).code !== '57P01') console.error(`数据库连接中断：${err.message}`);
  });
  // A connection lost while checked out (a query running when the server restarts) fails that
  // query, then emits 'error' on its client, where the pool no longer listens: unheard, that event
  // would end the process. The query's caller has the error; the pool drops the broken client.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, url, role: role ?? null, close: () => db.destroy() };
}

/** Whether the connections act as a superuser (the web server refuses to). */
export async function actsAsSuperuser(db: Kysely<Database>): Promise<boolean> {
  const { rows } = await sql<{ superuser: boolean }>`
    SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`.execute(db);
  return rows[0]?.superuser ?? false;
}

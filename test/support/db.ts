import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Kysely } from 'kysely';
import { connectDatabase } from '../../db/connect';
import { migrateToLatest } from '../../db/migrate';
import { dropRolesStatement } from '../../db/roles';
import type { Database } from '../../db/database';

/** The server tests create their databases on: TEST_DATABASE_URL, DATABASE_URL, or the machine's. */
export const baseDatabaseUrl = (): string =>
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  db: Kysely<Database>;
  url: string;
  drop(): Promise<void>;
}

/** A new, migrated database of its own for one test file, dropped afterwards. */
export async function freshDatabase(): Promise<TestDatabase> {
  const name = `dudao_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = adminUrl();
  await withClient(admin, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const handle = connectDatabase(url.toString(), 5);
  await migrateToLatest(handle.db as Kysely<unknown>);
  return {
    db: handle.db,
    url: url.toString(),
    drop: async () => {
      await handle.close();
      await dropWhenIdle(admin, name);
    },
  };
}

function adminUrl(): string {
  const url = new URL(baseDatabaseUrl());
  url.pathname = '/postgres';
  return url.toString();
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Drops a test database once its last connection has gone: a forced drop would kill connections a
 * closing pool is still shutting down and surface as an unhandled error in another test.
 */
async function dropWhenIdle(admin: string, name: string): Promise<void> {
  let dropped = false;
  for (let attempt = 0; attempt < 50 && !dropped; attempt++) {
    try {
      await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name}`));
      dropped = true;
    } catch (err) {
      if ((err as { code?: string }).code !== '55006') throw err; // 55006: still in use
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (!dropped) await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  // Roles are the server's, not the database's: they outlive it unless dropped too.
  await withClient(admin, (c) => c.query(dropRolesStatement(name)));
}

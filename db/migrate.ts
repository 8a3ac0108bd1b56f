import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  FileMigrationProvider,
  Migrator,
  sql,
  type Kysely,
  type MigrationResult,
  type MigrationResultSet,
} from 'kysely';
import { roleName, ROLES_MIGRATION } from './roles';

const MIGRATION_FOLDER = path.join(__dirname, 'migrations');

const migrator = (db: Kysely<unknown>) =>
  new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATION_FOLDER }),
  });

/** This code's migrations by name, as kysely's FileMigrationProvider names them (the file less its extension). */
async function migrationNames(): Promise<string[]> {
  const files = await fs.readdir(MIGRATION_FOLDER);
  return files
    .filter((f) => /\.m?js$/.test(f) || (/\.m?ts$/.test(f) && !/\.d\.m?ts$/.test(f)))
    .map((f) => f.slice(0, f.lastIndexOf('.')))
    .sort();
}

/**
 * Whether the database has run exactly this code's migrations, asked in one query: the migrator
 * would introspect the schema, take its lock and load every migration to find nothing to do (about
 * 80 ms of every CLI command). Any doubt (no migration table yet, another set of names) says no,
 * and the migrator decides as before.
 */
async function isCurrent(db: Kysely<unknown>): Promise<boolean> {
  let executed: string[];
  try {
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db);
    executed = rows.map((r) => r.name).sort();
  } catch {
    return false;
  }
  const known = await migrationNames();
  return executed.length === known.length && executed.every((name, i) => name === known[i]);
}

function check(result: MigrationResultSet): MigrationResult[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? '?';
    throw new Error(`数据库迁移 ${failed} 失败：${(result.error as Error).message}`);
  }
  return result.results ?? [];
}

/**
 * Runs every pending migration in db/migrations; throws (with the failing one named) on error.
 * Migrations up to the one that creates the roles run as the connecting login; every later one
 * runs as `<database>_owner`, so whatever it creates belongs to the owner role, not to the login.
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<MigrationResultSet> {
  if (await isCurrent(db)) return { results: [] };
  const results: MigrationResult[] = [];
  const executed = (await migrator(db).getMigrations()).filter((m) => m.executedAt).map((m) => m.name);
  if (!executed.includes(ROLES_MIGRATION))
    results.push(...check(await migrator(db).migrateTo(ROLES_MIGRATION)));
  const { rows } = await sql<{ database: string }>`SELECT current_database() AS database`.execute(db);
  const owner = roleName(rows[0]!.database, 'owner');
  const later = await db.connection().execute(async (conn) => {
    await sql`SET ROLE ${sql.id(owner)}`.execute(conn);
    try {
      return await migrator(conn).migrateToLatest();
    } finally {
      await sql`RESET ROLE`.execute(conn);
    }
  });
  results.push(...check(later));
  return { results };
}

/** Migrations this code has that the database has not run (a role's own login checks, never runs). */
export async function pendingMigrations(db: Kysely<unknown>): Promise<string[]> {
  return (await migrator(db).getMigrations()).filter((m) => !m.executedAt).map((m) => m.name);
}

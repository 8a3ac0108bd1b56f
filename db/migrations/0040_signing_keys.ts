import { sql, type Kysely } from 'kysely';

/*
 * The public keys that may sign human commands (Ed25519, see domain/command-proof.ts). Private
 * keys never reach the database: they live in key files (`dudao keys generate`). Workers read the
 * keys to verify; only the owner (the `dudao keys` commands) adds or revokes one. A key is never
 * deleted, so a history signed with it can always be explained.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('signing_keys')
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('service', 'operator')`))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  const { rows } = await sql<{ database: string }>`SELECT current_database() AS database`.execute(db);
  const database = rows[0]!.database;
  const role = (suffix: string) => sql.id(`${database}_${suffix}`);
  // Workers verify signatures; the workspace lists keys for administrators; neither writes them.
  await sql`GRANT SELECT ON signing_keys TO ${role('worker')}, ${role('web')}`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('signing_keys').execute();
}

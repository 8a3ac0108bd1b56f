import { sql, type Kysely } from 'kysely';

/*
 * The 办结申请 read model (db/projections/closure-requests.ts): one row per request a lead unit
 * made to close an item early, and how 督导处 decided it (销号 or not). Request ids are numbered
 * per project, so the project is part of the key. Workers write it; readers select it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('closure_requests')
    .addColumn('cycle_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('narrative', 'text', (c) => c.notNull())
    .addColumn('evidence', 'jsonb', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('decision_comment', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decided_by', 'text')
    .addPrimaryKeyConstraint('closure_requests_pkey', ['cycle_id', 'project_id', 'request_id'])
    .execute();
  await db.schema
    .createIndex('closure_requests_unit')
    .on('closure_requests')
    .columns(['cycle_id', 'unit'])
    .execute();

  const { rows } = await sql<{ database: string }>`SELECT current_database() AS database`.execute(db);
  const role = (suffix: string) => sql.id(`${rows[0]!.database}_${suffix}`);
  await sql`GRANT SELECT ON closure_requests TO ${role('reader')}`.execute(db);
  await sql`GRANT INSERT, UPDATE ON closure_requests TO ${role('worker')}`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('closure_requests').execute();
}

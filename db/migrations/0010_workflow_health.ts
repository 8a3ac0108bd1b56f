import { sql, type Kysely } from 'kysely';

/**
 * Stuck work, kept where the views read: a workflow whose task keeps failing, or whose query
 * fails, has a row here until it recovers (`dudao doctor` and the worker's health sweep write it).
 */
// Migrations take Kysely<any> so they stay frozen in time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('workflow_health')
    .addColumn('workflow_id', 'text', (c) => c.primaryKey())
    .addColumn('cycle_id', 'text')
    .addColumn('item_id', 'text')
    .addColumn('problem', 'text', (c) => c.notNull().check(sql`problem IN ('task_failing', 'query_failing')`))
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('since', 'timestamptz', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('checked_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('workflow_health_cycle').on('workflow_health').column('cycle_id').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('workflow_health').execute();
}

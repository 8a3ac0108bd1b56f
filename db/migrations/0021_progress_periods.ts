import { sql, type Kysely } from 'kysely';

/*
 * The 定期反馈 read model (db/projections/progress-periods.ts): one row per period of an item
 * whose cycle has a reporting cadence. Workers write it; readers select it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('progress_periods')
    .addColumn('cycle_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('period_id', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('opens_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('miss_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('late', 'boolean')
    .addColumn('reported_at', 'timestamptz')
    .addColumn('reminded', 'boolean', (c) => c.notNull())
    .addColumn('escalated', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('progress_periods_pkey', ['cycle_id', 'project_id', 'period_id'])
    .execute();
  await db.schema
    .createIndex('progress_periods_unit')
    .on('progress_periods')
    .columns(['cycle_id', 'unit'])
    .execute();

  const { rows } = await sql<{ database: string }>`SELECT current_database() AS database`.execute(db);
  const role = (suffix: string) => sql.id(`${rows[0]!.database}_${suffix}`);
  await sql`GRANT SELECT ON progress_periods TO ${role('reader')}`.execute(db);
  await sql`GRANT INSERT, UPDATE ON progress_periods TO ${role('worker')}`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('progress_periods').execute();
}

import { sql, type Kysely } from 'kysely';

/*
 * 主要指标 baselines: the value the office records for an indicator's metric in the plan's base year
 * (e.g. 2015 for 十三五), where the plan line to the target starts. One row per plan, item and
 * metric; recording it again replaces it. The CLI writes as the owner, the web workspace as web.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('indicator_baselines')
    .addColumn('plan_id', 'integer', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('indicator_baselines_pkey', ['plan_id', 'item_id', 'metric'])
    .execute();
  const { rows } = await sql<{ database: string }>`SELECT current_database() AS database`.execute(db);
  const role = (suffix: string) => sql.id(`${rows[0]!.database}_${suffix}`);
  await sql`GRANT SELECT ON indicator_baselines TO ${role('reader')}`.execute(db);
  await sql`GRANT SELECT ON indicator_baselines TO ${role('worker')}`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE ON indicator_baselines TO ${role('web')}`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('indicator_baselines').execute();
}

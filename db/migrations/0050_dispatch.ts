import { sql, type Kysely } from 'kysely';

/*
 * 多级下发. The unit directory learns its hierarchy: a body (县（市、区）教育局, a school, a 市直单位)
 * is a row of `units` with the unit or body above it as `parent`, so a body's staff are ordinary
 * accounts whose unit is the body. And the sub-assignments read model
 * (db/projections/sub-assignments.ts): one row per dispatched share, its parent and where it stands.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('units')
    .addColumn('parent', 'text', (c) => c.references('units.name'))
    .execute();
  await db.schema.createIndex('units_parent').on('units').columns(['parent']).execute();

  await db.schema
    .createTable('sub_assignments')
    .addColumn('cycle_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('parent_cycle_id', 'text', (c) => c.notNull())
    .addColumn('parent_project_id', 'text', (c) => c.notNull())
    .addColumn('parent_milestone_id', 'text', (c) => c.notNull())
    .addColumn('root_cycle_id', 'text', (c) => c.notNull())
    .addColumn('root_project_id', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('milestone_id', 'text', (c) => c.notNull())
    .addColumn('opens_at', 'timestamptz', (c) => c.notNull())
    .addColumn('original_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('parent_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rounds', 'integer', (c) => c.notNull())
    .addColumn('returns', 'integer', (c) => c.notNull())
    .addColumn('escalation_level', 'integer', (c) => c.notNull())
    .addColumn('reported_values', 'jsonb', (c) => c.notNull())
    .addColumn('narrative', 'text')
    .addColumn('reported_at', 'timestamptz')
    .addColumn('reported_late', 'boolean')
    .addColumn('dispatched_at', 'timestamptz', (c) => c.notNull())
    .addColumn('dispatched_by', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addPrimaryKeyConstraint('sub_assignments_pkey', ['cycle_id', 'project_id'])
    .execute();
  await db.schema
    .createIndex('sub_assignments_parent')
    .on('sub_assignments')
    .columns(['parent_cycle_id', 'parent_project_id'])
    .execute();
  await db.schema.createIndex('sub_assignments_body').on('sub_assignments').columns(['body']).execute();

  const { rows } = await sql<{ database: string }>`SELECT current_database() AS database`.execute(db);
  const role = (suffix: string) => sql.id(`${rows[0]!.database}_${suffix}`);
  await sql`GRANT SELECT ON sub_assignments TO ${role('reader')}`.execute(db);
  await sql`GRANT INSERT, UPDATE ON sub_assignments TO ${role('worker')}`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sub_assignments').execute();
  await db.schema.alterTable('units').dropColumn('parent').execute();
}

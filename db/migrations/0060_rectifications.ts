import { sql, type Kysely } from 'kysely';

/*
 * The 整改 read model (db/projections/rectifications.ts): one row per 整改 round, from its
 * RectificationIssued event and the events of the item that carries it out. A round carried into a
 * later cycle names the round it continues (`carried_from`), so a shortfall's lineage is a chain of
 * rows. Workers write it; readers (close-out, reports, the API) select it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rectifications')
    .addColumn('cycle_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('origin_cycle_id', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('milestone_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('reasons', 'jsonb', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('carried_from', 'text')
    .addColumn('context_cycle_id', 'text', (c) => c.notNull())
    .addColumn('document_number', 'text')
    .addColumn('original_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('issued_by', 'text', (c) => c.notNull())
    .addColumn('reported_at', 'timestamptz')
    .addColumn('rounds', 'integer', (c) => c.notNull())
    .addColumn('returns', 'integer', (c) => c.notNull())
    .addColumn('escalation_level', 'integer', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('outcome', 'text')
    .addPrimaryKeyConstraint('rectifications_pkey', ['cycle_id', 'project_id'])
    .execute();
  await db.schema
    .createIndex('rectifications_origin')
    .on('rectifications')
    .columns(['origin_cycle_id', 'item_id'])
    .execute();
  await db.schema
    .createIndex('rectifications_context')
    .on('rectifications')
    .columns(['context_cycle_id'])
    .execute();
  await db.schema.createIndex('rectifications_unit').on('rectifications').columns(['unit']).execute();

  const { rows } = await sql<{ database: string }>`SELECT current_database() AS database`.execute(db);
  const role = (suffix: string) => sql.id(`${rows[0]!.database}_${suffix}`);
  await sql`GRANT SELECT ON rectifications TO ${role('reader')}`.execute(db);
  await sql`GRANT INSERT, UPDATE ON rectifications TO ${role('worker')}`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rectifications').execute();
}

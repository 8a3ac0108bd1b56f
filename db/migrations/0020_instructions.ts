import { sql, type Kysely } from 'kysely';

/*
 * The 领导批示 read model (db/projections/instructions.ts): one row per instruction, from its
 * InstructionRecorded event and the events of the item that carries it out. Workers write it as
 * they write every read model; readers (reports, the API) select it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('instructions')
    .addColumn('cycle_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('leader', 'text', (c) => c.notNull())
    .addColumn('issued_on', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('co_units', 'jsonb', (c) => c.notNull())
    .addColumn('evidence', 'jsonb', (c) => c.notNull())
    .addColumn('linked_item_id', 'text')
    .addColumn('linked_cycle_id', 'text')
    .addColumn('original_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'timestamptz')
    .addColumn('reported_at', 'timestamptz')
    .addColumn('reported_late', 'boolean')
    .addColumn('rounds', 'integer', (c) => c.notNull())
    .addColumn('returns', 'integer', (c) => c.notNull())
    .addColumn('escalation_level', 'integer', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('outcome', 'text')
    .addPrimaryKeyConstraint('instructions_pkey', ['cycle_id', 'project_id'])
    .execute();
  await db.schema.createIndex('instructions_unit').on('instructions').columns(['unit']).execute();
  await db.schema.createIndex('instructions_leader').on('instructions').columns(['leader']).execute();

  const { rows } = await sql<{ database: string }>`SELECT current_database() AS database`.execute(db);
  const role = (suffix: string) => sql.id(`${rows[0]!.database}_${suffix}`);
  await sql`GRANT SELECT ON instructions TO ${role('reader')}`.execute(db);
  await sql`GRANT INSERT, UPDATE ON instructions TO ${role('worker')}`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('instructions').execute();
}

import { sql, type Kysely } from 'kysely';

// Migrations take Kysely<any> so they stay frozen in time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('plans')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('plan_versions')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('source_name', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text')
    .addColumn('issued_on', 'text')
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('item_count', 'integer', (c) => c.notNull())
    .addColumn('warning_count', 'integer', (c) => c.notNull())
    .addColumn('imported_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('plan_versions_plan_version', ['plan_id', 'version'])
    .execute();
  await db.schema
    .createTable('plan_items')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('plan_version_id', 'integer', (c) =>
      c.notNull().references('plan_versions.id').onDelete('cascade'),
    )
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('indicator', 'task', 'major_project')`))
    .addColumn('path', 'jsonb', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('units', 'jsonb', (c) => c.notNull())
    .addColumn('targets', 'jsonb', (c) => c.notNull())
    .addColumn('milestones', 'jsonb', (c) => c.notNull())
    .addColumn('recurrence', 'jsonb')
    .addColumn('source_line', 'integer', (c) => c.notNull())
    .addUniqueConstraint('plan_items_version_item', ['plan_version_id', 'item_id'])
    .execute();
  await db.schema.createIndex('plan_items_key').on('plan_items').columns(['item_key']).execute();
  await db.schema
    .createTable('units')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('plan_version_units')
    .addColumn('plan_version_id', 'integer', (c) =>
      c.notNull().references('plan_versions.id').onDelete('cascade'),
    )
    .addColumn('unit_name', 'text', (c) => c.notNull().references('units.name'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('plan_version_units_pk', ['plan_version_id', 'unit_name'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['plan_version_units', 'units', 'plan_items', 'plan_versions', 'plans']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

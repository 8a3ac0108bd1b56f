import { sql, type Kysely } from 'kysely';

/*
 * Which unit uploaded which evidence file: a submission may cite a hash only when its unit
 * uploaded it or it is already attached to the project. Until now only security_events recorded
 * uploads; those rows are copied in. Runs after 0006_database_roles, as the owner role.
 */

// Migrations take Kysely<any> so they stay frozen in time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('evidence_uploads')
    .addColumn('sha256', 'text', (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('uploaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('evidence_uploads_pk', ['sha256', 'unit'])
    .execute();
  await sql`
    INSERT INTO evidence_uploads (sha256, unit, uploaded_by, name, uploaded_at)
    SELECT DISTINCT ON (detail->>'sha256', detail->>'unit')
           detail->>'sha256', detail->>'unit', coalesce(username, ''), detail->>'name', at
    FROM security_events
    WHERE kind = 'evidence_uploaded' AND detail->>'unit' IS NOT NULL
      AND detail->>'sha256' ~ '^[0-9a-f]{64}$'
    ORDER BY detail->>'sha256', detail->>'unit', at`.execute(db);

  const { rows } = await sql<{ database: string }>`SELECT current_database() AS database`.execute(db);
  const role = (suffix: string) => sql.id(`${rows[0]!.database}_${suffix}`);
  // Uploads and citations are the web server's (and the CLI's, which acts with its role).
  await sql`GRANT SELECT, INSERT ON evidence_uploads TO ${role('web')}`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('evidence_uploads').execute();
}

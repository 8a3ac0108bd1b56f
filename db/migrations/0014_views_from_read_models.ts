import { sql, type Kysely } from 'kysely';

/**
 * What the workspace views need to read the read models instead of querying every project's
 * workflow: a cycle's clock (colours are computed at the plan time of the moment a view is read,
 * and a drill cycle's plan time runs faster) and a submission's evidence (the review queue links
 * each file). Both are filled by rebuilding the `cycles` and `submissions` models, whose versions
 * change with this migration. The tables' grants cover the new columns.
 */
// Migrations take Kysely<any> so they stay frozen in time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE cycles ADD COLUMN clock jsonb`.execute(db);
  await sql`ALTER TABLE submissions ADD COLUMN evidence jsonb NOT NULL DEFAULT '[]'::jsonb`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE submissions DROP COLUMN evidence`.execute(db);
  await sql`ALTER TABLE cycles DROP COLUMN clock`.execute(db);
}

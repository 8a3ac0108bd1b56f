import { sql, type Kysely } from 'kysely';

/**
 * The years the office's working-day calendar covered when a cycle started (its policy's copy),
 * null for a cycle without one. Views mark a deadline in a year outside them: it was computed on
 * calendar days there (domain/calendar.ts). Filled by rebuilding the `cycles` model, whose version
 * changes with this migration; the table's grants cover the new column.
 */
// Migrations take Kysely<any> so they stay frozen in time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE cycles ADD COLUMN calendar_years jsonb`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE cycles DROP COLUMN calendar_years`.execute(db);
}

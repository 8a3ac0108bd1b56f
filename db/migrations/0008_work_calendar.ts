import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import bundled from 'chinese-days/dist/chinese-days.json';

/** Years the bundled package covers from the State Council's notices; later years come by import. */
const LAST_BUNDLED_YEAR = 2026;
const BUNDLED_SOURCE = 'chinese-days 1.5.7 随软件附带的节假日数据';

/**
 * The official working-day calendar, one version per import of a year's State Council notice; the
 * newest version of a year is in force. Seeded with the years up to 2026 from the bundled
 * `chinese-days` data, so a fresh database has the calendar the code used until now.
 */
// Migrations take Kysely<any> so they stay frozen in time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('work_calendar')
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('holidays', 'jsonb', (c) => c.notNull())
    .addColumn('makeup_workdays', 'jsonb', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_text', 'text')
    .addColumn('source_hash', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('imported_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('work_calendar_pk', ['year', 'version'])
    .execute();

  const days = (table: Record<string, string>, year: number) =>
    Object.keys(table)
      .filter((d) => d.startsWith(`${year}-`))
      .sort();
  const years = [...new Set(Object.keys(bundled.holidays).map((d) => Number(d.slice(0, 4))))]
    .filter((y) => y <= LAST_BUNDLED_YEAR)
    .sort((a, b) => a - b);
  const rows = years.map((year) => {
    const holidays = days(bundled.holidays, year);
    const makeup = days(bundled.workdays, year);
    return {
      year,
      version: 1,
      holidays: JSON.stringify(holidays),
      makeup_workdays: JSON.stringify(makeup),
      source: BUNDLED_SOURCE,
      source_text: null,
      source_hash: createHash('sha256')
        .update(JSON.stringify({ source: BUNDLED_SOURCE, holidays, makeup }))
        .digest('hex'),
      imported_by: 'dudao',
    };
  });
  if (rows.length > 0) await db.insertInto('work_calendar').values(rows).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('work_calendar').execute();
}

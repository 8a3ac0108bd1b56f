import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from './database';
import type { WorkCalendar } from '../domain/work-calendar';

export interface CalendarVersion {
  year: number;
  version: number;
  holidays: string[];
  makeupWorkdays: string[];
  source: string;
  sourceHash: string;
  importedAt: string;
  importedBy: string;
}

/** The calendar in force: the newest version of each year asked for (every year when none are named). */
export async function loadWorkCalendar(db: Kysely<Database>, years?: number[]): Promise<WorkCalendar> {
  const calendar: WorkCalendar = { years: {} };
  for (const v of await newestVersions(db, years)) {
    calendar.years[String(v.year)] = { holidays: v.holidays, makeupWorkdays: v.makeupWorkdays };
  }
  return calendar;
}

export async function newestVersions(db: Kysely<Database>, years?: number[]): Promise<CalendarVersion[]> {
  if (years && years.length === 0) return [];
  const { rows } = await sql<{
    year: number;
    version: number;
    holidays: string[];
    makeup_workdays: string[];
    source: string;
    source_hash: string;
    imported_at: Date;
    imported_by: string;
  }>`SELECT DISTINCT ON (year) year, version, holidays, makeup_workdays, source, source_hash, imported_at, imported_by
     FROM work_calendar
     WHERE ${years ? sql`year = ANY(${years})` : sql`TRUE`}
     ORDER BY year, version DESC`.execute(db);
  return rows.map((r) => ({
    year: r.year,
    version: r.version,
    holidays: r.holidays,
    makeupWorkdays: r.makeup_workdays,
    source: r.source,
    sourceHash: r.source_hash,
    importedAt: new Date(r.imported_at).toISOString(),
    importedBy: r.imported_by,
  }));
}

export interface CalendarImport {
  year: number;
  holidays: string[];
  makeupWorkdays: string[];
  source: string;
  sourceText: string;
  importedBy: string;
}

/**
 * Records a year's calendar as its next version. A notice identical to the version in force (same
 * text hash) adds nothing. Imports of the same year are serialized so versions never collide.
 */
export async function importWorkCalendar(
  db: Kysely<Database>,
  entry: CalendarImport,
): Promise<{ version: number; unchanged: boolean }> {
  const hash = createHash('sha256').update(entry.sourceText).digest('hex');
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('work_calendar'), ${entry.year})`.execute(trx);
    const current = await trx
      .selectFrom('work_calendar')
      .select(['version', 'source_hash'])
      .where('year', '=', entry.year)
      .orderBy('version', 'desc')
      .executeTakeFirst();
    if (current?.source_hash === hash) return { version: current.version, unchanged: true };
    const version = (current?.version ?? 0) + 1;
    await trx
      .insertInto('work_calendar')
      .values({
        year: entry.year,
        version,
        holidays: JSON.stringify(entry.holidays),
        makeup_workdays: JSON.stringify(entry.makeupWorkdays),
        source: entry.source,
        source_text: entry.sourceText,
        source_hash: hash,
        imported_by: entry.importedBy,
      })
      .execute();
    return { version, unchanged: false };
  });
}

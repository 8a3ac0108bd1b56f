import type { ColumnType, JSONColumnType } from 'kysely';

/** One version of a year's official calendar; the newest version of a year is in force. */
export interface WorkCalendarTable {
  year: number;
  version: number;
  holidays: JSONColumnType<string[]>;
  makeup_workdays: JSONColumnType<string[]>;
  source: string;
  source_text: string | null;
  source_hash: string;
  imported_at: ColumnType<Date, string | undefined, never>;
  imported_by: string;
}

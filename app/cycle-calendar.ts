import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { loadWorkCalendar } from '../db/work-calendar';
import { cycleYears } from '../domain/cycle';
import type { CycleWindow } from '../domain/events';
import type { CyclePolicy } from '../domain/policy';
import { calendarCovers } from '../domain/work-calendar';

/**
 * The policy a new cycle runs on: the office's working-day calendar (`dudao calendar`) for the
 * cycle's years copied in, so every run of the cycle decides on the same days whatever is imported
 * later. A policy that already carries a calendar keeps it.
 */
export async function withOfficeCalendar(
  db: Kysely<Database>,
  policy: CyclePolicy,
  window: CycleWindow,
): Promise<CyclePolicy> {
  if (policy.calendar) return policy;
  // Copied even when it covers none of the years: such a cycle counts calendar days and says so,
  // where the bundled package would silently count every weekday as worked.
  return { ...policy, calendar: await loadWorkCalendar(db, cycleYears(window)) };
}

/** Years of the cycle its calendar does not cover: 工作日 spans there count calendar days. */
export const uncoveredYears = (policy: CyclePolicy, window: CycleWindow): number[] =>
  policy.calendar ? cycleYears(window).filter((y) => !calendarCovers(policy.calendar!, y)) : [];

/** The warning a person starting such a cycle reads, or null. */
export function calendarWarning(policy: CyclePolicy, window: CycleWindow): string | null {
  const years = uncoveredYears(policy, window);
  if (years.length === 0) return null;
  return `注意：工作日历尚未录入 ${years.join('、')} 年，这些年份内按“工作日”计算的期限将按自然日计算（待办、看板与报表中标有 ⚠/※）。请用 dudao calendar import <国务院办公厅节假日安排通知> 导入后再发起周期。`;
}

import { z } from 'zod';
import type { Span } from './policy';
import { shanghaiDate } from './shanghai';

/**
 * The official working-day calendar as data: per year, the days off (放假, weekends inside a holiday
 * included) and the 调休 make-up working days, as the State Council's annual notice lists them.
 * The same rules as domain/calendar.ts (Asia/Shanghai dates; a holiday is off, a make-up day is on,
 * otherwise Monday to Friday), but over a calendar the office maintains instead of a bundled package,
 * and honest about its edges: a year the calendar does not cover counts every day as a working day
 * (calendar days, never "every weekday works") and the functions that move dates report it.
 */
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const CalendarYear = z.object({
  /** YYYY-MM-DD days off in the notice's holidays, weekends inside them included. */
  holidays: z.array(Day),
  /** YYYY-MM-DD weekend days worked in exchange (调休上班). */
  makeupWorkdays: z.array(Day),
});
export type CalendarYear = z.infer<typeof CalendarYear>;

export const WorkCalendar = z.object({ years: z.record(z.string().regex(/^\d{4}$/), CalendarYear) });
export type WorkCalendar = z.infer<typeof WorkCalendar>;

/** The years a calendar covers, in order. */
export const calendarYears = (cal: WorkCalendar): number[] =>
  Object.keys(cal.years)
    .map(Number)
    .sort((a, b) => a - b);

/**
 * The year of `dueAt` (Asia/Shanghai) when a cycle's calendar, covering `years`, does not cover
 * it: that deadline was computed on calendar days, and the views say so. Null without a calendar.
 */
export function uncoveredDueYear(years: readonly number[] | null, dueAt: string): number | null {
  if (!years) return null;
  const year = shanghaiYear(dueAt);
  return years.includes(year) ? null : year;
}

/** A date computed on a calendar, with the years it crossed that the calendar does not cover. */
export interface CalendarResult {
  at: string;
  uncoveredYears: number[];
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

export const calendarCovers = (cal: WorkCalendar, year: number): boolean =>
  Object.prototype.hasOwnProperty.call(cal.years, String(year));

/** The Shanghai calendar year of an instant. */
export const shanghaiYear = (iso: string): number => Number(shanghaiDate(iso).slice(0, 4));

/**
 * Lookups over every year at once: a notice may list a day of the neighbouring year (元旦 from
 * 2018-12-30, a make-up Saturday on 2018-12-29 in the 2019 notice).
 */
const indexes = new WeakMap<WorkCalendar, { off: Set<string>; on: Set<string> }>();
function index(cal: WorkCalendar): { off: Set<string>; on: Set<string> } {
  let found = indexes.get(cal);
  if (!found) {
    const years = Object.values(cal.years);
    found = {
      off: new Set(years.flatMap((y) => y.holidays)),
      on: new Set(years.flatMap((y) => y.makeupWorkdays)),
    };
    indexes.set(cal, found);
  }
  return found;
}

/** Whether a Shanghai date (YYYY-MM-DD) is worked; a date in an uncovered year always is. */
export function isWorkingDateIn(cal: WorkCalendar, date: string): boolean {
  if (!calendarCovers(cal, Number(date.slice(0, 4)))) return true;
  const { off, on } = index(cal);
  if (on.has(date)) return true;
  if (off.has(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * Whether the Shanghai date of an instant is a working day. In a year the calendar does not cover,
 * every day counts as one; callers detect that with `calendarCovers(cal, shanghaiYear(iso))`.
 */
export const isWorkingDayIn = (cal: WorkCalendar, iso: string): boolean =>
  isWorkingDateIn(cal, shanghaiDate(iso));

/** Moves an instant by a span, forwards (+1) or backwards (-1); working days skip non-working days. */
export function shiftIn(cal: WorkCalendar, iso: string, span: Span, direction: 1 | -1): CalendarResult {
  const t = Date.parse(iso);
  switch (span.unit) {
    case 'hours':
      return { at: new Date(t + direction * span.amount * HOUR).toISOString(), uncoveredYears: [] };
    case 'days':
      return { at: new Date(t + direction * span.amount * DAY).toISOString(), uncoveredYears: [] };
    case 'workdays': {
      const uncovered = new Set<number>();
      let at = t;
      let left = span.amount;
      while (left > 0) {
        at += direction * DAY;
        const day = new Date(at).toISOString();
        const year = shanghaiYear(day);
        if (!calendarCovers(cal, year)) uncovered.add(year);
        if (isWorkingDayIn(cal, day)) left--;
      }
      return { at: new Date(at).toISOString(), uncoveredYears: sorted(uncovered) };
    }
  }
}

/** A due date that falls on a non-working day moves to the nearest working day as the policy says. */
export function adjustToWorkingDayIn(
  cal: WorkCalendar,
  iso: string,
  rule: 'none' | 'next_workday' | 'previous_workday',
): CalendarResult {
  if (rule === 'none') return { at: iso, uncoveredYears: [] };
  const step = rule === 'next_workday' ? 1 : -1;
  const uncovered = new Set<number>();
  let at = Date.parse(iso);
  for (let guard = 0; guard < 30; guard++) {
    const day = new Date(at).toISOString();
    const year = shanghaiYear(day);
    if (!calendarCovers(cal, year)) uncovered.add(year);
    if (isWorkingDayIn(cal, day)) break;
    at += step * DAY;
  }
  return { at: new Date(at).toISOString(), uncoveredYears: sorted(uncovered) };
}

const sorted = (years: Set<number>): number[] => [...years].sort((a, b) => a - b);

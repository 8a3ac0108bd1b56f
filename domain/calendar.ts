import { isWorkday } from 'chinese-days';
import type { Span } from './policy';
import { shanghaiDate } from './shanghai';
import { adjustToWorkingDayIn, calendarCovers, shiftIn, type WorkCalendar } from './work-calendar';

export { shanghaiDate };

/**
 * Dates the way a Chinese supervision office counts them: Asia/Shanghai (UTC+8, no DST), with
 * 工作日 on the official calendar (holidays off, 调休 weekend make-up days on), from `chinese-days`.
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;

export const isWorkingDay = (iso: string): boolean => isWorkday(shanghaiDate(iso));

/** The last instant of a plan year in Shanghai: 到2017年 means by 2017-12-31 23:59:59 (+08:00). */
export const endOfYear = (year: number): string => new Date(Date.UTC(year, 11, 31, 15, 59, 59)).toISOString();
export const startOfYear = (year: number): string =>
  new Date(Date.UTC(year - 1, 11, 31, 16, 0, 0)).toISOString();

/**
 * Moves an instant by a span, forwards (+1) or backwards (-1); working days skip non-working days,
 * on the office's calendar when one is given (a cycle's policy carries it), else on the bundled one.
 */
export function shift(iso: string, span: Span, direction: 1 | -1, cal?: WorkCalendar): string {
  if (cal) return shiftIn(cal, iso, span, direction).at;
  const t = Date.parse(iso);
  switch (span.unit) {
    case 'hours':
      return new Date(t + direction * span.amount * HOUR).toISOString();
    case 'days':
      return new Date(t + direction * span.amount * DAY).toISOString();
    case 'workdays': {
      let at = t;
      let left = span.amount;
      while (left > 0) {
        at += direction * DAY;
        if (isWorkday(shanghaiDate(new Date(at).toISOString()))) left--;
      }
      return new Date(at).toISOString();
    }
  }
}

/** A due date that falls on a non-working day moves to the nearest working day as the policy says. */
export function adjustToWorkingDay(
  iso: string,
  rule: 'none' | 'next_workday' | 'previous_workday',
  cal?: WorkCalendar,
): string {
  if (cal) return adjustToWorkingDayIn(cal, iso, rule).at;
  if (rule === 'none') return iso;
  const step = rule === 'next_workday' ? 1 : -1;
  let at = Date.parse(iso);
  for (let guard = 0; guard < 30 && !isWorkday(shanghaiDate(new Date(at).toISOString())); guard++)
    at += step * DAY;
  return new Date(at).toISOString();
}

export const spanLabel = (span: Span): string =>
  `${span.amount}${span.unit === 'workdays' ? '个工作日' : span.unit === 'days' ? '天' : '小时'}`;

/**
 * The years between two instants (either order) that the office's calendar does not cover: a
 * deadline computed across them counted calendar days there, and says so. None without a calendar.
 */
export function calendarGaps(cal: WorkCalendar | undefined, a: string, b: string): number[] {
  if (!cal) return [];
  const [from, to] = [shanghaiDate(a), shanghaiDate(b)].sort() as [string, string];
  const gaps: number[] = [];
  for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++)
    if (!calendarCovers(cal, y)) gaps.push(y);
  return gaps;
}

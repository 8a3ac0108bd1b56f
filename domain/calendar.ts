import { isWorkday } from 'chinese-days';
import type { Span } from './policy';

/**
 * Dates the way a Chinese supervision office counts them: Asia/Shanghai (UTC+8, no DST), with
 * 工作日 on the official calendar (holidays off, 调休 weekend make-up days on), from `chinese-days`.
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;
const SHANGHAI_OFFSET = 8 * HOUR;

/** The Shanghai calendar date (YYYY-MM-DD) of an instant. */
export const shanghaiDate = (iso: string): string =>
  new Date(Date.parse(iso) + SHANGHAI_OFFSET).toISOString().slice(0, 10);

export const isWorkingDay = (iso: string): boolean => isWorkday(shanghaiDate(iso));

/** The last instant of a plan year in Shanghai: 到2017年 means by 2017-12-31 23:59:59 (+08:00). */
export const endOfYear = (year: number): string => new Date(Date.UTC(year, 11, 31, 15, 59, 59)).toISOString();
export const startOfYear = (year: number): string =>
  new Date(Date.UTC(year - 1, 11, 31, 16, 0, 0)).toISOString();

/** Moves an instant by a span, forwards (+1) or backwards (-1); working days skip non-working days. */
export function shift(iso: string, span: Span, direction: 1 | -1): string {
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
export function adjustToWorkingDay(iso: string, rule: 'none' | 'next_workday' | 'previous_workday'): string {
  if (rule === 'none') return iso;
  const step = rule === 'next_workday' ? 1 : -1;
  let at = Date.parse(iso);
  for (let guard = 0; guard < 30 && !isWorkday(shanghaiDate(new Date(at).toISOString())); guard++)
    at += step * DAY;
  return new Date(at).toISOString();
}

export const spanLabel = (span: Span): string =>
  `${span.amount}${span.unit === 'workdays' ? '个工作日' : span.unit === 'days' ? '天' : '小时'}`;

import fs from 'node:fs';
import path from 'node:path';
import { isWorkday } from 'chinese-days';
import { parseHolidayNotice } from '../../../domain/holiday-notice';
import {
  adjustToWorkingDayIn,
  calendarCovers,
  isWorkingDayIn,
  shiftIn,
  type WorkCalendar,
} from '../../../domain/work-calendar';
import { adjustToWorkingDay, shanghaiDate, shift } from '../../../domain/calendar';

const notice = (year: number) => {
  const text = fs.readFileSync(
    path.join(__dirname, '..', '..', 'fixtures', 'calendar', `${year}-holiday-notice.txt`),
    'utf8',
  );
  const r = parseHolidayNotice(text);
  if (!r.ok) throw new Error(r.error);
  return { holidays: r.notice.holidays, makeupWorkdays: r.notice.makeupWorkdays };
};
/** Noon in Shanghai on a date. */
const noon = (date: string) => `${date}T04:00:00.000Z`;

describe('working days on a calendar the office maintains', () => {
  const with2027: WorkCalendar = { years: { '2026': notice(2026), '2027': notice(2027) } };
  const without2027: WorkCalendar = { years: { '2026': notice(2026) } };

  it('knows 2027-10-01 is a holiday once the 2027 notice is imported; the bundled package does not', () => {
    expect(isWorkday('2027-10-01')).toBe(true); // chinese-days ends in 2026: silently "a Friday"
    expect(isWorkingDayIn(with2027, noon('2027-10-01'))).toBe(false);
    expect(isWorkingDayIn(with2027, noon('2027-10-09'))).toBe(true); // Saturday, 调休上班
    expect(isWorkingDayIn(with2027, noon('2027-10-10'))).toBe(false); // ordinary Sunday
    expect(isWorkingDayIn(with2027, noon('2027-10-08'))).toBe(true);
  });

  it('counts every day of an uncovered year as a working day, and the caller can tell', () => {
    expect(calendarCovers(without2027, 2027)).toBe(false);
    expect(isWorkingDayIn(without2027, noon('2027-10-01'))).toBe(true);
    expect(isWorkingDayIn(without2027, noon('2027-10-03'))).toBe(true); // a Sunday too: calendar days
    expect(calendarCovers(with2027, 2027)).toBe(true);
  });

  it('reads the date in Asia/Shanghai', () => {
    // 2027-09-30T16:00Z is already 1 October in Shanghai.
    expect(isWorkingDayIn(with2027, '2027-09-30T15:59:59.000Z')).toBe(true);
    expect(isWorkingDayIn(with2027, '2027-09-30T16:00:00.000Z')).toBe(false);
  });

  it('counts 工作日 across the 2027 National Day holiday and flags a span computed without a calendar', () => {
    const from = noon('2027-09-30'); // Thursday
    const three = shiftIn(with2027, from, { amount: 3, unit: 'workdays' }, 1);
    // Fri 1 – Thu 7 Oct off; Fri 8 and Sat 9 (调休) and Mon 11 Oct are the next three working days.
    expect({ day: shanghaiDate(three.at), uncovered: three.uncoveredYears }).toEqual({
      day: '2027-10-11',
      uncovered: [],
    });
    const blind = shiftIn(without2027, from, { amount: 3, unit: 'workdays' }, 1);
    expect({ day: shanghaiDate(blind.at), uncovered: blind.uncoveredYears }).toEqual({
      day: '2027-10-03',
      uncovered: [2027],
    });
    // Calendar days and hours never depend on the calendar.
    expect(shiftIn(without2027, from, { amount: 3, unit: 'days' }, 1)).toEqual({
      at: '2027-10-03T04:00:00.000Z',
      uncoveredYears: [],
    });
    const back = shiftIn(with2027, noon('2027-10-08'), { amount: 1, unit: 'workdays' }, -1);
    expect(shanghaiDate(back.at)).toBe('2027-09-30');
  });

  it('moves a due date off a holiday as the policy says', () => {
    const holiday = noon('2027-10-03');
    expect(shanghaiDate(adjustToWorkingDayIn(with2027, holiday, 'next_workday').at)).toBe('2027-10-08');
    expect(shanghaiDate(adjustToWorkingDayIn(with2027, holiday, 'previous_workday').at)).toBe('2027-09-30');
    expect(adjustToWorkingDayIn(with2027, holiday, 'none')).toEqual({ at: holiday, uncoveredYears: [] });
    expect(adjustToWorkingDayIn(without2027, holiday, 'previous_workday')).toEqual({
      at: holiday,
      uncoveredYears: [2027],
    });
  });

  it('agrees with domain/calendar.ts wherever the bundled data and the notice cover the year', () => {
    const cal: WorkCalendar = { years: { '2026': notice(2026) } };
    for (
      let t = Date.parse('2026-01-01T04:00:00Z');
      t < Date.parse('2026-12-20T04:00:00Z');
      t += 86_400_000
    ) {
      const at = new Date(t).toISOString();
      expect([at, isWorkingDayIn(cal, at)]).toEqual([at, isWorkday(shanghaiDate(at))]);
      expect(shiftIn(cal, at, { amount: 5, unit: 'workdays' }, 1).at).toBe(
        shift(at, { amount: 5, unit: 'workdays' }, 1),
      );
      expect(adjustToWorkingDayIn(cal, at, 'previous_workday').at).toBe(
        adjustToWorkingDay(at, 'previous_workday'),
      );
    }
  });
});

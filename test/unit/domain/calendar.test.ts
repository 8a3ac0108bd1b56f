import { adjustToWorkingDay, endOfYear, isWorkingDay, shanghaiDate, shift } from '../../../domain/calendar';

describe('working-day calendar (Asia/Shanghai, official holidays and 调休)', () => {
  it('reads the Shanghai date of an instant', () => {
    expect(shanghaiDate('2017-12-31T15:59:59.000Z')).toBe('2017-12-31');
    expect(shanghaiDate('2017-12-31T16:00:00.000Z')).toBe('2018-01-01');
    expect(endOfYear(2017)).toBe('2017-12-31T15:59:59.000Z');
  });

  it('knows holidays and make-up working days', () => {
    expect(isWorkingDay('2024-10-01T04:00:00.000Z')).toBe(false); // 国庆节
    expect(isWorkingDay('2024-10-12T04:00:00.000Z')).toBe(true); // Saturday, 调休上班
    expect(isWorkingDay('2024-10-13T04:00:00.000Z')).toBe(false); // ordinary Sunday
  });

  it('counts 工作日 across the National Day holiday', () => {
    // From Monday 30 Sep 2024, 3 working days forward skip 1–7 Oct: Tue 8, Wed 9, Thu 10 Oct.
    const from = '2024-09-30T02:00:00.000Z';
    expect(shanghaiDate(shift(from, { amount: 3, unit: 'workdays' }, 1))).toBe('2024-10-10');
    expect(shanghaiDate(shift(from, { amount: 3, unit: 'days' }, 1))).toBe('2024-10-03');
    expect(shanghaiDate(shift('2024-10-08T02:00:00.000Z', { amount: 1, unit: 'workdays' }, -1))).toBe(
      '2024-09-30',
    );
  });

  it('moves a due date off a holiday as the policy says', () => {
    const holiday = '2024-10-03T09:00:00.000Z';
    expect(shanghaiDate(adjustToWorkingDay(holiday, 'next_workday'))).toBe('2024-10-08');
    expect(shanghaiDate(adjustToWorkingDay(holiday, 'previous_workday'))).toBe('2024-09-30');
    expect(adjustToWorkingDay(holiday, 'none')).toBe(holiday);
    // 2017-12-31 is a Sunday: 按规定提前到最近的工作日 (Friday 29 Dec).
    expect(shanghaiDate(adjustToWorkingDay(endOfYear(2017), 'previous_workday'))).toBe('2017-12-29');
  });
});

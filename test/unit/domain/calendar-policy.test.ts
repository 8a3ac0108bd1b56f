import fs from 'node:fs';
import path from 'node:path';
import { parseHolidayNotice } from '../../../domain/holiday-notice';
import type { WorkCalendar } from '../../../domain/work-calendar';
import { defaultPolicy, type CyclePolicy } from '../../../domain/policy';
import { planMilestones, yearWindow, type CycleItem } from '../../../domain/cycle';
import { emptyProject, evolve, tick, type ProjectState } from '../../../domain/project';
import type { EventBody } from '../../../domain/events';

/** The office's calendar as a cycle's policy carries it, from the (fixture) 2027 notice. */
function calendar2027(): WorkCalendar {
  const text = fs.readFileSync(
    path.join(__dirname, '..', '..', 'fixtures', 'calendar', '2027-holiday-notice.txt'),
    'utf8',
  );
  const parsed = parseHolidayNotice(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return {
    years: { '2027': { holidays: parsed.notice.holidays, makeupWorkdays: parsed.notice.makeupWorkdays } },
  };
}

const item: CycleItem = {
  itemId: 'p',
  kind: 'major_project',
  title: '国庆前完成校舍改造',
  section: '',
  units: ['基教处', '计财处'],
  targets: [],
  milestones: [{ year: 2027, text: '完成校舍改造' }],
};

/** A project whose one milestone is due on 2027-10-08 (the first working day after 国庆). */
function projectDue(policy: CyclePolicy, dueAt: string): ProjectState {
  const s0 = emptyProject({ streamId: 's', cycleId: 'c', projectId: 'p', policy });
  const started: EventBody = {
    type: 'ProjectStarted',
    data: {
      itemId: 'p',
      kind: 'major_project',
      title: item.title,
      section: '',
      leadUnit: '基教处',
      coUnits: ['计财处'],
      targets: [],
      milestones: [
        {
          milestoneId: 'p/m',
          year: 2027,
          text: 'x',
          opensAt: '2027-01-01T00:00:00.000Z',
          dueAt,
          targets: [],
        },
      ],
    },
  };
  return evolve(s0, started);
}

describe("the office's calendar in a cycle's policy", () => {
  it('counts 工作日 on it: five working days before 10-08 skip the National Day holiday and land on the 调休 Sunday 09-26', () => {
    const policy = { ...defaultPolicy(), calendar: calendar2027() };
    const opened = tick(
      projectDue(policy, '2027-10-08T09:00:00.000Z'),
      '2027-01-02T00:00:00.000Z',
      '2028-01-31T00:00:00.000Z',
    );
    const co = opened.find((e) => e.type === 'AssignmentCreated' && e.data.role === 'co');
    // 10-08 back 5 working days on the 2027 calendar: 09-30, 09-29, 09-28, 09-27, 09-26 (a 调休 Sunday).
    expect(co?.data).toMatchObject({ dueAt: '2027-09-26T09:00:00.000Z' });
    expect(co?.data).not.toHaveProperty('calendarGaps');
  });

  it('flags a deadline computed in a year the calendar does not cover, and counts calendar days there', () => {
    const policy: CyclePolicy = { ...defaultPolicy(), calendar: { years: {} } };
    const opened = tick(
      projectDue(policy, '2027-10-08T09:00:00.000Z'),
      '2027-01-02T00:00:00.000Z',
      '2028-01-31T00:00:00.000Z',
    );
    const co = opened.find((e) => e.type === 'AssignmentCreated' && e.data.role === 'co');
    expect(co?.data).toMatchObject({ dueAt: '2027-10-03T09:00:00.000Z', calendarGaps: [2027] });
  });

  it('keeps a year-end due date that is a working day on the calendar, and flags it where there is no calendar', () => {
    const window = yearWindow(2027, 1, 'previous_workday', calendar2027());
    const covered = planMilestones(item, window, { ...defaultPolicy(), calendar: calendar2027() });
    // 2027-12-31 is a Friday and a working day: it stays.
    expect(covered[0]).toMatchObject({ dueAt: '2027-12-31T15:59:59.000Z' });
    expect(covered[0]).not.toHaveProperty('calendarGaps');
    const uncovered = planMilestones(item, window, { ...defaultPolicy(), calendar: { years: {} } });
    expect(uncovered[0]).toMatchObject({ dueAt: '2027-12-31T15:59:59.000Z', calendarGaps: [2027] });
  });

  it('leaves cycles without a calendar in their policy on the bundled one, as they ran', () => {
    const bundled = planMilestones(item, yearWindow(2027, 1, 'previous_workday'), defaultPolicy());
    expect(bundled[0]).not.toHaveProperty('calendarGaps');
  });
});

import { planPeriods, replanPeriods } from '../../../domain/cadence';
import { DomainError } from '../../../domain/commands';
import type { CycleWindow, EventBody } from '../../../domain/events';
import { defaultPolicy, ProgressCadence, type CyclePolicy } from '../../../domain/policy';
import { advance, decide, emptyProject, evolve, type ProjectState } from '../../../domain/project';
import { buildProgressReport, tallyProgress, type ProgressPeriodReportRow } from '../../../reports/progress';

const window: CycleWindow = {
  opensAt: '2016-12-31T16:00:00.000Z', // 2017-01-01 in Beijing
  submissionDueAt: '2017-12-29T15:59:59.000Z',
  reviewDueAt: '2018-01-31T15:59:59.000Z',
};
const monthly25 = ProgressCadence.parse({ every: 'month', day: 25 });
const lead = { userId: 'u1', role: 'unit_staff' as const, unit: '基教处' };

describe('planPeriods', () => {
  it('plans a monthly period due on day N of each month inside the window, each opening when the last fell due', () => {
    const periods = planPeriods('mp-01', window, monthly25);
    expect(periods).toHaveLength(12); // December's 25th comes before the 12-29 submission deadline
    expect(periods[0]).toEqual({
      periodId: 'mp-01/p2017-01',
      label: '2017年1月',
      opensAt: window.opensAt,
      dueAt: '2017-01-25T15:59:59.000Z',
      missAt: '2017-01-30T15:59:59.000Z',
    });
    expect(periods[1]!.opensAt).toBe(periods[0]!.dueAt);
    expect(periods.at(-1)!.periodId).toBe('mp-01/p2017-12');
  });

  it('clamps day 31 to the month’s last day, plans quarters on the quarter’s last month, and never misses after review', () => {
    const last = planPeriods('x', window, ProgressCadence.parse({ every: 'month', day: 31 }));
    expect(last.map((p) => p.dueAt.slice(0, 10)).slice(0, 3)).toEqual([
      '2017-01-31',
      '2017-02-28',
      '2017-03-31',
    ]);
    const quarters = planPeriods('x', window, ProgressCadence.parse({ every: 'quarter', day: 20 }));
    expect(quarters.map((p) => [p.periodId, p.label])).toEqual([
      ['x/p2017-q1', '2017年第1季度'],
      ['x/p2017-q2', '2017年第2季度'],
      ['x/p2017-q3', '2017年第3季度'],
      ['x/p2017-q4', '2017年第4季度'],
    ]);
    const late = planPeriods(
      'x',
      { ...window, reviewDueAt: '2017-12-22T00:00:00.000Z' },
      ProgressCadence.parse({ every: 'quarter', day: 20, missAfter: { amount: 30, unit: 'days' } }),
    );
    expect(late.at(-1)!.missAt).toBe('2017-12-22T00:00:00.000Z');
  });
});

describe('replanPeriods (the cycle window moved)', () => {
  const short: CycleWindow = {
    opensAt: window.opensAt,
    submissionDueAt: '2017-03-31T15:59:59.000Z',
    reviewDueAt: '2017-04-10T15:59:59.000Z',
  };
  const longer: CycleWindow = {
    ...short,
    submissionDueAt: '2017-05-31T15:59:59.000Z',
    reviewDueAt: '2017-06-30T15:59:59.000Z',
  };
  const cadence = ProgressCadence.parse({ every: 'month', day: 25, missAfter: { amount: 20, unit: 'days' } });
  const planned = planPeriods('mp-01', short, cadence);

  it('adds the months now inside the window and lifts the cap of an open period, leaving settled ones alone', () => {
    const current = planned.map((p, i) => ({
      ...p,
      status: i === 0 ? ('reported' as const) : ('open' as const),
    }));
    const changed = replanPeriods('mp-01', current, longer, cadence);
    expect(changed.map((p) => [p.periodId, p.missAt])).toEqual([
      // March was capped at the old review deadline (04-10); January is reported and stays.
      ['mp-01/p2017-03', '2017-04-14T15:59:59.000Z'],
      ['mp-01/p2017-04', '2017-05-15T15:59:59.000Z'],
      ['mp-01/p2017-05', '2017-06-14T15:59:59.000Z'],
    ]);
    expect(changed[1]!.opensAt).toBe(planned.at(-1)!.dueAt);
  });

  it('changes nothing when the window did not move, or when every period is settled', () => {
    const open = planned.map((p) => ({ ...p, status: 'open' as const }));
    expect(replanPeriods('mp-01', open, short, cadence)).toEqual([]);
    const missed = planned.map((p) => ({ ...p, status: 'missed' as const }));
    expect(replanPeriods('mp-01', missed, short, cadence)).toEqual([]);
  });

  it('evolves a project: replanned periods keep their status, new ones open', () => {
    const policy: CyclePolicy = { ...defaultPolicy(), progressCadence: cadence };
    const s = evolve(
      evolve(emptyProject({ streamId: 's', cycleId: 'c', projectId: 'mp-01', policy }), {
        type: 'ProjectStarted',
        data: {
          itemId: 'mp-01',
          kind: 'major_project',
          title: '学前教育',
          section: '',
          leadUnit: '基教处',
          coUnits: [],
          targets: [],
          milestones: [],
          periods: planned,
        },
      }),
      {
        type: 'ProgressPeriodMissed',
        data: { periodId: 'mp-01/p2017-01', unit: '基教处', dueAt: planned[0]!.dueAt },
      },
    );
    const next = evolve(s, {
      type: 'ProgressPeriodsReplanned',
      data: { periods: replanPeriods('mp-01', s.periods!, longer, cadence), unit: '基教处', reason: '延期' },
    });
    expect(next.periods!.map((p) => [p.periodId, p.status])).toEqual([
      ['mp-01/p2017-01', 'missed'],
      ['mp-01/p2017-02', 'open'],
      ['mp-01/p2017-03', 'open'],
      ['mp-01/p2017-04', 'open'],
      ['mp-01/p2017-05', 'open'],
    ]);
    expect(next.periods![2]!.missAt).toBe('2017-04-14T15:59:59.000Z');
  });
});

describe('a project with 定期反馈', () => {
  const policy: CyclePolicy = {
    ...defaultPolicy(),
    progressCadence: ProgressCadence.parse({ every: 'quarter', day: 20 }),
  };
  const closesAt = window.reviewDueAt;
  const fold = (s: ProjectState, events: EventBody[]) => events.reduce((acc, e) => evolve(acc, e), s);
  const started = (): ProjectState =>
    fold(emptyProject({ streamId: 's', cycleId: 'c', projectId: 'p', policy }), [
      {
        type: 'ProjectStarted',
        data: {
          itemId: 'p',
          kind: 'major_project',
          title: '学前教育',
          section: '',
          leadUnit: '基教处',
          coUnits: [],
          targets: [],
          milestones: [
            {
              milestoneId: 'p/2017',
              year: 2017,
              text: '年度目标',
              opensAt: window.opensAt,
              dueAt: window.submissionDueAt,
              targets: [],
            },
          ],
          periods: planPeriods('p', window, policy.progressCadence!),
        },
      },
    ]);
  const upTo = (s: ProjectState, to: string) => advance(s, window.opensAt, to, closesAt);

  it('reminds once before a period is due, raises one 督办 step when it falls due, and records it missed', () => {
    const timed = upTo(started(), '2017-04-10T00:00:00.000Z');
    const q1 = timed.filter((t) =>
      'milestoneId' in t.body.data ? t.body.data.milestoneId === 'p/p2017-q1' : 'periodId' in t.body.data,
    );
    expect(q1.map((t) => [t.at, t.body.type])).toEqual([
      ['2017-03-17T15:59:59.000Z', 'ReminderSent'],
      ['2017-03-20T15:59:59.001Z', 'EscalationRaised'],
      ['2017-03-25T15:59:59.000Z', 'ProgressPeriodMissed'],
    ]);
    expect(q1[1]!.body).toMatchObject({ data: { level: 1, target: 'unit_head', unit: '基教处' } });
    const s = fold(
      started(),
      timed.map((t) => t.body),
    );
    expect(s.periods!.map((p) => p.status)).toEqual(['missed', 'open', 'open', 'open']);
    // The milestone's own clocks are untouched by the period's notices.
    expect(s.milestones[0]!.assignments[0]).toMatchObject({ remindersSent: [], escalationLevel: 0 });
  });

  it('takes the lead unit’s report on time or late, refuses anyone else, a report twice and a missed period', () => {
    const s = fold(
      started(),
      upTo(started(), '2017-03-21T00:00:00.000Z').map((t) => t.body),
    );
    const progress = {
      type: 'submitProgress' as const,
      actor: lead,
      periodId: 'p/p2017-q1',
      narrative: '一季度进展',
      values: [],
      evidence: [],
    };
    const late = decide(s, progress, '2017-03-21T00:00:00.000Z');
    expect(late).toEqual([
      expect.objectContaining({
        type: 'ProgressReported',
        data: expect.objectContaining({ late: true, unit: '基教处' }),
      }),
    ]);
    const reported = fold(s, late);
    expect(reported.periods![0]).toMatchObject({ status: 'reported', late: true });
    expect(() => decide(reported, progress, '2017-03-22T00:00:00.000Z')).toThrow('2017年第1季度的进展已报送');
    expect(() =>
      decide(s, { ...progress, actor: { ...lead, unit: '计财处' } }, '2017-03-21T00:00:00.000Z'),
    ).toThrow(DomainError);
    expect(() => decide(s, { ...progress, periodId: 'p/p2017-q2' }, '2017-03-19T00:00:00.000Z')).toThrow(
      '2017年第2季度的反馈期尚未开始',
    );
    const missed = fold(
      started(),
      upTo(started(), '2017-03-26T00:00:00.000Z').map((t) => t.body),
    );
    expect(() => decide(missed, progress, '2017-03-26T00:00:00.000Z')).toThrow('已记为未按期反馈');
    // Nothing further is due for a period reported: no 督办, no miss.
    const after = advance(reported, '2017-03-21T00:00:00.000Z', '2017-03-30T00:00:00.000Z', closesAt);
    expect(
      after.filter(
        (t) =>
          'periodId' in t.body.data ||
          ('milestoneId' in t.body.data && t.body.data.milestoneId === 'p/p2017-q1'),
      ),
    ).toEqual([]);
  });

  it('plans nothing for items whose cycle has no cadence: their state has no periods', () => {
    const s = fold(emptyProject({ streamId: 's', cycleId: 'c', projectId: 'p', policy: defaultPolicy() }), [
      {
        type: 'ProjectStarted',
        data: {
          itemId: 'p',
          kind: 'task',
          title: '',
          section: '',
          leadUnit: '基教处',
          coUnits: [],
          targets: [],
          milestones: [],
        },
      },
    ]);
    expect('periods' in s).toBe(false);
  });
});

describe('the 定期反馈 report', () => {
  const row = (over: Partial<ProgressPeriodReportRow>): ProgressPeriodReportRow => ({
    cycle_id: 'c',
    project_id: 'p',
    period_id: 'p/p2017-01',
    label: '2017年1月',
    unit: '基教处',
    status: 'open',
    late: null,
    due_at: '2017-01-25T15:59:59.000Z',
    reported_at: null,
    ...over,
  });
  const rows = [
    row({ status: 'reported', late: false }),
    row({ status: 'reported', late: true }),
    row({ status: 'missed' }),
    row({}), // past due, not yet missed
    row({ due_at: '2017-03-25T15:59:59.000Z' }), // not yet due
    row({ unit: '计财处', status: 'missed' }),
  ];
  const at = '2017-02-01T00:00:00.000Z';

  it('does not count a period waived because its project was 办结 or 撤销, even past its due date', () => {
    expect(tallyProgress([row({ status: 'waived' })], at)).toEqual({
      due: 0,
      onTime: 0,
      late: 0,
      missed: 0,
      overdue: 0,
    });
  });

  it('counts what fell due: on time, late, missed, overdue', () => {
    expect(tallyProgress(rows.slice(0, 5), at)).toEqual({
      due: 4,
      onTime: 1,
      late: 1,
      missed: 1,
      overdue: 1,
    });
    const report = buildProgressReport(rows, { schema: 'public', at });
    expect(report.tables[0]!.rows).toEqual([
      expect.objectContaining({ unit: '基教处', due: 4, missed: 1, rate: '25.0%' }),
      expect.objectContaining({ unit: '计财处', due: 1, missed: 1, rate: '0.0%' }),
    ]);
    expect(report.tables[1]!.rows.map((r) => [r.unit, r.status])).toEqual([
      ['基教处', '未按期反馈'],
      ['基教处', '已逾期待报'],
      ['计财处', '未按期反馈'],
    ]);
  });
});

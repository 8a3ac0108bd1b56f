import {
  decide,
  emptyProject,
  evolve,
  judge,
  nextWake,
  tick,
  type ProjectState,
} from '../../../domain/project';
import { DomainError, type ProjectCommand } from '../../../domain/commands';
import type { EventBody } from '../../../domain/events';
import { defaultPolicy } from '../../../domain/policy';
import { milestoneRag, projectRag } from '../../../domain/rag';

const policy = defaultPolicy();
const lead = { userId: 'u1', role: 'unit_staff' as const, unit: '基教处' };
const inspector = { userId: 'i1', role: 'inspector' as const, unit: '督导处' };
const M = 'p/2017';
const due = '2017-12-29T15:59:59.000Z';
const closesAt = '2018-01-31T15:59:59.000Z';

const fold = (s: ProjectState, events: EventBody[]) =>
  events.reduce((acc, e, i) => evolve(acc, e, `e${acc.seq + 1 + i * 0}`), s);
function started(): ProjectState {
  const s0 = emptyProject({ streamId: 's', cycleId: 'c', projectId: 'p', policy });
  return fold(s0, [
    {
      type: 'ProjectStarted',
      data: {
        itemId: 'p',
        kind: 'major_project',
        title: '普惠性幼儿园建设',
        section: '学前教育',
        leadUnit: '基教处',
        coUnits: ['计财处'],
        targets: [{ metric: '覆盖面', op: '>=', value: 80, unit: '%', year: 2017 }],
        milestones: [
          {
            milestoneId: M,
            year: 2017,
            text: '覆盖面达到80%以上',
            opensAt: '2016-12-31T16:00:00.000Z',
            dueAt: due,
            targets: [{ metric: '覆盖面', op: '>=', value: 80, unit: '%', year: 2017 }],
          },
        ],
      },
    },
  ]);
}
const at = (iso: string) => iso;
const run = (s: ProjectState, c: ProjectCommand, now = '2017-06-01T00:00:00.000Z') =>
  fold(s, decide(s, c, now));
const opened = () => fold(started(), tick(started(), at('2017-01-02T00:00:00.000Z'), closesAt));
const report = (value: number): ProjectCommand => ({
  type: 'submitReport',
  actor: lead,
  milestoneId: M,
  narrative: '进展',
  values: [{ targetIndex: 0, value }],
  evidence: [],
});

describe('project decider', () => {
  it('stays scheduled until the milestone opens, then assigns the lead and each co-unit', () => {
    expect(tick(started(), '2016-12-01T00:00:00.000Z', closesAt)).toEqual([]);
    const events = tick(started(), '2017-01-02T00:00:00.000Z', closesAt);
    expect(events.map((e) => e.type)).toEqual(['MilestoneOpened', 'AssignmentCreated', 'AssignmentCreated']);
    const co = events[2]!.data as { unit: string; dueAt: string; role: string };
    expect(co).toMatchObject({ unit: '计财处', role: 'co' });
    expect(Date.parse(co.dueAt)).toBeLessThan(Date.parse(due));
  });

  it('judges the milestone met or missed from the reported values', () => {
    const s = run(opened(), report(82));
    expect(judge(s.milestones[0]!).verdict).toBe('met');
    expect(judge(run(opened(), report(79)).milestones[0]!).verdict).toBe('missed');
    const approved = run(s, { type: 'approve', actor: inspector, milestoneId: M, comment: '' });
    expect(approved.status).toBe('closed');
    expect(approved.milestones[0]).toMatchObject({ outcome: 'met', approved: true, phase: 'closed' });
  });

  it('marks a report late against the operational and the original deadline separately', () => {
    let s = run(opened(), {
      type: 'requestExtension',
      actor: lead,
      milestoneId: M,
      reason: '延期',
      requestedDueAt: '2018-01-20T00:00:00.000Z',
    });
    s = run(s, {
      type: 'decideExtension',
      actor: inspector,
      milestoneId: M,
      requestId: `${M}/ext-1`,
      grant: true,
      comment: '',
    });
    const after = decide(s, report(90), '2018-01-05T00:00:00.000Z').find(
      (e) => e.type === 'ReportSubmitted',
    )!;
    expect(after.data).toMatchObject({ late: false, lateAgainstOriginal: true });
  });

  it('refuses commands from the wrong unit or role, on closed steps, and before opening', () => {
    const refuse = (s: ProjectState, c: ProjectCommand, code: DomainError['code']) => {
      try {
        decide(s, c, '2017-06-01T00:00:00.000Z');
        throw new Error('accepted');
      } catch (err) {
        expect(err).toBeInstanceOf(DomainError);
        expect((err as DomainError).code).toBe(code);
      }
    };
    refuse(opened(), { ...report(1), actor: { ...lead, unit: '计财处' } }, 'forbidden');
    refuse(opened(), { type: 'approve', actor: lead, milestoneId: M, comment: '' }, 'forbidden');
    refuse(started(), report(1), 'wrong_state');
    const closed = run(run(opened(), report(90)), {
      type: 'approve',
      actor: inspector,
      milestoneId: M,
      comment: '',
    });
    refuse(closed, report(1), 'closed');
    const suspended = run(opened(), { type: 'suspend', actor: inspector, reason: '调整' });
    refuse(suspended, report(1), 'suspended');
  });

  it('sends each reminder once inside its window and climbs the ladder level by level', () => {
    let s = opened();
    const sixDaysBefore = '2017-12-23T12:00:00.000Z';
    const reminders = tick(s, sixDaysBefore, closesAt).filter((e) => e.type === 'ReminderSent');
    expect(reminders.map((e) => (e.data as { unit: string }).unit)).toEqual(['基教处']);
    s = fold(s, tick(s, sixDaysBefore, closesAt));
    expect(tick(s, sixDaysBefore, closesAt).filter((e) => e.type === 'ReminderSent')).toEqual([]);
    const levels: number[] = [];
    for (const now of ['2017-12-30T00:00:00.000Z', '2018-01-06T00:00:00.000Z', '2018-01-13T00:00:00.000Z']) {
      const events = tick(s, now, closesAt);
      levels.push(
        ...events
          .filter((e) => e.type === 'EscalationRaised' && (e.data as { unit: string }).unit === '基教处')
          .map((e) => (e.data as { level: number }).level),
      );
      s = fold(s, events);
    }
    expect(levels).toEqual([1, 2, 3]);
  });

  it('wakes at the next reminder, escalation, opening or closing', () => {
    const s = opened();
    const now = '2017-06-01T00:00:00.000Z';
    const wake = nextWake(s, now, closesAt)!;
    expect(Date.parse(wake)).toBeGreaterThan(Date.parse(now));
    expect(wake).toBe('2017-12-15T15:59:59.000Z'); // the co-unit's 7-day reminder (its due: 5 工作日 before the lead's)
    expect(
      nextWake(fold(s, [{ type: 'ProjectClosed', data: { outcome: 'completed' } }]), now, closesAt),
    ).toBeNull();
  });

  it('wakes at once when plan time has already passed pending work, and ticking does that work', () => {
    // A slow activity let a drill clock run past every deadline and the cycle's close.
    const late = '2018-02-01T00:00:00.000Z';
    const s = opened();
    expect(Date.parse(nextWake(s, late, closesAt)!)).toBeLessThanOrEqual(Date.parse(late));
    const done = fold(s, tick(s, late, closesAt));
    expect(done.status).toBe('closed');
    expect(nextWake(done, late, closesAt)).toBeNull();
    // Runs recorded before the rule kept waiting only for future instants.
    expect(nextWake(s, late, closesAt, { wakeForPastDue: false })).toBeNull();
  });

  it('does not wake for a reminder whose deadline has passed', () => {
    const afterDue = fold(opened(), tick(opened(), '2017-12-30T00:00:00.000Z', closesAt));
    const wake = nextWake(afterDue, '2017-12-30T00:00:00.000Z', closesAt)!;
    expect(Date.parse(wake)).toBeGreaterThan(Date.parse('2017-12-30T00:00:00.000Z'));
  });

  it('closes what is still open as missed when the cycle closes', () => {
    const events = tick(opened(), closesAt, closesAt);
    expect(events.slice(-2)).toEqual([
      { type: 'MilestoneClosed', data: { milestoneId: M, outcome: 'missed' } },
      { type: 'ProjectClosed', data: { outcome: 'completed' } },
    ]);
  });
});

describe('red/amber/green', () => {
  const rag = (s: ProjectState, now: string) =>
    milestoneRag(s.milestones[0]!, policy.maxReturns, policy.amberWithin, now);
  it('explains each colour with its rule, deadline and setting event', () => {
    expect(rag(opened(), '2017-06-01T00:00:00.000Z')).toMatchObject({ rag: 'green', rule: 'on_track' });
    expect(rag(opened(), '2017-12-25T00:00:00.000Z')).toMatchObject({
      rag: 'amber',
      rule: 'due_soon',
      deadline: due,
    });
    const overdue = rag(opened(), '2018-01-02T00:00:00.000Z');
    expect(overdue).toMatchObject({ rag: 'red', rule: 'overdue', deadline: due });
    expect(overdue.setBy).not.toBeNull();
    const returned = run(run(opened(), report(70)), {
      type: 'return',
      actor: inspector,
      milestoneId: M,
      comment: '补充材料',
    });
    expect(rag(returned, '2017-06-02T00:00:00.000Z')).toMatchObject({ rag: 'amber', rule: 'returned' });
    expect(
      projectRag(
        run(opened(), { type: 'suspend', actor: inspector, reason: 'x' }),
        '2017-06-01T00:00:00.000Z',
      ).rule,
    ).toBe('suspended');
  });
});

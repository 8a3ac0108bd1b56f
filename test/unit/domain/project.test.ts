import {
  decide,
  emptyProject,
  evolve,
  judge,
  nextWake,
  tick,
  type ProjectState,
} from '../../../domain/project';
import { nextWake as legacyNextWake } from '../../../domain/legacy/schedule-v1';
import { decideCycle, evolveCycle } from '../../../domain/cycle-decider';
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
    // Runs recorded before the rule kept waiting only for future instants (frozen for their replay).
    expect(legacyNextWake(s, late, closesAt, { wakeForPastDue: false })).toBeNull();
  });

  it('catches up in one tick: a milestone opened late gets every reminder and 督办 level now due', () => {
    const late = '2018-01-07T00:00:00.000Z'; // 9 days after the lead's deadline
    const events = tick(started(), late, closesAt);
    const types = events.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(['MilestoneOpened', 'AssignmentCreated', 'AssignmentCreated']);
    // Reminders are moot after the deadline. The lead (due 12-29) owes levels 1 and 2; the co-unit
    // (due 5 工作日 earlier, 12-22) owes all three; each is raised in the order it fell due (at the
    // same instant, lead before co-unit).
    expect(types).not.toContain('ReminderSent');
    const raised = events
      .filter((e) => e.type === 'EscalationRaised')
      .map((e) => `${e.data.unit}${e.data.level}`);
    expect(raised).toEqual(['计财处1', '计财处2', '基教处1', '基教处2', '计财处3']);
    expect(tick(fold(started(), events), late, closesAt)).toEqual([]);
  });

  it('never sleeps through due work: whatever nextWake points at, tick does at that instant', () => {
    let s = started();
    let now = '2016-12-01T00:00:00.000Z';
    const seen: string[] = [];
    for (let guard = 0; guard < 50 && s.status === 'active'; guard++) {
      const wake = nextWake(s, now, closesAt);
      expect(wake).not.toBeNull();
      const events = tick(s, wake!, closesAt);
      expect(events.length).toBeGreaterThan(0);
      seen.push(...events.map((e) => e.type));
      s = fold(s, events);
      now = wake!;
    }
    expect(s.status).toBe('closed');
    expect(seen.filter((t) => t === 'ReminderSent')).toHaveLength(4);
    expect(seen.filter((t) => t === 'EscalationRaised')).toHaveLength(6);
  });

  it('gives the new unit its own notices after 转办, never the old unit’s ids', () => {
    const sixDaysBefore = '2017-12-23T12:00:00.000Z';
    const before = opened();
    const leadNotices = (s: ProjectState) =>
      tick(s, sixDaysBefore, closesAt).flatMap((e) =>
        'notificationId' in e.data && e.data.assignmentId === `${M}/lead` ? [e.data.notificationId] : [],
      );
    const oldIds = leadNotices(before);
    expect(oldIds).toHaveLength(1);
    const moved = run(before, {
      type: 'reassign',
      actor: inspector,
      assignmentId: `${M}/lead`,
      toUnit: '职成教处',
      reason: '职能调整',
    });
    const newIds = leadNotices(moved);
    expect(newIds).toHaveLength(1);
    expect(newIds.filter((id) => oldIds.includes(id))).toEqual([]);
    // Back to the first unit: still new ids (each hand-over is a generation of its own).
    const back = run(moved, {
      type: 'reassign',
      actor: inspector,
      assignmentId: `${M}/lead`,
      toUnit: '基教处',
      reason: '回归原单位',
    });
    const againIds = leadNotices(back);
    expect(againIds).toHaveLength(1);
    expect(againIds.filter((id) => oldIds.includes(id) || newIds.includes(id))).toEqual([]);
  });

  it('closes a suspended project’s open milestones as cancelled at the cycle’s close', () => {
    const suspended = run(opened(), { type: 'suspend', actor: inspector, reason: '调整' });
    expect(tick(suspended, closesAt, closesAt)).toEqual([
      { type: 'MilestoneClosed', data: { milestoneId: M, outcome: 'cancelled' } },
      { type: 'ProjectClosed', data: { outcome: 'completed' } },
    ]);
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

describe('too many returns', () => {
  const back: ProjectCommand = { type: 'return', actor: inspector, milestoneId: M, comment: '重报' };
  /** Reported and returned until the next return reaches maxReturns (2 by default). */
  const returnedOnce = (s: ProjectState) => run(run(run(s, report(70)), back), report(75));
  const ladderless = (): ProjectState => ({ ...opened(), policy: { ...policy, escalations: [] } });
  const types = (events: EventBody[]) => events.map((e) => e.type);
  const now = '2017-06-01T00:00:00.000Z';

  it('climb the ladder when the policy has one', () => {
    const events = decide(returnedOnce(opened()), back, now);
    expect(types(events)).toEqual(['ReportReturned', 'EscalationRaised']);
    expect(events[1]!.data).toMatchObject({ level: 1, reason: 'too_many_returns', target: 'unit_head' });
  });

  it('raise no 督办 without a ladder (the light 任务 flow), and the milestone still turns red', () => {
    const s = returnedOnce(ladderless());
    const events = decide(s, back, now);
    expect(types(events)).toEqual(['ReportReturned']);
    expect(
      milestoneRag(fold(s, events).milestones[0]!, policy.maxReturns, policy.amberWithin, now),
    ).toMatchObject({ rag: 'red', rule: 'too_many_returns' });
  });

  it('still raise one without a ladder for runs recorded before the patch', () => {
    const events = decide(returnedOnce(ladderless()), back, now, { escalateReturnsWithoutLadder: true });
    expect(types(events)).toEqual(['ReportReturned', 'EscalationRaised']);
    expect(events[1]!.data).toMatchObject({ level: 1, reason: 'too_many_returns', target: 'unit_head' });
  });
});

describe('cycle decider', () => {
  const window = {
    opensAt: '2016-12-31T16:00:00.000Z',
    submissionDueAt: '2017-12-29T15:59:59.000Z',
    reviewDueAt: '2018-01-31T15:59:59.000Z',
  };
  const running = { status: 'running' as const, window };
  const refused = (f: () => unknown, code: DomainError['code']) => {
    try {
      f();
      throw new Error('accepted');
    } catch (err) {
      expect((err as DomainError).code).toBe(code);
    }
  };

  it('extends the window forwards only, review after submission, and folds it', () => {
    const later = {
      ...window,
      submissionDueAt: '2018-01-15T15:59:59.000Z',
      reviewDueAt: '2018-02-28T15:59:59.000Z',
    };
    const events = decideCycle(running, {
      type: 'extend',
      actor: inspector,
      window: later,
      reason: '统一延期',
    });
    expect(events).toEqual([{ type: 'CycleExtended', data: { window: later, reason: '统一延期' } }]);
    expect(evolveCycle(running, events[0]!).window).toEqual(later);
    const earlier = { ...window, submissionDueAt: '2017-11-30T15:59:59.000Z' };
    refused(
      () => decideCycle(running, { type: 'extend', actor: inspector, window: earlier, reason: 'x' }),
      'invalid_command',
    );
    const inverted = { ...window, submissionDueAt: '2018-03-01T15:59:59.000Z' };
    refused(
      () => decideCycle(running, { type: 'extend', actor: inspector, window: inverted, reason: 'x' }),
      'invalid_command',
    );
  });

  it('lets only 督导处 act, only on a running cycle, and a cancellation needs its reason', () => {
    refused(() => decideCycle(running, { type: 'cancel', actor: lead, reason: '越权' }), 'forbidden');
    refused(
      () => decideCycle(running, { type: 'cancel', actor: inspector, reason: '  ' }),
      'invalid_command',
    );
    const cancelled = evolveCycle(running, { type: 'CycleCancelled', data: { reason: '机构改革' } });
    expect(cancelled.status).toBe('cancelled');
    refused(() => decideCycle(cancelled, { type: 'cancel', actor: inspector, reason: '再次撤销' }), 'closed');
  });
});

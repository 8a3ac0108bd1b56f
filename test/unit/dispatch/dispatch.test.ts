import { decide, emptyProject, evolve, tick, type ProjectState } from '../../../domain/project';
import { DomainError, parseCommand, type ProjectCommand } from '../../../domain/commands';
import type { EventBody } from '../../../domain/events';
import { defaultPolicy, type CyclePolicy } from '../../../domain/policy';
import type { Principal } from '../../../domain/principal';
import {
  awaitedShares,
  DispatchRejected,
  latestSubDeadline,
  owedPhrase,
  refuseWhileSharesAwaited,
  stillOwed,
  planSubAssignment,
  rollUp,
  shareTree,
  subAssignmentDeadline,
  sumValues,
  type ChildRag,
  type DispatchedShare,
  type DispatchParent,
} from '../../../domain/dispatch';

/* 多级下发: the deadline rule, the colour roll-up, and who reviews a sub-assignment. */

const policy = defaultPolicy();
// 2017-12-29 (Fri) end of day, Beijing: the parent milestone's deadline.
const parentDue = '2017-12-29T15:59:59.000Z';
const now = '2017-03-01T02:00:00.000Z';
const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(DispatchRejected);
    return (err as Error).message;
  }
  throw new Error('not refused');
};

describe('a sub-assignment’s deadline', () => {
  it('defaults to 5 working days before the parent’s', () => {
    expect(latestSubDeadline(parentDue, policy)).toBe('2017-12-22T15:59:59.000Z');
    expect(subAssignmentDeadline(parentDue, undefined, now, policy)).toBe('2017-12-22T15:59:59.000Z');
  });

  it('counts working days across a holiday and follows the policy’s own span', () => {
    // 2017-10-09 (Mon): five working days back skips the National Day holiday to 2017-09-26.
    expect(latestSubDeadline('2017-10-09T15:59:59.000Z', policy)).toBe('2017-09-26T15:59:59.000Z');
    const tenDays: CyclePolicy = { ...policy, dispatchLead: { amount: 10, unit: 'days' } };
    // 2017-12-19 is a Tuesday: calendar days need no working-day adjustment.
    expect(latestSubDeadline(parentDue, tenDays)).toBe('2017-12-19T15:59:59.000Z');
    // A calendar-day span landing on a Sunday moves earlier, never later.
    const sixDays: CyclePolicy = { ...policy, dispatchLead: { amount: 6, unit: 'days' } };
    expect(latestSubDeadline(parentDue, sixDays)).toBe('2017-12-22T15:59:59.000Z');
  });

  it('takes an earlier day, refuses a later one and one already past, in Chinese', () => {
    expect(subAssignmentDeadline(parentDue, '2017-06-30', now, policy)).toBe('2017-06-30T15:59:59.000Z');
    expect(subAssignmentDeadline(parentDue, '2017-12-22', now, policy)).toBe('2017-12-22T15:59:59.000Z');
    expect(refusal(() => subAssignmentDeadline(parentDue, '2017-12-23', now, policy))).toBe(
      '下发期限 2017-12-23 晚于最迟可定的 2017-12-22（上级期限 2017-12-29 前5个工作日），请改为更早的日期',
    );
    expect(refusal(() => subAssignmentDeadline(parentDue, '2017-02-28', now, policy))).toBe(
      '下发期限 2017-02-28 已过（今天是 2017-03-01）',
    );
    expect(refusal(() => subAssignmentDeadline(parentDue, '2017-02-30', now, policy))).toBe(
      '日期“2017-02-30”不存在',
    );
    expect(
      refusal(() => subAssignmentDeadline(parentDue, undefined, '2017-12-25T00:00:00.000Z', policy)),
    ).toBe('按上级期限 2017-12-29 前5个工作日计算，下发期限 2017-12-22 已过（今天是 2017-12-25），无法下发');
  });
});

const target = { metric: '覆盖面', op: '>=' as const, value: 80, unit: '%', year: 2017 };
const parent: DispatchParent = {
  cycleId: 'c',
  projectId: 'p',
  title: '普惠性幼儿园建设',
  milestoneId: 'p/2017',
  dueAt: parentDue,
  targets: [target],
  unit: '基教处',
  rootCycleId: 'c',
  rootProjectId: 'p',
};
const input = {
  subAssignmentId: 'XF-1',
  cycleId: 'c',
  milestoneId: 'p/2017',
  body: '柯城区教育局',
  text: '落实',
};

describe('planSubAssignment', () => {
  it('plans one milestone for the body, due on its own deadline, with the parent’s targets', () => {
    const plan = planSubAssignment(input, parent, now, policy);
    expect(plan.record).toMatchObject({
      unit: '基教处',
      body: '柯城区教育局',
      deadline: '2017-12-22T15:59:59.000Z',
    });
    expect(plan.started).toMatchObject({
      leadUnit: '柯城区教育局',
      coUnits: [],
      milestones: [
        { milestoneId: 'XF-1/reply', opensAt: now, dueAt: '2017-12-22T15:59:59.000Z', targets: [target] },
      ],
    });
  });

  it('refuses dispatching to the unit itself', () => {
    expect(refusal(() => planSubAssignment({ ...input, body: '基教处' }, parent, now, policy))).toBe(
      '不能向本单位（基教处）下发',
    );
  });
});

const child = (body: string, rag: ChildRag['rag'], rule: string, rolled = false, reason = ''): ChildRag => ({
  body,
  rag,
  rule,
  rolled,
  reason,
});

describe('rollUp', () => {
  const green = { rag: 'green' as const, reason: '按计划推进' };

  it('is no better than the worst child, naming it', () => {
    expect(
      rollUp(green, [child('龙游县教育局', 'amber', 'due_soon'), child('柯城区教育局', 'red', 'overdue')]),
    ).toEqual({ rag: 'red', reason: '下级单位 柯城区教育局 逾期未报' });
    expect(rollUp(green, [child('柯城区教育局', 'red', 'overdue_in_review')])).toEqual({
      rag: 'red',
      reason: '下级单位 柯城区教育局 逾期报送，待审核',
    });
  });

  it('keeps the parent’s own colour and reason when no child is worse', () => {
    const amber = { rag: 'amber' as const, reason: '距期限不足7天' };
    expect(rollUp(amber, [child('柯城区教育局', 'amber', 'due_soon')])).toBe(amber);
    expect(rollUp(green, [])).toBe(green);
  });

  it('passes a grandchild’s reason up after the child’s name', () => {
    expect(
      rollUp(green, [child('衢江区教育局', 'red', 'on_track', true, '下级单位 衢江区实验小学 逾期未报')]),
    ).toEqual({
      rag: 'red',
      reason: '下级单位 衢江区教育局：下级单位 衢江区实验小学 逾期未报',
    });
  });
});

const share = (over: Partial<DispatchedShare>): DispatchedShare => ({
  subAssignmentId: 'XF-1',
  parentCycleId: 'c',
  parentProjectId: 'p',
  parentMilestoneId: 'p/2017',
  unit: '基教处',
  body: '衢江区教育局',
  text: '落实',
  phase: 'assigned',
  outcome: null,
  status: 'active',
  opensAt: '2017-01-02T00:00:00.000Z',
  dueAt: '2017-12-22T15:59:59.000Z',
  returns: 0,
  values: [],
  reportedAt: null,
  reportedLate: null,
  ...over,
});

describe('shareTree', () => {
  const county = share({});
  const school = share({
    subAssignmentId: 'XF-2',
    parentCycleId: 'dispatch',
    parentProjectId: 'XF-1',
    parentMilestoneId: 'XF-1/reply',
    unit: '衢江区教育局',
    body: '衢江区实验小学',
    dueAt: '2017-02-28T15:59:59.000Z',
  });

  it('colours a county by its late school, two levels down', () => {
    const [node] = shareTree([county, school], { cycleId: 'c', projectId: 'p' }, now, policy);
    expect(node!.verdict).toMatchObject({
      rag: 'red',
      rolled: true,
      reason: '下级单位 衢江区实验小学 逾期未报',
    });
    expect(rollUp({ rag: 'green', reason: '' }, [node!.verdict]).reason).toBe(
      '下级单位 衢江区教育局：下级单位 衢江区实验小学 逾期未报',
    );
  });

  it('lets an answered county keep its colour, and leaves withdrawn shares out', () => {
    const closed = share({ phase: 'closed', outcome: 'met' });
    expect(
      shareTree([closed, school], { cycleId: 'c', projectId: 'p' }, now, policy)[0]!.verdict,
    ).toMatchObject({
      rag: 'green',
      rolled: false,
    });
    expect(
      shareTree([share({ status: 'cancelled' })], { cycleId: 'c', projectId: 'p' }, now, policy),
    ).toEqual([]);
  });

  it('sums the values reported per target', () => {
    expect(
      sumValues([
        [{ targetIndex: 0, value: 85 }],
        [
          { targetIndex: 0, value: 30 },
          { targetIndex: 1, value: 2 },
        ],
        [],
      ]),
    ).toEqual([
      { targetIndex: 0, sum: 115, reporters: 2 },
      { targetIndex: 1, sum: 2, reporters: 1 },
    ]);
  });
});

/* Who reviews: the dispatching unit (staff or head) reviews a sub-assignment; 督导处 and others do not. */

const body: Principal = { userId: 'kc', role: 'unit_staff', unit: '柯城区教育局' };
const dispatcher: Principal = { userId: 'jj', role: 'unit_head', unit: '基教处' };
const dispatcherStaff: Principal = { userId: 'jj2', role: 'unit_staff', unit: '基教处' };
const sibling: Principal = { userId: 'qj', role: 'unit_head', unit: '衢江区教育局' };
const inspector: Principal = { userId: 'i1', role: 'inspector', unit: '督导处' };
const closesAt = '2018-01-31T15:59:59.000Z';
const fold = (s: ProjectState, events: EventBody[]) => events.reduce((acc, e) => evolve(acc, e), s);

/** A sub-assignment with the body's report in (value 20, short of the whole target of 80). */
function reported(): ProjectState {
  const plan = planSubAssignment(input, parent, now, policy);
  const s0 = emptyProject({ streamId: 'dispatch-XF-1', cycleId: 'dispatch', projectId: 'XF-1', policy });
  const started = fold(s0, [
    { type: 'SubAssignmentDispatched', data: plan.record },
    { type: 'ProjectStarted', data: plan.started },
  ]);
  const open = fold(started, tick(started, '2017-03-02T00:00:00.000Z', closesAt));
  const submit = parseCommand({
    type: 'submitReport',
    actor: body,
    milestoneId: 'XF-1/reply',
    narrative: '本县已完成',
    values: [{ targetIndex: 0, value: 20 }],
  });
  return fold(open, decide(open, submit, '2017-03-03T00:00:00.000Z'));
}
const review = (type: 'approve' | 'return', actor: Principal): ProjectCommand =>
  parseCommand({ type, actor, milestoneId: 'XF-1/reply', comment: '请补充' });
const forbidden = (s: ProjectState, c: ProjectCommand): string => {
  try {
    decide(s, c, '2017-03-04T00:00:00.000Z');
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('forbidden');
    return (err as Error).message;
  }
  throw new Error('not refused');
};

describe('reviewing a sub-assignment', () => {
  it('is the dispatching unit’s: its head or staff approve or return the body’s report', () => {
    const s = reported();
    expect(s.reviewUnit).toBe('基教处');
    const approved = decide(s, review('approve', dispatcher), '2017-03-04T00:00:00.000Z');
    // The body's value is its share of the parent's target, summed upward: approval accepts it.
    expect(approved.map((e) => e.type)).toEqual(['ReportApproved', 'MilestoneClosed', 'ProjectClosed']);
    expect(approved[0]).toMatchObject({ data: { verdict: 'met', results: [{ reported: 20, met: false }] } });
    expect(decide(s, review('return', dispatcherStaff), '2017-03-04T00:00:00.000Z')[0]!.type).toBe(
      'ReportReturned',
    );
  });

  it('refuses 督导处, a sibling body and the body itself', () => {
    const s = reported();
    expect(forbidden(s, review('approve', inspector))).toBe(
      '此事项由基教处下发，由基教处审核，督导处无权审核',
    );
    expect(forbidden(s, review('return', sibling))).toBe(
      '此事项由基教处下发，由基教处审核，衢江区教育局无权审核',
    );
    expect(forbidden(s, review('approve', body))).toBe(
      '此事项由基教处下发，由基教处审核，柯城区教育局无权审核',
    );
  });

  it('leaves plan items to 督导处 alone', () => {
    const s = { ...reported(), reviewUnit: undefined };
    expect(forbidden(s, review('approve', dispatcher))).toBe('只有督导处可以执行此操作');
    expect(decide(s, review('approve', inspector), '2017-03-04T00:00:00.000Z')[0]).toMatchObject({
      data: { verdict: 'missed' },
    });
  });
});

describe('withdrawing a sub-assignment (撤回下发)', () => {
  const withdraw = (actor: Principal): ProjectCommand =>
    parseCommand({ type: 'withdraw', actor, reason: '该县已另行安排' });

  it('is the dispatching unit’s: everything still open closes as cancelled, with the reason', () => {
    const events = decide(reported(), withdraw(dispatcherStaff), '2017-03-04T00:00:00.000Z');
    expect(events.map((e) => e.type)).toEqual(['ProjectCancelled', 'MilestoneClosed', 'ProjectClosed']);
    expect(events[0]).toMatchObject({ data: { reason: '撤回下发：该县已另行安排' } });
    expect(events[1]).toMatchObject({ data: { outcome: 'cancelled' } });
  });

  it('refuses the body, a sibling and 督导处 (督导处 cancels instead)', () => {
    for (const actor of [body, sibling, inspector])
      expect(forbidden(reported(), withdraw(actor))).toContain('此事项由基教处下发');
  });

  it('refuses on a plan item, which nobody dispatched', () => {
    const s = { ...reported(), reviewUnit: undefined };
    expect(() => decide(s, withdraw(dispatcher), '2017-03-04T00:00:00.000Z')).toThrow(
      '只有下发给下级单位的事项可以撤回',
    );
  });
});

describe('answering upward (a unit reports a milestone once its shares are answered)', () => {
  const at = { cycleId: 'c', milestoneId: 'p/2017' };
  const county = share({ subAssignmentId: 'XF-1', body: '柯城区教育局' });

  it('refuses while a share is owed, naming each with where it stands and what to do', () => {
    const shares = [
      county,
      share({ subAssignmentId: 'XF-2', body: '衢江区教育局', phase: 'submitted' }),
      share({ subAssignmentId: 'XF-3', body: '江山市教育局', phase: 'approved' }),
    ];
    expect(awaitedShares(shares, at).map((s) => s.subAssignmentId)).toEqual(['XF-1', 'XF-2']);
    expect(refusal(() => refuseWhileSharesAwaited(shares, at))).toBe(
      '节点 p/2017 已下发的 3 项中还有 2 项未办结：柯城区教育局（XF-1，尚未报送）、衢江区教育局（XF-2，已报送，待本单位审核）。' +
        '请待下级单位报送并审核通过后再向上报送；不再需要的下发可撤回（dudao task withdraw）。',
    );
  });

  it('lets it report once every share is approved, closed (missed counts as answered) or withdrawn', () => {
    const answered = [
      share({ phase: 'approved' }),
      share({ subAssignmentId: 'XF-2', phase: 'closed', outcome: 'missed', status: 'closed' }),
      share({ subAssignmentId: 'XF-3', status: 'cancelled' }),
    ];
    expect(() => refuseWhileSharesAwaited(answered, at)).not.toThrow();
  });

  it('counts only the shares of that milestone: another milestone’s or a suspended one', () => {
    const other = share({ parentMilestoneId: 'p/2018' });
    expect(() => refuseWhileSharesAwaited([other], at)).not.toThrow();
    expect(awaitedShares([share({ status: 'suspended' })], at)).toHaveLength(1);
    expect(stillOwed(share({ status: 'suspended' }))).toBe(true);
    expect(owedPhrase(share({ status: 'suspended' }))).toBe('已暂停');
  });
});

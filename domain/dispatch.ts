import { z } from 'zod';
import { adjustToWorkingDay, shift, spanLabel } from './calendar';
import { DomainError } from './commands';
import type { EventOf, MilestonePlan, ReportedValue, SubAssignmentRecord } from './events';
import { closesAtOf, endOfDay } from './instruction';
import type { Target } from './plan';
import { DEFAULT_DISPATCH_LEAD, type CyclePolicy } from './policy';
import type { MilestonePhase } from './project';
import { milestoneRag, type Rag } from './rag';
import { shanghaiDate } from './shanghai';

/**
 * 多级下发: a unit holding a milestone splits it among the bodies below it in the unit directory.
 * Each share is a supervised item of its own, carried out by the project workflow (one milestone,
 * the body's report, due before the parent's deadline), so it gets 签收, 催办, the 督办 ladder,
 * extensions, events and replay as any item does. Its stream opens with `SubAssignmentDispatched`,
 * then `ProjectStarted` with the plan derived here; the dispatching unit reviews its report.
 */

/** Sub-assignments are not items of a plan's cycle: their streams and read-model rows share this id. */
export const DISPATCH_CYCLE = 'dispatch';
/** The section their items are filed under (it names them in boards and notices). */
export const DISPATCH_SECTION = '多级下发';

export const dispatchWorkflowId = (subAssignmentId: string): string => `dispatch-${subAssignmentId}`;
export const subAssignmentMilestoneId = (subAssignmentId: string): string => `${subAssignmentId}/reply`;

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** What a person gives to dispatch (CLI, API, web form); messages are what they read. */
export const DispatchInput = z.object({
  subAssignmentId: z
    .string()
    .regex(ID, '下发编号只能由字母、数字、点、横线、下划线组成（不超过40个字符），例如 XF-2017-001')
    .optional(),
  /** The cycle of the milestone handed down (`dispatch` when it is itself a sub-assignment's). */
  cycleId: z.string({ error: '请指明督导周期' }).trim().min(1, '请指明督导周期').max(100),
  milestoneId: z.string({ error: '请指明下发的节点编号' }).trim().min(1, '请指明下发的节点编号').max(200),
  body: z
    .string({ error: '请指明下级单位' })
    .trim()
    .min(1, '请指明下级单位')
    .max(50, '单位名称不能超过50个字'),
  text: z
    .string({ error: '下发要求不能为空' })
    .trim()
    .min(1, '下发要求不能为空')
    .max(2000, '下发要求不能超过2000个字'),
  deadline: z.string().regex(DAY, '办理期限格式不正确，应为 YYYY-MM-DD').optional(),
});
export type DispatchInput = z.input<typeof DispatchInput>;

/** A dispatch refused: the message says what to fix; nothing was started or recorded. */
export class DispatchRejected extends DomainError {
  constructor(message: string) {
    super('invalid_command', message);
  }
}

export function parseDispatchInput(raw: unknown): z.output<typeof DispatchInput> {
  const parsed = DispatchInput.safeParse(raw);
  if (!parsed.success) throw new DispatchRejected(parsed.error.issues[0]!.message);
  return parsed.data;
}

/**
 * The latest deadline a share of a milestone due at `parentDueAt` may have: the policy's
 * `dispatchLead` earlier, on a working day (moved earlier, never later, when it falls on a holiday).
 */
export function latestSubDeadline(parentDueAt: string, policy: CyclePolicy): string {
  const lead = policy.dispatchLead ?? DEFAULT_DISPATCH_LEAD;
  return adjustToWorkingDay(
    shift(parentDueAt, lead, -1, policy.calendar),
    'previous_workday',
    policy.calendar,
  );
}

/**
 * A sub-assignment's deadline at plan time `now`: the latest allowed one, or an earlier day the
 * dispatching unit names. A later day, or a deadline already past, is refused in Chinese.
 */
export function subAssignmentDeadline(
  parentDueAt: string,
  requested: string | undefined,
  now: string,
  policy: CyclePolicy,
): string {
  const latest = latestSubDeadline(parentDueAt, policy);
  const lead = spanLabel(policy.dispatchLead ?? DEFAULT_DISPATCH_LEAD);
  const rule = `上级期限 ${shanghaiDate(parentDueAt)} 前${lead}`;
  const deadline = requested === undefined ? latest : endOfDayOrRefuse(requested);
  if (Date.parse(deadline) > Date.parse(latest))
    throw new DispatchRejected(
      `下发期限 ${requested} 晚于最迟可定的 ${shanghaiDate(latest)}（${rule}），请改为更早的日期`,
    );
  if (Date.parse(deadline) <= Date.parse(now))
    throw new DispatchRejected(
      requested === undefined
        ? `按${rule}计算，下发期限 ${shanghaiDate(latest)} 已过（今天是 ${shanghaiDate(now)}），无法下发`
        : `下发期限 ${requested} 已过（今天是 ${shanghaiDate(now)}）`,
    );
  return deadline;
}

const endOfDayOrRefuse = (day: string): string => {
  try {
    return endOfDay(day);
  } catch {
    throw new DispatchRejected(`日期“${day}”不存在`);
  }
};

/** What the dispatch is split from, as the parent's workflow and read models know it. */
export type DispatchParent = {
  cycleId: string;
  projectId: string;
  title: string;
  milestoneId: string;
  dueAt: string;
  targets: Target[];
  /** The unit holding the milestone now: it dispatches, and reviews the body's report. */
  unit: string;
  rootCycleId: string;
  rootProjectId: string;
};

export type SubAssignmentPlan = {
  record: SubAssignmentRecord;
  started: EventOf<'ProjectStarted'>['data'];
  closesAt: string;
};

/**
 * The supervised item a dispatch becomes at plan time `now`: one milestone opening now, due on its
 * own deadline, with the parent milestone's targets so the body reports its share of each value.
 */
export function planSubAssignment(
  input: z.output<typeof DispatchInput> & { subAssignmentId: string },
  parent: DispatchParent,
  now: string,
  policy: CyclePolicy,
): SubAssignmentPlan {
  if (input.body === parent.unit) throw new DispatchRejected(`不能向本单位（${parent.unit}）下发`);
  const deadline = subAssignmentDeadline(parent.dueAt, input.deadline, now, policy);
  const record: SubAssignmentRecord = {
    subAssignmentId: input.subAssignmentId,
    parentCycleId: parent.cycleId,
    parentProjectId: parent.projectId,
    parentMilestoneId: parent.milestoneId,
    rootCycleId: parent.rootCycleId,
    rootProjectId: parent.rootProjectId,
    unit: parent.unit,
    body: input.body,
    text: input.text,
    deadline,
    parentDueAt: parent.dueAt,
  };
  const milestone: MilestonePlan = {
    milestoneId: subAssignmentMilestoneId(input.subAssignmentId),
    year: null,
    text: input.text.slice(0, 200),
    opensAt: now,
    dueAt: deadline,
    targets: parent.targets,
  };
  return {
    record,
    started: {
      itemId: input.subAssignmentId,
      kind: 'task',
      title: `${parent.title}（${input.body}）`.slice(0, 200),
      section: DISPATCH_SECTION,
      leadUnit: input.body,
      coUnits: [],
      targets: parent.targets,
      milestones: [milestone],
    },
    closesAt: closesAtOf(deadline, policy),
  };
}

/** A colour and why, as a parent shows it once its children are counted. */
export type RolledRag = { rag: Rag; reason: string };

const severity: Record<Rag, number> = { green: 0, amber: 1, red: 2 };

/** What a child's own colour rule says about it, in a parent's reason. */
const childPhrase: Record<string, string> = {
  overdue: '逾期未报',
  overdue_in_review: '逾期报送，待审核',
  too_many_returns: '多次被退回',
  returned: '报告被退回重办',
  due_soon: '临近期限尚未报送',
  missed: '未完成',
  suspended: '已暂停',
};

/** One child as a parent counts it: its body and its own colour (itself rolled up from below). */
export type ChildRag = RolledRag & { body: string; rule: string; rolled: boolean };

/**
 * A parent's colour is no better than its worst child's: a worse child sets it, and the reason
 * names that child (“下级单位 柯城区教育局 逾期未报”); a child coloured by its own children passes
 * their reason up after its name. Children no worse than the parent leave it as it is.
 */
export function rollUp(own: RolledRag, children: readonly ChildRag[]): RolledRag {
  const worst = children.reduce<ChildRag | null>(
    (w, c) => (w === null || severity[c.rag] > severity[w.rag] ? c : w),
    null,
  );
  if (!worst || severity[worst.rag] <= severity[own.rag]) return own;
  const why = worst.rolled ? `：${worst.reason}` : ` ${childPhrase[worst.rule] ?? worst.reason}`;
  return { rag: worst.rag, reason: `下级单位 ${worst.body}${why}` };
}

/** Per target, the sum of the values the children reported (only targets someone reported). */
export function sumValues(
  reports: readonly (readonly ReportedValue[])[],
): { targetIndex: number; sum: number; reporters: number }[] {
  const byTarget = new Map<number, { sum: number; reporters: number }>();
  for (const values of reports)
    for (const v of values) {
      const t = byTarget.get(v.targetIndex) ?? { sum: 0, reporters: 0 };
      byTarget.set(v.targetIndex, { sum: t.sum + v.value, reporters: t.reporters + 1 });
    }
  return [...byTarget.entries()].sort(([a], [b]) => a - b).map(([targetIndex, t]) => ({ targetIndex, ...t }));
}

/** One sub-assignment as the read model holds it: what a parent's view and roll-up need. */
export type DispatchedShare = {
  subAssignmentId: string;
  parentCycleId: string;
  parentProjectId: string;
  parentMilestoneId: string;
  /** The dispatching unit and the body carrying it out. */
  unit: string;
  body: string;
  text: string;
  phase: MilestonePhase;
  outcome: 'met' | 'missed' | 'cancelled' | null;
  status: 'active' | 'suspended' | 'cancelled' | 'closed';
  opensAt: string;
  dueAt: string;
  returns: number;
  values: ReportedValue[];
  reportedAt: string | null;
  reportedLate: boolean | null;
};

/** A share with its colour (rolled up from its own shares) and the shares dispatched from it. */
export type ShareNode = { share: DispatchedShare; verdict: ChildRag; children: ShareNode[] };

/**
 * The shares dispatched from one item (from one of its milestones when `milestoneId` is given),
 * each coloured at plan time `now` by the milestone rule and rolled up from its own shares, to any
 * depth. A withdrawn share owes nothing and is left out; a share already answered (approved or
 * closed) keeps its own colour, whatever its own shares still owe.
 */
export function shareTree(
  shares: readonly DispatchedShare[],
  parent: { cycleId: string; projectId: string; milestoneId?: string },
  now: string,
  policy: Pick<CyclePolicy, 'maxReturns' | 'amberWithin'>,
): ShareNode[] {
  return shares
    .filter(
      (s) =>
        s.parentCycleId === parent.cycleId &&
        s.parentProjectId === parent.projectId &&
        (parent.milestoneId === undefined || s.parentMilestoneId === parent.milestoneId) &&
        s.status !== 'cancelled',
    )
    .map((share) => {
      const own = milestoneRag(
        { ...share, lastReturnComment: null, lastEventId: null },
        policy.maxReturns,
        policy.amberWithin,
        now,
      );
      const children = shareTree(
        shares,
        { cycleId: DISPATCH_CYCLE, projectId: share.subAssignmentId },
        now,
        policy,
      );
      const answered = share.phase === 'approved' || share.phase === 'closed';
      const rolled = answered
        ? own
        : rollUp(
            own,
            children.map((c) => c.verdict),
          );
      // Late is red until the report is approved (the milestone rule); a parent still says it is in.
      const rule = own.rule === 'overdue' && share.phase === 'submitted' ? 'overdue_in_review' : own.rule;
      return { share, verdict: { ...rolled, body: share.body, rule, rolled: rolled !== own }, children };
    });
}

/**
 * A share still owed from below: not withdrawn, not closed, not yet approved. A share that closed
 * as missed has been answered too (its colour stays in the roll-up).
 */
export const stillOwed = (s: Pick<DispatchedShare, 'status' | 'phase'>): boolean =>
  (s.status === 'active' || s.status === 'suspended') && s.phase !== 'approved' && s.phase !== 'closed';

/** The shares of a milestone still owed: the unit holding it answers upward only when none is left. */
export const awaitedShares = (
  shares: readonly DispatchedShare[],
  milestone: { cycleId: string; milestoneId: string },
): DispatchedShare[] =>
  shares.filter(
    (s) =>
      s.parentCycleId === milestone.cycleId && s.parentMilestoneId === milestone.milestoneId && stillOwed(s),
  );

/** Refuses a milestone's report while shares of it are still owed, naming them and what to do. */
export function refuseWhileSharesAwaited(
  shares: readonly DispatchedShare[],
  milestone: { cycleId: string; milestoneId: string },
): void {
  const awaited = awaitedShares(shares, milestone);
  if (awaited.length === 0) return;
  const owed = shares.filter(
    (s) =>
      s.parentCycleId === milestone.cycleId &&
      s.parentMilestoneId === milestone.milestoneId &&
      s.status !== 'cancelled',
  ).length;
  const names = awaited.map((s) => `${s.body}（${s.subAssignmentId}，${owedPhrase(s)}）`).join('、');
  throw new DispatchRejected(
    `节点 ${milestone.milestoneId} 已下发的 ${owed} 项中还有 ${awaited.length} 项未办结：${names}。` +
      '请待下级单位报送并审核通过后再向上报送；不再需要的下发可撤回（dudao task withdraw）。',
  );
}

/** Where a share still owed stands, as people read it. */
export const owedPhrase = (s: Pick<DispatchedShare, 'phase' | 'status'>): string =>
  s.status === 'suspended'
    ? '已暂停'
    : s.phase === 'submitted'
      ? '已报送，待本单位审核'
      : s.phase === 'returned'
        ? '已退回重办'
        : '尚未报送';

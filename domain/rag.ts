import type { MilestoneState, ProjectState } from './project';
import { shift, spanLabel } from './calendar';
import type { Span } from './policy';

export type Rag = 'red' | 'amber' | 'green';

/** Why a colour: the rule that fired, its threshold, the deadline measured against, the event that set it. */
export type RagExplanation = {
  rag: Rag;
  rule:
    | 'met'
    | 'missed'
    | 'cancelled'
    | 'overdue'
    | 'too_many_returns'
    | 'returned'
    | 'due_soon'
    | 'in_review'
    | 'on_track'
    | 'not_open'
    | 'suspended';
  /** 中文 reason a person reads. */
  reason: string;
  threshold: string | null;
  deadline: string | null;
  setBy: string | null;
};

/** What a colour depends on: the workflow's milestone state and the read model's rows both carry it. */
export type RagFacts = Pick<
  MilestoneState,
  'phase' | 'outcome' | 'opensAt' | 'dueAt' | 'returns' | 'lastReturnComment' | 'lastEventId'
>;

/**
 * The only instants (ms) at which a milestone's colour reads the clock: from `amberFrom` on it is
 * 临期, from `overdueFrom` on (just past the deadline) 逾期. With its facts unchanged, a milestone
 * keeps one colour within each band between them (see `ragBand`).
 */
export interface RagTimes {
  amberFrom: number;
  overdueFrom: number;
}

export const ragTimes = (dueAt: string, amberWithin: Span): RagTimes => ({
  amberFrom: Date.parse(shift(dueAt, amberWithin, -1)),
  overdueFrom: Date.parse(dueAt) + 1,
});

/** Which band of `times` the instant `t` (ms) is in: how many of them it has reached. */
export const ragBand = (times: RagTimes, t: number): number =>
  (t >= times.amberFrom ? 1 : 0) + (t >= times.overdueFrom ? 1 : 0);

/**
 * The status colour of a milestone at plan time `now`. Rules in order, first match wins:
 *  1. closed: met → green; missed → red; cancelled → green (nothing owed).
 *  2. approved → green.
 *  3. past the operational deadline without approval → red (逾期).
 *  4. returned for rework `maxReturns` times or more → red.
 *  5. returned for rework → amber.
 *  6. submitted and awaiting review → green.
 *  7. within `amberWithin` of the deadline without a submission → amber (临期).
 *  8. not yet opened → green; otherwise on track → green.
 */
export function milestoneRag(
  m: RagFacts,
  maxReturns: number,
  amberWithin: ProjectState['policy']['amberWithin'],
  now: string,
  times: RagTimes = ragTimes(m.dueAt, amberWithin),
): RagExplanation {
  const t = Date.parse(now);
  const base = { setBy: m.lastEventId, deadline: m.dueAt, threshold: null };
  if (m.phase === 'closed') {
    if (m.outcome === 'missed')
      return { ...base, rag: 'red', rule: 'missed', reason: '节点办结，目标未达成' };
    if (m.outcome === 'cancelled') return { ...base, rag: 'green', rule: 'cancelled', reason: '节点已撤销' };
    return { ...base, rag: 'green', rule: 'met', reason: '节点办结，目标已达成' };
  }
  if (m.phase === 'approved') return { ...base, rag: 'green', rule: 'met', reason: '报告已审核通过' };
  if (m.phase !== 'scheduled' && t >= times.overdueFrom) {
    return {
      ...base,
      rag: 'red',
      rule: 'overdue',
      reason: `已超过期限 ${m.dueAt.slice(0, 10)} 未办结`,
      threshold: '期限',
    };
  }
  if (m.returns >= maxReturns) {
    return {
      ...base,
      rag: 'red',
      rule: 'too_many_returns',
      reason: `已被退回 ${m.returns} 次`,
      threshold: `${maxReturns} 次`,
    };
  }
  if (m.phase === 'returned')
    return { ...base, rag: 'amber', rule: 'returned', reason: `已退回重办：${m.lastReturnComment ?? ''}` };
  if (m.phase === 'submitted') return { ...base, rag: 'green', rule: 'in_review', reason: '已报送，待审核' };
  if (m.phase === 'assigned' && t >= times.amberFrom) {
    return {
      ...base,
      rag: 'amber',
      rule: 'due_soon',
      reason: `距期限不足${spanLabel(amberWithin)}`,
      threshold: spanLabel(amberWithin),
    };
  }
  if (m.phase === 'scheduled')
    return { ...base, rag: 'green', rule: 'not_open', reason: `尚未交办（${m.opensAt.slice(0, 10)} 开始）` };
  return { ...base, rag: 'green', rule: 'on_track', reason: '按计划推进' };
}

const severity: Record<Rag, number> = { green: 0, amber: 1, red: 2 };

/** What a project's colour depends on: the workflow's state and the read models' rows both carry it. */
export type ProjectRagFacts = Pick<ProjectState, 'status' | 'lastEventId'> & {
  policy: Pick<ProjectState['policy'], 'maxReturns' | 'amberWithin'>;
  milestones: readonly RagFacts[];
};

/** A project is as red as its worst milestone; a suspended project shows amber at least. */
export function projectRag(s: ProjectRagFacts, now: string): RagExplanation {
  const all = s.milestones.map((m) => milestoneRag(m, s.policy.maxReturns, s.policy.amberWithin, now));
  const worst = all.reduce<RagExplanation | null>(
    (w, x) => (w === null || severity[x.rag] > severity[w.rag] ? x : w),
    null,
  );
  if (s.status === 'suspended' && (!worst || worst.rag === 'green')) {
    return {
      rag: 'amber',
      rule: 'suspended',
      reason: '项目已暂停督办',
      threshold: null,
      deadline: null,
      setBy: s.lastEventId,
    };
  }
  return (
    worst ?? {
      rag: 'green',
      rule: 'not_open',
      reason: '暂无节点',
      threshold: null,
      deadline: null,
      setBy: s.lastEventId,
    }
  );
}

export const ragLabel: Record<Rag, string> = { red: '红灯', amber: '黄灯', green: '绿灯' };

export const ragRuleLabel: Record<RagExplanation['rule'], string> = {
  met: '已达标办结',
  missed: '未达标',
  cancelled: '已撤销',
  overdue: '已逾期',
  too_many_returns: '多次退回',
  returned: '退回重办',
  due_soon: '临近期限',
  in_review: '待审核',
  on_track: '正常推进',
  not_open: '未开始',
  suspended: '暂停督办',
};

import { shift, spanLabel } from '../../domain/calendar';
import type { Span } from '../../domain/policy';
import type { Rag } from '../tables/read-models';

/** The part of a cycle's policy the colours depend on. */
export interface RagPolicy {
  amberWithin: Span;
  maxReturns: number;
}

export const DEFAULT_RAG_POLICY: RagPolicy = { amberWithin: { amount: 7, unit: 'days' }, maxReturns: 2 };

export interface MilestoneFacts {
  status: 'planned' | 'open' | 'submitted' | 'returned' | 'approved' | 'closed';
  outcome: 'met' | 'missed' | 'cancelled' | null;
  due_at: string;
  returns: number;
  escalation_level: number;
}

/** A colour with the reason for it, so the board can say why a milestone is red. */
export interface RagVerdict {
  rag: Rag | null;
  rule:
    | 'not_started'
    | 'cancelled'
    | 'met'
    | 'missed'
    | 'approved'
    | 'escalated'
    | 'overdue'
    | 'too_many_returns'
    | 'due_soon'
    | 'on_track';
  threshold: string | null;
  deadline: string | null;
}

/**
 * The 红黄绿灯 of a milestone at plan time `now`, first rule that applies wins:
 * cancelled → none; met/approved → green; missed, 督办 raised, or past the operational due date →
 * red; returned `maxReturns` times, or due within `amberWithin` with nothing approved → amber;
 * otherwise green. Not-yet-opened milestones are green (not started).
 */
export function milestoneRag(m: MilestoneFacts, now: string, policy: RagPolicy): RagVerdict {
  const none = { threshold: null, deadline: null };
  if (m.outcome === 'cancelled') return { rag: null, rule: 'cancelled', ...none };
  if (m.outcome === 'met') return { rag: 'green', rule: 'met', ...none };
  if (m.outcome === 'missed') return { rag: 'red', rule: 'missed', ...none };
  if (m.status === 'approved') return { rag: 'green', rule: 'approved', ...none };
  if (m.status === 'planned') return { rag: 'green', rule: 'not_started', ...none };
  if (m.escalation_level > 0) {
    return { rag: 'red', rule: 'escalated', threshold: `${m.escalation_level}级督办`, deadline: m.due_at };
  }
  if (Date.parse(now) > Date.parse(m.due_at))
    return { rag: 'red', rule: 'overdue', threshold: null, deadline: m.due_at };
  if (m.returns >= policy.maxReturns) {
    return {
      rag: 'amber',
      rule: 'too_many_returns',
      threshold: `退回${policy.maxReturns}次`,
      deadline: m.due_at,
    };
  }
  if (Date.parse(now) >= Date.parse(shift(m.due_at, policy.amberWithin, -1))) {
    return { rag: 'amber', rule: 'due_soon', threshold: spanLabel(policy.amberWithin), deadline: m.due_at };
  }
  return { rag: 'green', rule: 'on_track', threshold: spanLabel(policy.amberWithin), deadline: m.due_at };
}

const severity: Record<Rag, number> = { green: 0, amber: 1, red: 2 };

/** A project shows its worst milestone's colour (and that milestone's reason). */
export function worstRag<T extends { rag: Rag | null }>(items: readonly T[]): T | null {
  return items.reduce<T | null>(
    (worst, m) => (m.rag !== null && (worst === null || severity[m.rag] > severity[worst.rag!]) ? m : worst),
    null,
  );
}

export const ragRuleLabel: Record<RagVerdict['rule'], string> = {
  not_started: '未开始',
  cancelled: '已取消',
  met: '已达标办结',
  missed: '未达标',
  approved: '已审定',
  escalated: '已督办',
  overdue: '已逾期',
  too_many_returns: '多次退回',
  due_soon: '临近期限',
  on_track: '正常推进',
};

import { milestoneRag as domainRag, type RagExplanation } from '../../domain/rag';
import type { MilestonePhase } from '../../domain/project';
import type { Span } from '../../domain/policy';
import type { Rag } from '../tables/read-models';

/** The part of a cycle's policy the colours depend on. */
export interface RagPolicy {
  amberWithin: Span;
  maxReturns: number;
}

export const DEFAULT_RAG_POLICY: RagPolicy = { amberWithin: { amount: 7, unit: 'days' }, maxReturns: 2 };

export interface MilestoneFacts {
  /** The domain's phase of the milestone. */
  status: MilestonePhase;
  outcome: 'met' | 'missed' | 'cancelled' | null;
  opens_at: string;
  due_at: string;
  returns: number;
}

/** A colour with the reason for it, so the board can say why a milestone is red. */
export interface RagVerdict {
  rag: Rag | null;
  rule: RagExplanation['rule'];
  threshold: string | null;
  deadline: string | null;
}

/**
 * The board's colour of a milestone row at plan time `now`: the one documented rule of
 * `domain/rag.ts`, applied to the row. A cancelled milestone has no colour on the board.
 */
export function milestoneRag(m: MilestoneFacts, now: string, policy: RagPolicy): RagVerdict {
  const v = domainRag(
    {
      phase: m.status,
      outcome: m.outcome,
      opensAt: m.opens_at,
      dueAt: m.due_at,
      returns: m.returns,
      lastReturnComment: null,
      lastEventId: null,
    },
    policy.maxReturns,
    policy.amberWithin,
    now,
  );
  return {
    rag: v.rule === 'cancelled' ? null : v.rag,
    rule: v.rule,
    threshold: v.threshold,
    deadline: v.deadline,
  };
}

const severity: Record<Rag, number> = { green: 0, amber: 1, red: 2 };

/** A project shows its worst milestone's colour (and that milestone's reason). */
export function worstRag<T extends { rag: Rag | null }>(items: readonly T[]): T | null {
  return items.reduce<T | null>(
    (worst, m) => (m.rag !== null && (worst === null || severity[m.rag] > severity[worst.rag!]) ? m : worst),
    null,
  );
}

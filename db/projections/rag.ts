import {
  milestoneRag as domainRag,
  ragBand,
  ragTimes,
  type RagExplanation,
  type RagTimes,
} from '../../domain/rag';
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

interface Coloured {
  policy: RagPolicy;
  times: RagTimes;
  band: number;
  verdict: RagVerdict;
}

/**
 * The last verdict per row object. A changed row is a new object (or, changed in place, forgotten:
 * `forgetRag`), so a row seen again under the same policy and in the same band of `ragTimes` has
 * the same colour: a rebuild recolours every milestone of a project at each of its events, and
 * most stay as they were.
 */
const coloured = new WeakMap<MilestoneFacts, Coloured>();

// A project's milestones are coloured at one event's time after another: parse it once.
let lastNow = '';
let lastInstant = NaN;
const instant = (now: string): number =>
  now === lastNow ? lastInstant : ((lastNow = now), (lastInstant = Date.parse(now)));

// Many milestones share a deadline (a plan year's end): its 临期 start is shifted once per policy.
const timesByPolicy = new WeakMap<RagPolicy, Map<string, RagTimes>>();
function timesOf(dueAt: string, policy: RagPolicy): RagTimes {
  let byDue = timesByPolicy.get(policy);
  if (!byDue) timesByPolicy.set(policy, (byDue = new Map()));
  let times = byDue.get(dueAt);
  if (!times) byDue.set(dueAt, (times = ragTimes(dueAt, policy.amberWithin)));
  return times;
}

const samePolicy = (a: RagPolicy, b: RagPolicy): boolean =>
  a.maxReturns === b.maxReturns &&
  a.amberWithin.amount === b.amberWithin.amount &&
  a.amberWithin.unit === b.amberWithin.unit;

/**
 * The board's colour of a milestone row at plan time `now`: the one documented rule of
 * `domain/rag.ts`, applied to the row. A cancelled milestone has no colour on the board.
 */
export function milestoneRag(m: MilestoneFacts, now: string, policy: RagPolicy): RagVerdict {
  const t = instant(now);
  const known = coloured.get(m);
  const times = known && samePolicy(known.policy, policy) ? known.times : timesOf(m.due_at, policy);
  const band = ragBand(times, t);
  if (known && known.times === times && known.band === band) return known.verdict;
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
    times,
  );
  const verdict: RagVerdict = {
    rag: v.rule === 'cancelled' ? null : v.rag,
    rule: v.rule,
    threshold: v.threshold,
    deadline: v.deadline,
  };
  coloured.set(m, { policy, times, band, verdict });
  return verdict;
}

/**
 * Forgets the colour remembered for a row that was changed in place (a draft's own copy, see
 * draft.ts): the next `milestoneRag` of it works the colour out afresh.
 */
export const forgetRag = (m: MilestoneFacts): void => void coloured.delete(m);

const severity: Record<Rag, number> = { green: 0, amber: 1, red: 2 };

/** Whether `m` has a colour worse than `worst`'s (any colour, when there is no worst yet). */
export const worseRag = (m: { rag: Rag | null }, worst: { rag: Rag | null } | null): boolean =>
  m.rag !== null && (worst === null || severity[m.rag] > severity[worst.rag!]);

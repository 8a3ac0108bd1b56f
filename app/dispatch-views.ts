import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { dispatchedShares } from '../db/dispatch-views';
import { openProjectFacts, type ProjectFacts } from '../db/project-views';
import { planNow, realClock } from '../domain/clock';
import {
  DISPATCH_CYCLE,
  rollUp,
  shareTree,
  stillOwed,
  sumValues,
  subAssignmentMilestoneId,
  type DispatchedShare,
  type RolledRag,
  type ShareNode,
} from '../domain/dispatch';
import type { Target } from '../domain/plan';
import type { Principal } from '../domain/principal';
import { milestoneRag, projectRag } from '../domain/rag';
import { requireAction } from './authorize';
import { forbidden, notFound } from './errors';

/**
 * 多级下发 as people read it, from the read models only (no workflow is asked): colours rolled up
 * from the shares dispatched below, a parent's view of its shares, the reports waiting for a
 * dispatching unit's review.
 */

const isUnitRole = (p: Principal): boolean => p.role === 'unit_staff' || p.role === 'unit_head';

/** A project's colours at plan time `now`, each open milestone rolled up from its shares. */
export function rolledColours(
  p: ProjectFacts,
  shares: readonly DispatchedShare[],
  now: string,
): { project: RolledRag; milestones: RolledRag[] } {
  const policy = { maxReturns: p.maxReturns, amberWithin: p.amberWithin };
  const facts = p.milestones.map((m) => ({
    phase: m.phase,
    outcome: m.outcome,
    opensAt: m.opensAt,
    dueAt: m.dueAt,
    returns: m.returns,
    lastReturnComment: m.submission?.returnComment ?? null,
    lastEventId: null,
  }));
  const parent = { cycleId: p.cycleId, projectId: p.itemId };
  const open = (phase: string) => phase !== 'approved' && phase !== 'closed';
  const childrenOf = (milestoneId: string) =>
    shareTree(shares, { ...parent, milestoneId }, now, policy).map((n) => n.verdict);
  const milestones = facts.map((f, i) => {
    const own = milestoneRag(f, policy.maxReturns, policy.amberWithin, now);
    return open(f.phase) ? rollUp(own, childrenOf(p.milestones[i]!.milestoneId)) : own;
  });
  const project = projectRag({ status: p.status, lastEventId: null, policy, milestones: facts }, now);
  const children = p.milestones.filter((m) => open(m.phase)).flatMap((m) => childrenOf(m.milestoneId));
  return { project: rollUp(project, children), milestones };
}

/** One share as a parent's view lists it. */
export interface ShareView {
  subAssignmentId: string;
  milestoneId: string;
  unit: string;
  body: string;
  text: string;
  dueAt: string;
  phase: string;
  rag: RolledRag['rag'];
  reason: string;
  values: { label: string; value: number }[];
  reportedAt: string | null;
  reportedLate: boolean | null;
  children: ShareView[];
}

export interface DispatchView {
  cycleId: string;
  projectId: string;
  title: string;
  /** Plan time the colours were computed at. */
  now: string;
  rag: RolledRag['rag'];
  ragReason: string;
  milestones: {
    milestoneId: string;
    text: string;
    dueAt: string;
    phase: string;
    rag: RolledRag['rag'];
    reason: string;
    /** Per target, the sum of the values its shares reported (each share's latest report). */
    sums: { label: string; sum: number; reporters: number }[];
    /** Shares reported so far, of all dispatched. */
    reported: number;
    shares: ShareView[];
  }[];
}

const targetLabel = (targets: readonly Target[], i: number): string => {
  const t = targets[i];
  return t ? `${t.metric}${t.unit ? `（${t.unit}）` : ''}` : `目标${i + 1}`;
};

/**
 * An item's shares (and theirs, to any depth) with colours rolled up and reported values listed
 * and summed: 督导处 and auditors see every share; a unit sees the shares it dispatched (and
 * what those bodies dispatched further) of an item it works on or dispatched, never a sibling's.
 */
export async function dispatchView(
  db: Kysely<Database>,
  actor: Principal,
  cycleId: string,
  projectId: string,
  realNowMs = Date.now(),
): Promise<DispatchView> {
  requireAction(actor, 'readDispatch');
  const p = (await openProjectFacts(db, { cycleId, finished: true })).find((x) => x.itemId === projectId);
  if (!p) throw notFound(`找不到事项 ${projectId}（督导周期 ${cycleId}）`);
  const shares = await dispatchedShares(db);
  const own = shares.find((x) => cycleId === DISPATCH_CYCLE && x.subAssignmentId === projectId);
  const works = p.milestones.some((m) => m.assignments.some((a) => a.unit === actor.unit));
  if (isUnitRole(actor) && !works && own?.unit !== actor.unit)
    throw forbidden(`${actor.unit}不承办也未下发该事项，无权查看其下发情况`);
  // A unit sees the shares it dispatched; the shares below those come with them.
  const visible = isUnitRole(actor)
    ? shares.filter((x) => x.parentProjectId !== projectId || x.unit === actor.unit)
    : shares;
  const now = planNow(p.clock ?? realClock(new Date(realNowMs).toISOString()), realNowMs);
  const colours = rolledColours(p, visible, now);
  const policy = { maxReturns: p.maxReturns, amberWithin: p.amberWithin };
  const toView =
    (targets: readonly Target[]) =>
    (n: ShareNode): ShareView => ({
      subAssignmentId: n.share.subAssignmentId,
      milestoneId: subAssignmentMilestoneId(n.share.subAssignmentId),
      unit: n.share.unit,
      body: n.share.body,
      text: n.share.text,
      dueAt: n.share.dueAt,
      phase: n.share.phase,
      rag: n.verdict.rag,
      reason: n.verdict.reason,
      values: n.share.values.map((v) => ({ label: targetLabel(targets, v.targetIndex), value: v.value })),
      reportedAt: n.share.reportedAt,
      reportedLate: n.share.reportedLate,
      children: n.children.map(toView(targets)),
    });
  return {
    cycleId,
    projectId,
    title: p.title,
    now,
    rag: colours.project.rag,
    ragReason: colours.project.reason,
    milestones: p.milestones.map((m, i) => {
      const nodes = shareTree(visible, { cycleId, projectId, milestoneId: m.milestoneId }, now, policy);
      return {
        milestoneId: m.milestoneId,
        text: m.text,
        dueAt: m.dueAt,
        phase: m.phase,
        rag: colours.milestones[i]!.rag,
        reason: colours.milestones[i]!.reason,
        sums: sumValues(nodes.filter((n) => n.share.reportedAt !== null).map((n) => n.share.values)).map(
          (x) => ({ label: targetLabel(m.targets, x.targetIndex), sum: x.sum, reporters: x.reporters }),
        ),
        reported: nodes.filter((n) => n.share.reportedAt !== null).length,
        shares: nodes.map(toView(m.targets)),
      };
    }),
  };
}

/** Reports of the shares a unit dispatched that wait for its review (the unit reviews them). */
export async function dispatchReviewQueue(db: Kysely<Database>, unit: string) {
  return (await dispatchedShares(db)).filter(
    (x) => x.unit === unit && x.phase === 'submitted' && x.status === 'active',
  );
}

/** The shares a unit dispatched that are still owed from below (each may be withdrawn: 撤回下发). */
export async function outstandingShares(db: Kysely<Database>, unit: string) {
  return (await dispatchedShares(db)).filter((x) => x.unit === unit && stillOwed(x));
}

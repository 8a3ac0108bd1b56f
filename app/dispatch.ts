import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { dispatchedShares } from '../db/dispatch-views';
import { openProjectFacts, type ProjectFacts } from '../db/project-views';
import { planNow, realClock } from '../domain/clock';
import {
  DISPATCH_CYCLE,
  DispatchRejected,
  dispatchWorkflowId,
  parseDispatchInput,
  planSubAssignment,
  rollUp,
  shareTree,
  sumValues,
  type DispatchedShare,
  type RolledRag,
  type ShareNode,
} from '../domain/dispatch';
import type { Target } from '../domain/plan';
import { roleLabel, type Principal } from '../domain/principal';
import { milestoneRag, projectRag } from '../domain/rag';
import type { ProjectWorkflowInput } from '../workflows/project';
import { SA } from '../workflows/search-attributes';
import { forbidden, notFound } from './errors';
import { projectHandle, queryProject } from './projects';
import { subordinateBodies } from './units';

/**
 * 多级下发 use cases shared by the CLI, the API and the workspace: dispatch a share of a milestone
 * to a body below the unit holding it (which starts the sub-assignment's item), and a parent's
 * view of its shares with their colours rolled up. Refusals are raised before anything is started.
 */

export interface DispatchDeps {
  db: Kysely<Database>;
  client: Client;
  taskQueue: string;
}

const isUnitRole = (p: Principal): boolean => p.role === 'unit_staff' || p.role === 'unit_head';

export async function dispatchSubAssignment(
  deps: DispatchDeps,
  actor: Principal,
  raw: unknown,
  options: { nowMs?: number } = {},
): Promise<{ subAssignmentId: string; workflowId: string; milestoneId: string; deadline: string }> {
  if (!isUnitRole(actor)) throw forbidden(`${roleLabel[actor.role]}无权下发：由持有该节点的单位下发`);
  const input = parseDispatchInput(raw);
  const view = await queryProject(projectHandle(deps.client, input.cycleId, input.milestoneId)).catch(
    () => {
      throw new DispatchRejected(`找不到节点 ${input.milestoneId}（督导周期 ${input.cycleId}）`);
    },
  );
  const s = view.state;
  const m = s.milestones.find((x) => x.milestoneId === input.milestoneId);
  if (!m) throw new DispatchRejected(`找不到节点 ${input.milestoneId}`);
  const holder = m.assignments.find((a) => a.role === 'lead')?.unit ?? s.leadUnit;
  if (actor.unit !== holder) throw forbidden(`节点 ${m.milestoneId} 由${holder}承办，${actor.unit}无权下发`);
  if (s.status !== 'active') throw new DispatchRejected('该事项已暂停、办结或撤销，不能下发');
  if (m.phase === 'scheduled') throw new DispatchRejected(`节点“${m.text}”尚未开始，不能下发`);
  if (m.phase === 'submitted' || m.phase === 'approved' || m.phase === 'closed')
    throw new DispatchRejected(`节点“${m.text}”已报送或已办结，不能再下发`);
  const bodies = await subordinateBodies(deps.db, holder);
  if (!bodies.includes(input.body))
    throw new DispatchRejected(
      bodies.length === 0
        ? `${holder}在单位目录中没有下级单位：请先导入单位目录（dudao unit bodies import）`
        : `“${input.body}”不是${holder}的下级单位。可下发给：${bodies.join('、')}`,
    );
  const shares = await dispatchedShares(deps.db);
  const again = shares.find(
    (x) =>
      x.parentCycleId === input.cycleId &&
      x.parentProjectId === s.projectId &&
      x.parentMilestoneId === m.milestoneId &&
      x.body === input.body &&
      x.status !== 'cancelled',
  );
  if (again) throw new DispatchRejected(`已向${input.body}下发过该节点（${again.subAssignmentId}）`);
  const parentShare = shares.find((x) => x.subAssignmentId === s.projectId);
  const root =
    input.cycleId === DISPATCH_CYCLE && parentShare
      ? { rootCycleId: parentShare.rootCycleId, rootProjectId: parentShare.rootProjectId }
      : { rootCycleId: input.cycleId, rootProjectId: s.projectId };
  const nowMs = options.nowMs ?? Date.now();
  const subAssignmentId =
    input.subAssignmentId ?? `XF-${nowMs.toString(36)}${randomBytes(2).toString('hex')}`.toUpperCase();
  const now = planNow(view.clock, nowMs);
  const plan = planSubAssignment(
    { ...input, subAssignmentId },
    {
      cycleId: input.cycleId,
      projectId: s.projectId,
      title: s.title,
      milestoneId: m.milestoneId,
      dueAt: m.dueAt,
      targets: m.targets,
      unit: holder,
      ...root,
    },
    now,
    s.policy,
  );
  const workflowId = dispatchWorkflowId(subAssignmentId);
  const args: ProjectWorkflowInput = {
    cycleId: DISPATCH_CYCLE,
    projectId: subAssignmentId,
    policy: s.policy,
    clock: view.clock,
    closesAt: plan.closesAt,
    planTime: now,
    started: plan.started,
    subAssignment: { record: plan.record, by: actor },
  };
  try {
    await deps.client.workflow.start('majorProjectWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId,
      typedSearchAttributes: [
        { key: SA.cycleId, value: DISPATCH_CYCLE },
        { key: SA.projectId, value: subAssignmentId },
        { key: SA.kind, value: 'task' },
        { key: SA.units, value: [input.body] },
        { key: SA.status, value: 'active' },
      ],
      args: [args],
    });
  } catch (err) {
    if ((err as Error).name === 'WorkflowExecutionAlreadyStartedError')
      throw new DispatchRejected(`下发编号 ${subAssignmentId} 已被使用`);
    throw err;
  }
  return {
    subAssignmentId,
    workflowId,
    milestoneId: plan.started.milestones[0]!.milestoneId,
    deadline: plan.record.deadline,
  };
}

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
  if (!['inspector', 'auditor', 'unit_staff', 'unit_head'].includes(actor.role))
    throw forbidden(`${roleLabel[actor.role]}无权查看下发情况`);
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
      milestoneId: `${n.share.subAssignmentId}/reply`,
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

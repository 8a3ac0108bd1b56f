import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { dispatchedShares } from '../db/dispatch-views';
import { planNow } from '../domain/clock';
import {
  DISPATCH_CYCLE,
  DispatchRejected,
  dispatchWorkflowId,
  parseDispatchInput,
  planSubAssignment,
} from '../domain/dispatch';
import type { Principal } from '../domain/principal';
import { startSupervisedItem } from './supervised-item';
import { requireAction } from './authorize';
import { forbidden } from './errors';
import { projectHandle, queryProject } from './projects';
import { subordinateBodies } from './units';

/**
 * 多级下发's use case shared by the CLI, the API and the workspace: dispatch a share of a milestone
 * to a body below the unit holding it, which starts the sub-assignment's item. Refusals are raised
 * before anything is started. What people read of it is app/dispatch-views.ts's.
 */

export interface DispatchDeps {
  db: Kysely<Database>;
  client: Client;
  taskQueue: string;
}

export async function dispatchSubAssignment(
  deps: DispatchDeps,
  actor: Principal,
  raw: unknown,
  options: { nowMs?: number } = {},
): Promise<{ subAssignmentId: string; workflowId: string; milestoneId: string; deadline: string }> {
  requireAction(actor, 'dispatch');
  const input = parseDispatchInput(raw);
  const view = await queryProject(projectHandle(deps.client, input.cycleId, input.milestoneId)).catch(
    (err: unknown) => {
      // An item that never ran is a typo; anything else (the cluster unreachable) is not.
      if (err instanceof WorkflowNotFoundError)
        throw new DispatchRejected(`找不到节点 ${input.milestoneId}（督导周期 ${input.cycleId}）`);
      throw err;
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
  // Derived, not random: the same share asked for twice at once is one workflow id, started once.
  const earlier = shares.filter(
    (x) =>
      x.parentCycleId === input.cycleId && x.parentMilestoneId === m.milestoneId && x.body === input.body,
  ).length;
  const subAssignmentId =
    input.subAssignmentId ?? defaultShareId(input.cycleId, m.milestoneId, input.body, earlier);
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
  const started = await startSupervisedItem(deps, {
    cycleId: DISPATCH_CYCLE,
    itemId: subAssignmentId,
    workflowId,
    units: [input.body],
    input: {
      policy: s.policy,
      clock: view.clock,
      closesAt: plan.closesAt,
      planTime: now,
      started: plan.started,
      subAssignment: { record: plan.record, by: actor },
    },
  });
  if (!started) throw new DispatchRejected(`下发编号 ${subAssignmentId} 已被使用`);
  // Answered once the dispatch is recorded, so the next request (and the parent's view) sees it.
  await untilRecorded(deps.db, subAssignmentId);
  return {
    subAssignmentId,
    workflowId,
    milestoneId: plan.started.milestones[0]!.milestoneId,
    deadline: plan.record.deadline,
  };
}

/** `XF-` and a digest of the parent milestone and the body (and how often it was dispatched before). */
const defaultShareId = (cycleId: string, milestoneId: string, body: string, earlier: number): string =>
  `XF-${createHash('sha256').update(`${cycleId}\u0001${milestoneId}\u0001${body}`).digest('hex').slice(0, 10).toUpperCase()}${earlier > 0 ? `-${earlier + 1}` : ''}`;

/** Waits (about 10 s at most) for the sub-assignment's row: its workflow records the dispatch first. */
async function untilRecorded(db: Kysely<Database>, subAssignmentId: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const row = await db
      .selectFrom('sub_assignments')
      .select('project_id')
      .where('cycle_id', '=', DISPATCH_CYCLE)
      .where('project_id', '=', subAssignmentId)
      .executeTakeFirst();
    if (row) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

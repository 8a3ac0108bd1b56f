import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { dispatchedShares } from '../db/dispatch-views';
import type { ProjectCommand } from '../domain/commands';
import {
  DISPATCH_CYCLE,
  DispatchRejected,
  refuseWhileSharesAwaited,
  type DispatchedShare,
} from '../domain/dispatch';
import type { Principal } from '../domain/principal';
import { shanghaiDate } from '../domain/shanghai';
import { requireAction } from './authorize';
import { sendProjectCommand } from './commands';
import { projectHandle, queryProject } from './projects';

/**
 * 多级下发's rules that span workflows, judged before a command is sent (CLI, API and workspace
 * alike): a unit answers upward only once its shares are answered; a share's deadline never moves
 * past its parent's; and what happens to an item — cancelled, suspended, resumed, withdrawn —
 * happens to the shares below it. A share is a workflow of its own, so no single workflow can
 * judge these.
 */

export interface DispatchRuleDeps {
  db: Kysely<Database>;
  client: Client;
}

/** Whether `refuseAcrossShares` has anything to judge (callers skip opening the database otherwise). */
export const judgedAcrossShares = (cycleId: string, command: ProjectCommand): boolean =>
  command.type === 'submitReport' ||
  (cycleId === DISPATCH_CYCLE && (command.type === 'requestExtension' || command.type === 'decideExtension'));

/** Refuses a command that would break a rule spanning the item and its shares; sends nothing. */
export async function refuseAcrossShares(
  deps: DispatchRuleDeps,
  cycleId: string,
  command: ProjectCommand,
): Promise<void> {
  if (command.type === 'submitReport')
    refuseWhileSharesAwaited(await dispatchedShares(deps.db, { parentCycleId: cycleId }), {
      cycleId,
      milestoneId: command.milestoneId,
    });
  if (cycleId === DISPATCH_CYCLE && command.type === 'requestExtension')
    await refuseBeyondParent(deps, command.milestoneId, command.requestedDueAt);
  if (cycleId === DISPATCH_CYCLE && command.type === 'decideExtension' && command.grant) {
    const view = await queryProject(projectHandle(deps.client, cycleId, command.milestoneId));
    const asked = view.state.milestones
      .find((m) => m.milestoneId === command.milestoneId)
      ?.extensions.find((x) => x.requestId === command.requestId)?.requestedDueAt;
    const until = command.newDueAt ?? asked;
    if (until !== undefined) await refuseBeyondParent(deps, command.milestoneId, until);
  }
}

/** A share may be extended up to its parent milestone's deadline as it stands now, not past it. */
async function refuseBeyondParent(deps: DispatchRuleDeps, milestoneId: string, until: string): Promise<void> {
  const subAssignmentId = milestoneId.split('/')[0]!;
  const [share] = await dispatchedShares(deps.db, { subAssignmentId });
  if (!share) return;
  const parent = await queryProject(projectHandle(deps.client, share.parentCycleId, share.parentMilestoneId));
  const parentDue =
    parent.state.milestones.find((m) => m.milestoneId === share.parentMilestoneId)?.dueAt ??
    share.parentDueAt;
  if (Date.parse(until) > Date.parse(parentDue))
    throw new DispatchRejected(
      `下发事项的期限不能晚于上级节点的期限 ${shanghaiDate(parentDue)}（${share.unit}承办的 ${share.parentMilestoneId}），` +
        `申请的 ${shanghaiDate(until)} 晚于它。请改为不晚于 ${shanghaiDate(parentDue)} 的日期，或由${share.unit}先向上申请延期。`,
    );
}

/**
 * 撤回下发: the dispatching unit takes a share back. A share the body has dispatched further is
 * refused until the body has taken those back: they are the body's to withdraw, not the actor's.
 */
export async function withdrawShare(
  deps: DispatchRuleDeps,
  actor: Principal,
  subAssignmentId: string,
  reason: string,
) {
  requireAction(actor, 'withdraw');
  const shares = await dispatchedShares(deps.db);
  const share = shares.find((s) => s.subAssignmentId === subAssignmentId);
  if (!share) throw new DispatchRejected(`找不到下发事项 ${subAssignmentId}`);
  const below = openBelow(shares, { cycleId: DISPATCH_CYCLE, projectId: subAssignmentId }, 'cancel');
  if (below.length > 0)
    throw new DispatchRejected(
      `${share.body}已将 ${subAssignmentId} 继续下发：${below.map((s) => `${s.body}（${s.subAssignmentId}）`).join('、')}。` +
        `请先由${share.body}撤回这些下发，再撤回本项。`,
    );
  return sendProjectCommand(projectHandle(deps.client, DISPATCH_CYCLE, subAssignmentId), {
    type: 'withdraw',
    actor,
    reason,
  });
}

type Follow = 'cancel' | 'suspend' | 'resume';

/** The shares below an item (or every share of a plan cycle) that a lifecycle command still changes. */
function openBelow(
  shares: readonly (DispatchedShare & { rootCycleId: string })[],
  from: { cycleId: string; projectId?: string },
  type: Follow,
): DispatchedShare[] {
  const changes = (s: DispatchedShare) =>
    type === 'cancel'
      ? s.status === 'active' || s.status === 'suspended'
      : type === 'suspend'
        ? s.status === 'active'
        : s.status === 'suspended';
  const below =
    from.projectId === undefined
      ? shares.filter((s) => s.rootCycleId === from.cycleId)
      : descendants(shares, { cycleId: from.cycleId, projectId: from.projectId });
  return below.filter(changes);
}

function descendants(
  shares: readonly DispatchedShare[],
  parent: { cycleId: string; projectId: string },
): DispatchedShare[] {
  const children = shares.filter(
    (s) => s.parentCycleId === parent.cycleId && s.parentProjectId === parent.projectId,
  );
  return children.flatMap((c) => [
    c,
    ...descendants(shares, { cycleId: DISPATCH_CYCLE, projectId: c.subAssignmentId }),
  ]);
}

/**
 * After 督导处 cancelled, suspended or resumed an item (or cancelled a whole cycle: no `projectId`),
 * the same command reaches every share below it, as 督导处, with the reason saying why. A share that
 * changed meanwhile (closed, say) is left as it is. Answers how many shares followed.
 */
export async function followDown(
  deps: DispatchRuleDeps,
  actor: Principal,
  from: { cycleId: string; projectId?: string },
  type: Follow,
  reason: string,
): Promise<number> {
  const below = openBelow(await dispatchedShares(deps.db), from, type);
  const why = from.projectId === undefined ? `督导周期已撤销：${reason}` : `上级事项${verb[type]}：${reason}`;
  let followed = 0;
  for (const share of below) {
    try {
      await sendProjectCommand(projectHandle(deps.client, DISPATCH_CYCLE, share.subAssignmentId), {
        type,
        actor,
        reason: why.slice(0, 2_000),
      });
      followed++;
    } catch (err) {
      if (!refusedAsChanged(err)) throw err;
    }
  }
  return followed;
}

const verb: Record<Follow, string> = { cancel: '已撤销', suspend: '已暂停', resume: '已恢复' };

/** The share's workflow refused because it had already closed or changed state: nothing to follow. */
const refusedAsChanged = (err: unknown): boolean =>
  err instanceof WorkflowUpdateFailedError &&
  err.cause instanceof ApplicationFailure &&
  ['closed', 'conflict', 'wrong_state'].includes(err.cause.type ?? '');

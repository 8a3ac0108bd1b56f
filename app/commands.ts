import { randomUUID } from 'node:crypto';
import {
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ProjectCommand } from '../domain/commands';
import {
  BUSY,
  cancelCycle,
  extendCycle,
  projectUpdates,
  type CycleCancellation,
  type CycleExtension,
  type CycleView,
  type ProjectView,
} from '../workflows/messages';
import { describeProject } from '../workflows/view';

/** Stamps when the person acted: the workflow decides the command at that (plan) time. */
export const stamped = <C extends { requestedAt?: string | undefined }>(
  command: C,
  nowMs = Date.now(),
): C => ({
  ...command,
  requestedAt: command.requestedAt ?? new Date(nowMs).toISOString(),
});

const isBusy = (err: unknown): boolean =>
  err instanceof WorkflowUpdateFailedError &&
  err.cause instanceof ApplicationFailure &&
  err.cause.type === BUSY;

/** Attempts and pauses for an Update the workflow refused as busy (about 6 s in all). */
const BUSY_RETRIES = [50, 100, 200, 300, 500, 800, 1_000, 1_000, 1_000, 1_000] as const;

/** How long a person's command waits for the workflow's answer before they are told to look. */
export const ANSWER_WAIT_MS = 5 * 60_000;

/**
 * Sends an Update under a fresh id, again while the workflow answers `busy` (it was acting on a
 * timer or an activity in the same workflow task and refused it without recording anything).
 */
export async function untilNotBusy<R>(
  send: (updateId: string) => Promise<R>,
  waitMs = ANSWER_WAIT_MS,
): Promise<R> {
  for (const pause of BUSY_RETRIES) {
    try {
      return await untilAnswered(send, randomUUID(), waitMs);
    } catch (err) {
      if (!isBusy(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
  return untilAnswered(send, randomUUID(), waitMs);
}

/**
 * Sends one Update until the workflow answers it. A call can time out while the server still holds
 * the Update (a loaded worker has not reached it yet); sent again under the same id, it attaches to
 * that Update instead of failing a command that may yet be carried out, or carrying it out twice.
 */
async function untilAnswered<R>(
  send: (updateId: string) => Promise<R>,
  updateId: string,
  waitMs: number,
): Promise<R> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await send(updateId);
    } catch (err) {
      if (!(err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) throw err;
      if (Date.now() >= deadline)
        throw new Error(
          `流程在 ${Math.round(waitMs / 1000)} 秒内未答复这次操作（编号 ${updateId}），它可能稍后生效：请先查看项目状态，再决定是否重新提交`,
        );
    }
  }
}

/** One human action on a project; answers the project's view at the caller's real time. */
export async function sendProjectCommand(
  handle: WorkflowHandle,
  command: ProjectCommand,
): Promise<ProjectView> {
  const sent = stamped(command);
  const view = await untilNotBusy((updateId) =>
    handle.executeUpdate(projectUpdates[sent.type], { args: [sent], updateId }),
  );
  return describeProject(view.state, view.clock, Date.now());
}

export const sendCycleExtension = (handle: WorkflowHandle, request: CycleExtension): Promise<CycleView> => {
  const sent = stamped(request);
  return untilNotBusy((updateId) => handle.executeUpdate(extendCycle, { args: [sent], updateId }));
};

export const sendCycleCancellation = (
  handle: WorkflowHandle,
  request: CycleCancellation,
): Promise<CycleView> => {
  const sent = stamped(request);
  return untilNotBusy((updateId) => handle.executeUpdate(cancelCycle, { args: [sent], updateId }));
};

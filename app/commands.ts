import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
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

/**
 * Sends an Update, again while the workflow answers `busy` (it was acting on a timer or an
 * activity in the same workflow task and refused it without recording anything).
 */
export async function untilNotBusy<R>(send: () => Promise<R>): Promise<R> {
  for (const pause of BUSY_RETRIES) {
    try {
      return await send();
    } catch (err) {
      if (!isBusy(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
  return send();
}

/** One human action on a project; answers the project's view at the caller's real time. */
export async function sendProjectCommand(
  handle: WorkflowHandle,
  command: ProjectCommand,
): Promise<ProjectView> {
  const sent = stamped(command);
  const view = await untilNotBusy(() => handle.executeUpdate(projectUpdates[sent.type], { args: [sent] }));
  return describeProject(view.state, view.clock, Date.now());
}

export const sendCycleExtension = (handle: WorkflowHandle, request: CycleExtension): Promise<CycleView> => {
  const sent = stamped(request);
  return untilNotBusy(() => handle.executeUpdate(extendCycle, { args: [sent] }));
};

export const sendCycleCancellation = (
  handle: WorkflowHandle,
  request: CycleCancellation,
): Promise<CycleView> => {
  const sent = stamped(request);
  return untilNotBusy(() => handle.executeUpdate(cancelCycle, { args: [sent] }));
};

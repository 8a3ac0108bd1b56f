/**
 * The same change as `../changed-workflows`, versioned the way Temporal requires: behind
 * `patched()`. Replaying a history recorded before the change takes the old path (no timer); new
 * runs take the new one and mark their history with the patch.
 */
import { patched, sleep } from '@temporalio/workflow';
import {
  majorProjectWorkflow as recordedMajorProjectWorkflow,
  type ProjectWorkflowInput,
} from '../../../workflows/project';
import type { ProjectState } from '../../../domain/project';

export { inspectionCycleWorkflow } from '../../../workflows/cycle';
export { recurringCycleWorkflow } from '../../../workflows/recurring';

export const settleDelayPatch = 'project-settle-delay';

export async function majorProjectWorkflow(input: ProjectWorkflowInput): Promise<ProjectState> {
  if (patched(settleDelayPatch)) await sleep('1 second');
  return recordedMajorProjectWorkflow(input);
}

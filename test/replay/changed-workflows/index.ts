/**
 * The workflows as they would be after a careless change: the project workflow now waits a second
 * before doing anything, i.e. it schedules a timer where the recorded history has the first
 * `recordEvents` activity. No `patched()` guards the change, so running workflows cannot replay.
 */
import { sleep } from '@temporalio/workflow';
import {
  majorProjectWorkflow as recordedMajorProjectWorkflow,
  type ProjectWorkflowInput,
} from '../../../workflows/project';
import type { ProjectState } from '../../../domain/project';

export { inspectionCycleWorkflow } from '../../../workflows/cycle';

export async function majorProjectWorkflow(input: ProjectWorkflowInput): Promise<ProjectState> {
  await sleep('1 second');
  return recordedMajorProjectWorkflow(input);
}

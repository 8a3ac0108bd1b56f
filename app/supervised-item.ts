import type { Client } from '@temporalio/client';
import type { ProjectWorkflowInput } from '../workflows/project';
import { supervisedItemAttributes } from '../workflows/search-attributes';

/**
 * 领导批示, 整改 and 下发 are supervised items the project workflow runs like a plan item: one
 * milestone, opened by the record a person's signed start carries. This starts one.
 */
export interface SupervisedItem {
  /** The item's pseudo-cycle (`instructions`, `rectifications`, `dispatch`) and its id there. */
  cycleId: string;
  itemId: string;
  workflowId: string;
  /** Who works on it: listed for visibility queries. */
  units: string[];
  input: Omit<ProjectWorkflowInput, 'cycleId' | 'projectId'>;
}

/**
 * Starts the item's workflow; false when one with its id was started before, even if it has
 * closed since (an item's id names one record, never a second).
 */
export async function startSupervisedItem(
  deps: { client: Client; taskQueue: string },
  item: SupervisedItem,
): Promise<boolean> {
  const args: ProjectWorkflowInput = { cycleId: item.cycleId, projectId: item.itemId, ...item.input };
  try {
    await deps.client.workflow.start('majorProjectWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId: item.workflowId,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: supervisedItemAttributes(item),
      args: [args],
    });
    return true;
  } catch (err) {
    if ((err as Error).name === 'WorkflowExecutionAlreadyStartedError') return false;
    throw err;
  }
}

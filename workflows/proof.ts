import { ApplicationFailure, currentUpdateInfo, workflowInfo } from '@temporalio/workflow';
import { proofProblem } from './schemas';

/** The refusal code of a command whose principal the worker could not verify. */
export const UNVERIFIED = 'unverified_principal';

/**
 * In an Update validator: refuses a command whose signature the worker's codec did not verify,
 * or that was signed for another workflow, Update or Update id. Validators run live only, so a
 * refused command leaves nothing in history, and replay never looks at a proof.
 */
export function refuseUnproven(raw: unknown, update: string): void {
  const command = (typeof raw === 'object' && raw !== null ? raw : {}) as {
    actor?: unknown;
    proof?: unknown;
  };
  const problem = proofProblem(command, {
    workflowId: workflowInfo().workflowId,
    update,
    updateId: currentUpdateInfo()?.id,
  });
  if (problem) throw ApplicationFailure.nonRetryable(problem, UNVERIFIED);
}

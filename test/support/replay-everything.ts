import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { replayAll, replayBundle } from '../../audit/replay';
import type { WorkflowHistories } from '../../audit/source';

/**
 * Replays every workflow run the integration tests left on their Temporal server against the
 * current workflow code, so a divergence that a test's own assertions let through still fails the
 * run. Returns one line per nondeterministic run (empty when all replay).
 */
export async function replayEverything(address: string): Promise<{ runs: number; failures: string[] }> {
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
    });
  } catch {
    // installed already
  }
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace: 'default' });
    const executions: { workflowId: string; runId: string }[] = [];
    for await (const wf of client.workflow.list())
      executions.push({ workflowId: wf.workflowId, runId: wf.runId });
    const workflows: WorkflowHistories[] = [];
    for (let i = 0; i < executions.length; i += 25) {
      const batch = executions.slice(i, i + 25);
      workflows.push(
        ...(await Promise.all(
          batch.map(async ({ workflowId, runId }) => ({
            workflowId,
            runs: [{ runId, history: await client.workflow.getHandle(workflowId, runId).fetchHistory() }],
          })),
        )),
      );
    }
    const verdicts = await replayAll(workflows, await replayBundle());
    return {
      runs: verdicts.length,
      failures: verdicts
        .filter((v) => !v.deterministic)
        .map((v) => `${v.workflowId} (${v.runId}): ${v.divergence ?? ''}`),
    };
  } finally {
    await connection.close();
  }
}

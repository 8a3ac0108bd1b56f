import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleOptions } from '../worker/bundle';
import type { WorkflowHistories } from './source';

export interface ReplayVerdict {
  workflowId: string;
  runId: string;
  deterministic: boolean;
  /** The first divergence, as the SDK names it. */
  divergence: string | null;
}

/** The current workflow code, bundled once for replay (or another folder's, to test a change). */
export const replayBundle = (workflowsPath?: string): Promise<WorkflowBundleWithSourceMap> =>
  bundleWorkflowCode({ ...bundleOptions(), ...(workflowsPath ? { workflowsPath } : {}), logger: silent });

const silent = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  log: () => undefined,
};

/** Replays every run against the workflow code with `Worker.runReplayHistories`. */
export async function replayAll(
  workflows: WorkflowHistories[],
  bundle: WorkflowBundleWithSourceMap,
  onProgress?: (done: number, total: number) => void,
): Promise<ReplayVerdict[]> {
  const runs = workflows.flatMap((wf) =>
    wf.runs.map((r) => ({ workflowId: wf.workflowId, history: r.history, runId: r.runId })),
  );
  const verdicts: ReplayVerdict[] = [];
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: bundle, replayName: 'dudao-audit' },
    runs,
  )) {
    verdicts.push({
      workflowId: result.workflowId,
      runId: runs[verdicts.length]?.runId ?? '',
      deterministic: result.error === undefined,
      divergence: result.error ? result.error.message : null,
    });
    onProgress?.(verdicts.length, runs.length);
  }
  return verdicts;
}

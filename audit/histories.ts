import fs from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyFromJSON, historyToJSON, type History } from '@temporalio/common/lib/proto-utils';

export { historyFromJSON, historyToJSON, type History };

/** A recorded history file, decoded for `Worker.runReplayHistory`. */
export async function loadHistory(file: string): Promise<History> {
  return historyFromJSON(JSON.parse(await fs.readFile(file, 'utf8')));
}

/** One workflow run written to disk: its file name and the run it came from. */
export interface RecordedRun {
  file: string;
  workflowId: string;
  runId: string;
}

/**
 * A history does not name its own workflow id, yet replay needs it: workflow code derives ids from
 * it (a cycle names its project children `<cycle id>/<item id>`). The ids are kept beside the files.
 */
export const MANIFEST = 'workflow-ids.json';
export type Manifest = Record<string, { workflowId: string; runId: string }>;

/** Every run of a workflow id, oldest first (a continued-as-new chain lists one entry per run). */
export async function listRuns(
  client: Client,
  workflowId: string,
): Promise<{ runId: string; startTime: Date }[]> {
  const runs: { runId: string; startTime: Date }[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    runs.push({ runId: execution.runId, startTime: execution.startTime });
  }
  return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
}

/**
 * Fetches the full event history of each workflow (every run of it, when it continued as new) and
 * writes it to `dir` in Temporal's JSON history format, which `Worker.runReplayHistory` replays.
 * `workflows` maps a file name to a workflow id. A single-run workflow is written as
 * `<name>.json`; run `n` of a continue-as-new chain as `<name>.run-<n>.json`. Each file's workflow
 * and run id are merged into the directory's {@link MANIFEST}.
 */
export async function recordHistories(
  client: Client,
  workflows: Record<string, string>,
  dir: string,
): Promise<RecordedRun[]> {
  await fs.mkdir(dir, { recursive: true });
  const recorded: RecordedRun[] = [];
  for (const [name, workflowId] of Object.entries(workflows)) {
    const runs = await listRuns(client, workflowId);
    if (runs.length === 0) throw new Error(`no runs of workflow ${workflowId}`);
    for (const [index, { runId }] of runs.entries()) {
      const file = `${runs.length === 1 ? name : `${name}.run-${index + 1}`}.json`;
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      await fs.writeFile(path.join(dir, file), `${historyToJSON(history)}\n`);
      recorded.push({ file, workflowId, runId });
    }
  }
  const manifestPath = path.join(dir, MANIFEST);
  const manifest: Manifest = JSON.parse(
    await fs.readFile(manifestPath, 'utf8').catch(() => '{}'),
  ) as Manifest;
  for (const { file, workflowId, runId } of recorded) manifest[file] = { workflowId, runId };
  const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
  await fs.writeFile(manifestPath, `${JSON.stringify(sorted, null, 2)}\n`);
  return recorded;
}

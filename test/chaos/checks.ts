import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { liveSource, type WorkflowHistories } from '../../audit/source';
import { historyToJSON } from '../../audit/histories';
import { replayAll } from '../../audit/replay';
import { verifyModels, verifyStreams } from '../../audit/verify';
import { findingLabel } from '../../audit/compare';

const { EventType, WorkflowTaskFailedCause } = temporal.api.enums.v1;
const UNHANDLED_COMMAND = WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND;

/** What a chaos run must show at the end, and the figures of its one line. */
export interface RunFindings {
  runs: number;
  nondeterministic: string[];
  failingTasks: string[];
  events: number;
  logFindings: string[];
  modelMismatches: string[];
  notices: number;
  undelivered: string[];
  unseen: string[];
  duplicateDeliveries: number;
}

export async function checkRun(
  client: Client,
  db: Kysely<Database>,
  cycleId: string,
  bundle: WorkflowBundleWithSourceMap,
  received: Map<string, number>,
  evidenceDir: string,
): Promise<RunFindings> {
  const source = liveSource(client, db, { cycleId });
  const workflows = await source.workflows();
  const verdicts = await replayAll(workflows, bundle);
  keepDivergentHistories(workflows, verdicts, evidenceDir);
  // A task that failed (as opposed to timing out with a killed worker) is a defect, except the
  // server's refusal of a completion while new events wait (a timer that fired, a signal that
  // arrived, as the run closes): the task runs again with them, as Temporal intends.
  const failingTasks = workflows.flatMap((wf) =>
    wf.runs.flatMap((run) =>
      (run.history.events ?? [])
        .filter(
          (e) =>
            e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED &&
            e.workflowTaskFailedEventAttributes?.cause !== UNHANDLED_COMMAND,
        )
        .map(
          (e) =>
            `${wf.workflowId}#${String(e.eventId)}: ${e.workflowTaskFailedEventAttributes?.failure?.message ?? ''}`,
        ),
    ),
  );
  const { streams, counts } = await verifyStreams(source);
  const models = await verifyModels(db);
  const notices = await db
    .selectFrom('notifications')
    .select(['notification_id', 'status'])
    .where('cycle_id', '=', cycleId)
    .execute();
  return {
    runs: verdicts.length,
    nondeterministic: verdicts
      .filter((v) => !v.deterministic)
      .map((v) => `${v.workflowId}: ${v.divergence ?? ''}`),
    failingTasks,
    events: counts.events,
    logFindings: streams.flatMap((s) => s.findings.map((f) => `${s.streamId}: ${findingLabel(f)}`)),
    modelMismatches: models.filter((m) => !m.equal).map((m) => m.name),
    notices: notices.length,
    undelivered: notices
      .filter((n) => n.status !== 'delivered')
      .map((n) => `${n.notification_id} (${n.status})`),
    unseen: notices.filter((n) => !received.has(n.notification_id)).map((n) => n.notification_id),
    duplicateDeliveries: [...received.values()].reduce((n, count) => n + count - 1, 0),
  };
}

/**
 * A run that no longer replays is the one piece of evidence a nondeterminism fix needs: its
 * history goes next to the run's logs, ready to become a replay test.
 */
function keepDivergentHistories(
  workflows: WorkflowHistories[],
  verdicts: { runId: string; deterministic: boolean }[],
  dir: string,
): void {
  const divergent = new Set(verdicts.filter((v) => !v.deterministic).map((v) => v.runId));
  for (const wf of workflows)
    for (const run of wf.runs)
      if (divergent.has(run.runId))
        fs.writeFileSync(
          path.join(dir, `history-${wf.workflowId.replace(/[^\w.-]+/g, '_')}-${run.runId}.json`),
          `${historyToJSON(run.history)}\n`,
        );
}

export const problemsOf = (f: RunFindings): string[] => [
  ...f.nondeterministic.map((x) => `回放不一致：${x}`),
  ...f.failingTasks.map((x) => `工作流任务失败：${x}`),
  ...f.logFindings.map((x) => `事件日志：${x}`),
  ...f.modelMismatches.map((x) => `读模型与重建结果不一致：${x}`),
  ...f.undelivered.map((x) => `通知未送达：${x}`),
  ...f.unseen.map((x) => `接收方未收到通知：${x}`),
];

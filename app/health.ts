import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';

const { EventType } = temporal.api.enums.v1;

/** A workflow that cannot make progress: its task keeps failing, or it cannot answer a query. */
export interface StuckWorkflow {
  workflowId: string;
  workflowType: string;
  cycleId: string | null;
  itemId: string | null;
  problem: 'task_failing' | 'query_failing';
  /** The error, as the worker reported it. */
  detail: string;
  /** When the trouble began (the first failed task, or now for a failing query). */
  since: Date;
  attempts: number;
}

const DUDAO_TYPES = `(WorkflowType = 'majorProjectWorkflow' OR WorkflowType = 'inspectionCycleWorkflow')`;

/**
 * Every running dudao workflow whose task has failed more than once in a row (the worker retries
 * it forever: nondeterminism, a bug, a record the store refuses), and, when asked, every project
 * that does not answer its `state` query. Reads only.
 */
export interface HealthSweep {
  /** Every running workflow looked at. */
  examined: string[];
  stuck: StuckWorkflow[];
  /** The cycle the sweep covered, or null for every dudao workflow of the namespace. */
  cycleId: string | null;
}

export async function findStuck(
  client: Client,
  options: { cycleId?: string; checkQueries?: boolean } = {},
): Promise<HealthSweep> {
  const clauses = [`ExecutionStatus = 'Running'`, DUDAO_TYPES];
  if (options.cycleId) {
    const id = options.cycleId.replace(/'/g, "\\'");
    clauses.push(`(DudaoCycleId = '${id}' OR WorkflowId = 'cycle-${id}')`);
  }
  const running: { workflowId: string; type: string; cycleId: string | null; itemId: string | null }[] = [];
  for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) {
    const attrs = wf.searchAttributes as Record<string, unknown[] | undefined>;
    running.push({
      workflowId: wf.workflowId,
      type: wf.type,
      cycleId: (attrs.DudaoCycleId?.[0] as string | undefined) ?? null,
      itemId: (attrs.DudaoProjectId?.[0] as string | undefined) ?? null,
    });
  }
  const stuck: StuckWorkflow[] = [];
  for (let i = 0; i < running.length; i += 16) {
    const found = await Promise.all(running.slice(i, i + 16).map((wf) => examine(client, wf, options)));
    stuck.push(...found.filter((s): s is StuckWorkflow => s !== null));
  }
  return { examined: running.map((r) => r.workflowId), stuck, cycleId: options.cycleId ?? null };
}

async function examine(
  client: Client,
  wf: { workflowId: string; type: string; cycleId: string | null; itemId: string | null },
  options: { checkQueries?: boolean },
): Promise<StuckWorkflow | null> {
  const handle = client.workflow.getHandle(wf.workflowId);
  const base = { workflowId: wf.workflowId, workflowType: wf.type, cycleId: wf.cycleId, itemId: wf.itemId };
  const description = await handle.describe().catch(() => null);
  if (!description) return null;
  const attempts = description.raw.pendingWorkflowTask?.attempt ?? 0;
  if (attempts > 1) {
    const events = (await handle.fetchHistory()).events ?? [];
    // The first failure after the last completed task: later attempts are not written to history.
    const done = events.map((e) => e.eventType).lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    const failure = events
      .slice(done + 1)
      .find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    return {
      ...base,
      problem: 'task_failing',
      detail: failure?.workflowTaskFailedEventAttributes?.failure?.message ?? '工作流任务反复失败',
      since: failure?.eventTime ? timestampToDate(failure.eventTime) : new Date(),
      attempts,
    };
  }
  if (options.checkQueries && wf.type === 'majorProjectWorkflow') {
    const problem = await handle
      .query('state')
      .then(() => null)
      .catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
    if (problem)
      return { ...base, problem: 'query_failing', detail: problem, since: new Date(), attempts: 0 };
  }
  return null;
}

const timestampToDate = (t: { seconds?: unknown; nanos?: number | null }): Date =>
  new Date(Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6));

/**
 * Makes `workflow_health` say what a sweep found: a row per stuck workflow (keeping when its
 * trouble began); rows of workflows found healthy, or no longer running, go.
 */
export async function recordHealth(
  db: Kysely<Database>,
  sweep: HealthSweep,
  checkedAt = new Date(),
): Promise<void> {
  const stuckIds = sweep.stuck.map((s) => s.workflowId);
  await db.transaction().execute(async (trx) => {
    let cleared = trx.deleteFrom('workflow_health');
    if (sweep.cycleId) cleared = cleared.where('cycle_id', '=', sweep.cycleId);
    if (stuckIds.length > 0) cleared = cleared.where('workflow_id', 'not in', stuckIds);
    await cleared.execute();
    for (const s of sweep.stuck) {
      await trx
        .insertInto('workflow_health')
        .values({
          workflow_id: s.workflowId,
          cycle_id: s.cycleId,
          item_id: s.itemId,
          problem: s.problem,
          detail: s.detail,
          since: s.since.toISOString(),
          attempts: s.attempts,
          checked_at: checkedAt.toISOString(),
        })
        .onConflict((oc) =>
          oc.column('workflow_id').doUpdateSet((eb) => ({
            problem: eb.ref('excluded.problem'),
            detail: eb.ref('excluded.detail'),
            attempts: eb.ref('excluded.attempts'),
            checked_at: eb.ref('excluded.checked_at'),
          })),
        )
        .execute();
    }
  });
}

/**
 * Sweeps every `intervalMs` in the worker process: stuck work shows on the board within a minute
 * whether or not anyone runs `dudao doctor`.
 */
export function startHealthSweep(
  client: Client,
  db: Kysely<Database>,
  options: { intervalMs?: number; onError?: (err: unknown) => void } = {},
): { stop(): Promise<void> } {
  let running = true;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (running) {
      try {
        await recordHealth(db, await findStuck(client));
      } catch (err) {
        // A sweep cut short by the stop (the stack closing its connections) is not reported.
        if (running) options.onError?.(err);
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, options.intervalMs ?? 60_000).unref();
      });
    }
  })();
  return {
    stop: async () => {
      running = false;
      wake?.();
      await loop;
    },
  };
}

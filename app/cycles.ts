import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database';
import { CycleScope, CycleWindow, Drill } from '../domain/events';
import { CyclePolicy } from '../domain/policy';
import type { Principal } from '../domain/principal';
import { planNow } from '../domain/clock';
import { cycleWorkflowId } from '../workflows/ids';
import { yearWindow } from '../domain/cycle';
import { cycleItems } from './cycle-items';
import { inspectionCycleWorkflow, type CycleWorkflowInput } from '../workflows/cycle';
import { cycleStateQuery, type CycleView } from '../workflows/messages';
import { sendCycleCancellation, sendCycleExtension } from './commands';
import { followDown, type DispatchRuleDeps } from './dispatch-rules';
import { ApiError } from './errors';
import { calendarWarning, withOfficeCalendar } from './cycle-calendar';

/** A date (YYYY-MM-DD, end of that day in Beijing) or an ISO instant. */
const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T.+)?$/, '日期格式应为 YYYY-MM-DD')
  .transform((v, ctx) => {
    const d = new Date(v.length === 10 ? `${v}T23:59:59+08:00` : v);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: `“${v}”不是有效日期` });
      return z.NEVER;
    }
    return d.toISOString();
  });

export const StartCycleBody = z.object({
  name: z.string().trim().min(1, '请填写周期名称').max(100),
  cycleId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, '周期编号只能包含字母、数字、- 和 _')
    .optional(),
  year: z.number().int().min(2000).max(2100).optional(),
  window: z.object({ opensAt: Day, submissionDueAt: Day, reviewDueAt: Day }).optional(),
  scope: CycleScope,
  policy: CyclePolicy.partial().default({}),
  drill: Drill.nullable().default(null),
  planId: z.number().int().optional(),
  planVersion: z.number().int().optional(),
});
export type StartCycleBody = z.input<typeof StartCycleBody>;

export const ExtendCycleBody = z.object({
  submissionDueAt: Day,
  reviewDueAt: Day.optional(),
  reason: z.string().trim().min(1, '请填写延长原因').max(2000),
});
export const CancelCycleBody = z.object({ reason: z.string().trim().min(1, '请填写撤销原因').max(2000) });

export interface StartCycleOptions {
  name: string;
  cycleId: string;
  window: CycleWindow;
  scope: CycleScope;
  policy: CyclePolicy;
  drill: Drill | null;
  planId?: number;
  planVersion?: number;
}

/** Builds the cycle's input from the stored plan: the items its scope selects, slimmed for the workflow. */
export async function buildCycleInput(
  o: StartCycleOptions,
  startedBy: CycleWorkflowInput['startedBy'],
  db: Kysely<Database>,
): Promise<CycleWorkflowInput> {
  // The office's published holiday calendar for the window's years (calendarWarning names the others).
  // New cycles run 任务 on the light flow unless the office asks for the full one.
  const policy = await withOfficeCalendar(
    db,
    { ...o.policy, taskFlow: o.policy.taskFlow ?? 'light' },
    o.window,
  );
  const { planId, version, items } = await cycleItems(db, {
    scope: o.scope,
    window: o.window,
    taskFlow: policy.taskFlow,
    planId: o.planId,
    planVersion: o.planVersion,
  });
  if (items.length === 0)
    throw new Error('所选范围内没有带责任单位的事项，请调整 --kinds/--section/--unit/--items');
  return {
    cycleId: o.cycleId,
    name: o.name,
    planId: String(planId),
    planVersion: version,
    scope: o.scope,
    window: o.window,
    policy,
    drill: o.drill,
    items,
    startedBy,
  };
}

/** Starts a cycle over the stored plan; the role was checked by the caller (the cycle workflow has no validator for its start). */
export async function startCycle(
  deps: { db: Kysely<Database>; client: Client; taskQueue: string },
  actor: Principal,
  body: z.output<typeof StartCycleBody>,
): Promise<{ cycleId: string; items: number; warning?: string }> {
  const policy = CyclePolicy.parse(body.policy);
  const window = body.window
    ? CycleWindow.parse(body.window)
    : body.year
      ? yearWindow(body.year, 1, policy.holidayRule)
      : null;
  if (!window) throw new ApiError(400, 'invalid_command', '请给出年度或起止日期');
  if (Date.parse(window.submissionDueAt) <= Date.parse(window.opensAt))
    throw new ApiError(400, 'invalid_command', '报送截止时间必须晚于开始时间');
  if (Date.parse(window.reviewDueAt) < Date.parse(window.submissionDueAt))
    throw new ApiError(400, 'invalid_command', '审核截止时间不能早于报送截止时间');
  const cycleId = body.cycleId ?? `${window.opensAt.slice(0, 4)}-${Date.now().toString(36)}`;
  let input;
  try {
    input = await buildCycleInput(
      {
        name: body.name,
        cycleId,
        window,
        scope: body.scope,
        policy,
        drill: body.drill,
        planId: body.planId,
        planVersion: body.planVersion,
      },
      actor,
      deps.db,
    );
  } catch (err) {
    // buildCycleInput explains an empty scope or a missing plan in Chinese.
    throw new ApiError(400, 'invalid_command', (err as Error).message);
  }
  try {
    await deps.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: deps.taskQueue,
      workflowId: cycleWorkflowId(cycleId),
      args: [input],
    });
  } catch (err) {
    if ((err as Error).name === 'WorkflowExecutionAlreadyStartedError')
      throw new ApiError(409, 'conflict', `周期编号 ${cycleId} 已被使用`);
    throw err;
  }
  const warning = calendarWarning(input.policy, input.window);
  return { cycleId, items: input.items.length, ...(warning ? { warning } : {}) };
}

export interface CycleListRow {
  cycleId: string;
  status: string;
  startedAt: string;
}

/**
 * The cycles this deployment runs: those on its task queue. A namespace may be shared (other
 * deployments, tests), and their workflows may have no worker here to answer queries.
 */
export async function listCycles(client: Client, taskQueue: string): Promise<CycleListRow[]> {
  const rows: CycleListRow[] = [];
  const query = `WorkflowType = 'inspectionCycleWorkflow' AND TaskQueue = '${taskQueue.replace(/'/g, "\\'")}'`;
  for await (const wf of client.workflow.list({ query }))
    rows.push({
      cycleId: wf.workflowId.replace(/^cycle-/, ''),
      status: wf.status.name,
      startedAt: wf.startTime.toISOString(),
    });
  return rows.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/**
 * The cycle's state with its plan-time "now": at the caller's time while it runs, at the moment it
 * ended once it has (a finished drill cycle's clock would otherwise run on for years).
 */
export async function showCycle(client: Client, cycleId: string): Promise<CycleView> {
  const handle = client.workflow.getHandle(cycleWorkflowId(cycleId));
  const view = await handle.query(cycleStateQuery);
  if (view.status === 'running' || view.status === 'closing')
    return { ...view, now: planNow(view.clock, Date.now()) };
  const { closeTime } = await handle.describe();
  return { ...view, now: planNow(view.clock, (closeTime ?? new Date()).getTime()) };
}

export async function extend(
  client: Client,
  actor: Principal,
  cycleId: string,
  body: z.output<typeof ExtendCycleBody>,
): Promise<CycleView> {
  const handle = client.workflow.getHandle(cycleWorkflowId(cycleId));
  const current = await handle.query(cycleStateQuery);
  const reviewDueAt =
    body.reviewDueAt ??
    (Date.parse(current.window.reviewDueAt) > Date.parse(body.submissionDueAt)
      ? current.window.reviewDueAt
      : body.submissionDueAt);
  return sendCycleExtension(handle, {
    actor,
    window: { ...current.window, submissionDueAt: body.submissionDueAt, reviewDueAt },
    reason: body.reason,
  });
}

/** Cancels a cycle; the shares dispatched below its items (多级下发) are cancelled with it. */
export async function cancel(
  deps: DispatchRuleDeps,
  actor: Principal,
  cycleId: string,
  reason: string,
): Promise<CycleView> {
  const view = await sendCycleCancellation(deps.client.workflow.getHandle(cycleWorkflowId(cycleId)), {
    actor,
    reason,
  });
  await followDown(deps, actor, { cycleId }, 'cancel', reason);
  return view;
}

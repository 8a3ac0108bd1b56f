import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { RectificationRow } from '../db/projections/rectifications';
import { ClockAnchor, planNow, realClock } from '../domain/clock';
import type { Principal } from '../domain/principal';
import { CyclePolicy } from '../domain/policy';
import {
  DEFAULT_LATE_DAYS,
  RECTIFICATIONS_CYCLE,
  RectificationRejected,
  carriedIdOf,
  carriedReason,
  isUnrectified,
  planRectification,
  rectificationDeadline,
  rectificationIdOf,
  rectificationWorkflowId,
  shortfallsOf,
  type CloseOutRules,
  type MilestoneOutcome,
  type Shortfall,
} from '../domain/rectification';
import { shanghaiDate } from '../domain/shanghai';
import { startSupervisedItem, type SupervisedItem } from './supervised-item';
import { latestPlanTime } from '../reports/queries';
import {
  composeRectificationNotice,
  type RectificationNotice,
} from '../reports/documents/rectification-notice';
import { sendProjectCommand } from './commands';

/**
 * 整改 use cases shared by the CLI and the API: a cycle's close-out (the milestones that fell short,
 * with the 整改 each became), issuing the 整改通知 (each 整改 starts the item that carries it out),
 * carrying the unrectified into the next cycle, listing rounds. Refusals are `RectificationRejected`
 * with a Chinese message, raised before anything is started.
 */

export interface RectificationDeps {
  db: Kysely<Database>;
  client: Client;
  taskQueue: string;
}

/** A cycle as its CycleStarted event fixed it: what close-out judges by and 整改 run under. */
interface CycleRegime {
  cycleId: string;
  name: string;
  status: 'open' | 'cancelled' | 'closed';
  submissionDueAt: string;
  policy: CyclePolicy;
  clock: ClockAnchor | null;
}

async function cycleRegime(db: Kysely<Database>, cycleId: string): Promise<CycleRegime> {
  const cycle = await db
    .selectFrom('cycles')
    .select(['name', 'status', 'submission_due_at'])
    .where('cycle_id', '=', cycleId)
    .executeTakeFirst();
  const started = await db
    .selectFrom('events')
    .select('payload')
    .where('cycle_id', '=', cycleId)
    .where('type', '=', 'CycleStarted')
    .orderBy('position')
    .executeTakeFirst();
  if (!cycle || !started) throw new RectificationRejected(`找不到督导周期 ${cycleId}`);
  const { policy, clock } = started.payload as { policy: unknown; clock?: unknown };
  return {
    cycleId,
    name: cycle.name,
    status: cycle.status,
    submissionDueAt: new Date(cycle.submission_due_at).toISOString(),
    policy: CyclePolicy.parse(policy),
    clock: clock ? ClockAnchor.parse(clock) : null,
  };
}

export interface CloseOut {
  cycleId: string;
  cycleName: string;
  /** The plan time the outcomes were judged at: the cycle's latest event. */
  asOf: string;
  rules: CloseOutRules;
  shortfalls: (Shortfall & { rectificationId: string; rectification: RectificationRow | null })[];
}

/**
 * The milestones of a closed (or closing: past its submission deadline) cycle whose outcome fell
 * short, each with the 整改 it became if one was issued.
 */
export async function closeOut(
  db: Kysely<Database>,
  cycleId: string,
  options: { lateDays?: number } = {},
): Promise<CloseOut> {
  const cycle = await cycleRegime(db, cycleId);
  const asOf = await latestPlanTime(db, cycleId);
  if (cycle.status === 'open' && Date.parse(asOf) < Date.parse(cycle.submissionDueAt))
    throw new RectificationRejected(
      `督导周期 ${cycleId} 尚在报送期内（报送截止 ${shanghaiDate(cycle.submissionDueAt)}），报送截止后再列整改清单`,
    );
  const lateDays = options.lateDays ?? DEFAULT_LATE_DAYS;
  if (!Number.isInteger(lateDays) || lateDays < 1)
    throw new RectificationRejected('逾期天数须为正整数，例如 --late-days 15');
  const rules: CloseOutRules = {
    lateDays,
    maxReturns: cycle.policy.maxReturns,
    topEscalationLevel: cycle.policy.escalations.length,
  };
  const shortfalls = shortfallsOf(await milestoneOutcomes(db, cycleId), rules, asOf);
  const existing = await listRectifications(db, { originCycleId: cycleId, round: 1 });
  return {
    cycleId,
    cycleName: cycle.name,
    asOf,
    rules,
    shortfalls: shortfalls.map((s) => {
      const rectificationId = rectificationIdOf(cycleId, s.milestoneId);
      return {
        ...s,
        rectificationId,
        rectification: existing.find((r) => r.project_id === rectificationId) ?? null,
      };
    }),
  };
}

/** Every milestone of a cycle with the facts the shortfall rule judges, from the read models. */
async function milestoneOutcomes(db: Kysely<Database>, cycleId: string): Promise<MilestoneOutcome[]> {
  const { rows } = await sql<{
    item_id: string;
    title: string;
    milestone_id: string;
    milestone_text: string;
    unit: string;
    outcome: MilestoneOutcome['outcome'];
    original_due_at: Date;
    first_reported_at: Date | null;
    returns: number;
    escalation_level: number;
    targets: MilestoneOutcome['targets'];
  }>`
    SELECT p.item_id, p.title, m.milestone_id, m.text AS milestone_text, m.outcome, m.original_due_at,
           m.returns,
           coalesce((SELECT a.unit FROM assignments a
                     WHERE a.cycle_id = m.cycle_id AND a.project_id = m.project_id
                       AND a.milestone_id = m.milestone_id AND a.role = 'lead'
                     ORDER BY a.assigned_at DESC LIMIT 1), p.lead_unit) AS unit,
           (SELECT min(s.submitted_at) FROM submissions s
            WHERE s.cycle_id = m.cycle_id AND s.project_id = m.project_id
              AND s.milestone_id = m.milestone_id AND s.kind = 'report') AS first_reported_at,
           coalesce((SELECT max(n.level) FROM notices n
                     WHERE n.cycle_id = m.cycle_id AND n.project_id = m.project_id
                       AND n.milestone_id = m.milestone_id AND n.kind = 'escalation'), 0) AS escalation_level,
           (SELECT coalesce(jsonb_agg(jsonb_build_object(
              'metric', t.metric, 'op', t.op, 'value', t.target_value, 'unit', t.target_unit, 'year', t.year,
              'reported', t.reported, 'met', t.met) ORDER BY t.target_index), '[]'::jsonb)
            FROM target_progress t
            WHERE t.cycle_id = m.cycle_id AND t.project_id = m.project_id
              AND t.milestone_id = m.milestone_id) AS targets
    FROM milestones m
    JOIN projects p ON p.cycle_id = m.cycle_id AND p.project_id = m.project_id
    WHERE m.cycle_id = ${cycleId}
    ORDER BY p.item_id, m.ordinal`.execute(db);
  return rows.map((r) => ({
    cycleId,
    itemId: r.item_id,
    title: r.title,
    milestoneId: r.milestone_id,
    milestoneText: r.milestone_text,
    unit: r.unit,
    outcome: r.outcome,
    originalDueAt: new Date(r.original_due_at).toISOString(),
    firstReportedAt: r.first_reported_at ? new Date(r.first_reported_at).toISOString() : null,
    returns: r.returns,
    escalationLevel: Number(r.escalation_level),
    targets: r.targets,
  }));
}

const requireInspector = (actor: Principal, what: string): void => {
  if (actor.role !== 'inspector' && actor.role !== 'admin')
    throw new RectificationRejected(`只有督导处可以${what}`);
};

export interface IssueOptions {
  /** 整改期限, YYYY-MM-DD (Beijing), in the plan time of the cycle. */
  deadline: string;
  documentNumber?: string | null;
  lateDays?: number;
  nowMs?: number;
}

/**
 * Issues the 整改通知 of a cycle's close-out: each shortfall without a 整改 yet becomes one,
 * supervised on the cycle's clock and policy. Issuing again issues only what is new.
 */
export async function issueRectifications(
  deps: RectificationDeps,
  actor: Principal,
  cycleId: string,
  options: IssueOptions,
): Promise<{ closeOut: CloseOut; issued: string[]; existing: string[] }> {
  requireInspector(actor, '下发整改通知');
  const out = await closeOut(deps.db, cycleId, { lateDays: options.lateDays });
  const regime = await cycleRegime(deps.db, cycleId);
  const nowMs = options.nowMs ?? Date.now();
  const now = planNow(regime.clock ?? realClock(new Date(nowMs).toISOString()), nowMs);
  // Judged before anything is looked up or started, even when every shortfall has its 整改 already.
  rectificationDeadline(options.deadline, now);
  const plans = out.shortfalls
    .filter((s) => s.rectification === null)
    .map((s) =>
      planRectification(
        {
          rectificationId: s.rectificationId,
          originCycleId: cycleId,
          itemId: s.itemId,
          milestoneId: s.milestoneId,
          title: s.title,
          reasons: s.reasons,
          unit: s.unit,
          deadlineDay: options.deadline,
          round: 1,
          carriedFrom: null,
          contextCycleId: cycleId,
          documentNumber: options.documentNumber ?? null,
        },
        now,
        regime.policy,
      ),
    );
  const issued: string[] = [];
  const existing = out.shortfalls.filter((s) => s.rectification !== null).map((s) => s.rectificationId);
  for (const plan of plans) {
    const started = await startRound(deps, actor, plan, regime, now, nowMs);
    (started ? issued : existing).push(plan.record.rectificationId);
  }
  return { closeOut: out, issued, existing };
}

/** Starts one round's item; false when it was started before (issuing is idempotent). */
async function startRound(
  deps: RectificationDeps,
  actor: Principal,
  plan: ReturnType<typeof planRectification>,
  regime: CycleRegime,
  now: string,
  nowMs: number,
): Promise<boolean> {
  return startSupervisedItem(deps, roundItem(actor, plan, regime, now, nowMs));
}

/** The supervised item that runs one 整改 round, issued by `actor` under `regime`'s clock and policy. */
function roundItem(
  actor: Principal,
  plan: ReturnType<typeof planRectification>,
  regime: CycleRegime,
  now: string,
  nowMs: number,
): SupervisedItem {
  const id = plan.record.rectificationId;
  return {
    cycleId: RECTIFICATIONS_CYCLE,
    itemId: id,
    workflowId: rectificationWorkflowId(id),
    units: [plan.record.unit],
    input: {
      policy: regime.policy,
      clock: regime.clock ?? realClock(new Date(nowMs).toISOString()),
      closesAt: plan.closesAt,
      planTime: now,
      started: plan.started,
      rectification: { record: plan.record, by: actor },
    },
  };
}

/**
 * One round carried over: the round it continues (`from`), the new round (`to`) and the item that
 * runs it (null when it was started before and only the close is left), and the reason the old
 * round is closed with while it is still open (null once it has closed).
 */
export interface CarriedRound {
  from: string;
  to: string;
  start: SupervisedItem | null;
  close: { workflowId: string; reason: string } | null;
}

/**
 * What carrying `fromCycleId`'s unrectified 整改 into `toCycleId` takes, judged and planned but not
 * yet done: `carryOver` does it with the acting person's signed starts, a scheduled round
 * (workflows/recurring.ts) as its own children. Refused (RectificationRejected) before anything.
 */
export async function planCarryOver(
  db: Kysely<Database>,
  actor: Principal,
  fromCycleId: string,
  toCycleId: string,
  options: { deadline?: string; nowMs?: number } = {},
): Promise<{ at: string; rounds: CarriedRound[] }> {
  requireInspector(actor, '结转整改事项');
  if (fromCycleId === toCycleId) throw new RectificationRejected('不能把整改事项结转到同一个督导周期');
  await cycleRegime(db, fromCycleId);
  const regime = await cycleRegime(db, toCycleId);
  const nowMs = options.nowMs ?? Date.now();
  const now = planNow(regime.clock ?? realClock(new Date(nowMs).toISOString()), nowMs);
  const deadline = options.deadline ?? shanghaiDate(regime.submissionDueAt);
  rectificationDeadline(deadline, now);
  const rounds = await listRectifications(db, { contextCycleId: fromCycleId });
  const continued = new Set(
    (await listRectifications(db, {})).flatMap((r) => (r.carried_from ? [r.carried_from] : [])),
  );
  return {
    at: now,
    rounds: rounds
      .filter((r) => isUnrectified(r.status))
      .map((r) => {
        const next = carriedIdOf(rectificationIdOf(r.origin_cycle_id, r.milestone_id), r.round + 1);
        const close =
          r.closed_at === null
            ? { workflowId: rectificationWorkflowId(r.project_id), reason: carriedReason(toCycleId, next) }
            : null;
        // Carried before but still open (stopped between the two steps): only the close is left to do.
        if (continued.has(r.project_id)) return { from: r.project_id, to: next, start: null, close };
        const plan = planRectification(
          {
            rectificationId: next,
            originCycleId: r.origin_cycle_id,
            itemId: r.item_id,
            milestoneId: r.milestone_id,
            title: r.title,
            reasons: r.reasons,
            unit: r.unit,
            deadlineDay: deadline,
            round: r.round + 1,
            carriedFrom: r.project_id,
            contextCycleId: toCycleId,
            documentNumber: null,
          },
          now,
          regime.policy,
        );
        return { from: r.project_id, to: next, start: roundItem(actor, plan, regime, now, nowMs), close };
      }),
  };
}

/**
 * 整改 carried over: every round run under `fromCycleId` and not struck off (and not carried
 * already) goes on as a new round under `toCycleId`, linked to the one it continues; the old round,
 * if still open, is closed as carried. The new round is due on `deadline`, by default the new
 * cycle's submission deadline. Running it again carries only what is left.
 */
export async function carryOver(
  deps: RectificationDeps,
  actor: Principal,
  fromCycleId: string,
  toCycleId: string,
  options: { deadline?: string; nowMs?: number } = {},
): Promise<{ carried: { from: string; to: string }[] }> {
  const { rounds } = await planCarryOver(deps.db, actor, fromCycleId, toCycleId, options);
  const carried: { from: string; to: string }[] = [];
  for (const round of rounds) {
    if (round.start) await startSupervisedItem(deps, round.start);
    if (round.close) await closeAsCarried(deps, actor, round.close.workflowId, round.close.reason);
    if (round.start) carried.push({ from: round.from, to: round.to });
  }
  return { carried };
}

/** Cancels a round that goes on in a later cycle; one already closed is left as it is. */
async function closeAsCarried(
  deps: RectificationDeps,
  actor: Principal,
  workflowId: string,
  reason: string,
): Promise<void> {
  const handle = deps.client.workflow.getHandle(workflowId);
  const { status } = await handle.describe();
  if (status.name !== 'RUNNING') return;
  try {
    await sendProjectCommand(handle, { type: 'cancel', actor, reason });
  } catch (err) {
    // Closed between the read model's row and now (run out as missed, its workflow finishing).
    if (!isRefusedAsClosed(err) && !(err instanceof WorkflowNotFoundError)) throw err;
  }
}

const isRefusedAsClosed = (err: unknown): boolean =>
  err instanceof WorkflowUpdateFailedError &&
  err.cause instanceof ApplicationFailure &&
  err.cause.type === 'closed';

export type RectificationFilter = {
  originCycleId?: string;
  contextCycleId?: string;
  unit?: string;
  itemId?: string;
  round?: number;
};

export async function listRectifications(
  db: Kysely<Database>,
  filter: RectificationFilter = {},
): Promise<RectificationRow[]> {
  let query = db.selectFrom('rectifications').selectAll().where('cycle_id', '=', RECTIFICATIONS_CYCLE);
  if (filter.originCycleId) query = query.where('origin_cycle_id', '=', filter.originCycleId);
  if (filter.contextCycleId) query = query.where('context_cycle_id', '=', filter.contextCycleId);
  if (filter.unit) query = query.where('unit', '=', filter.unit);
  if (filter.itemId) query = query.where('item_id', '=', filter.itemId);
  if (filter.round) query = query.where('round', '=', filter.round);
  const rows = await query.orderBy('item_id').orderBy('milestone_id').orderBy('round').execute();
  return rows.map(plainRow);
}

const t = (v: Date | null): string | null => (v === null ? null : new Date(v).toISOString());

function plainRow(r: {
  [K in keyof RectificationRow]: K extends `${string}_at` ? Date | null : RectificationRow[K];
}): RectificationRow {
  return {
    ...r,
    original_due_at: t(r.original_due_at)!,
    due_at: t(r.due_at)!,
    issued_at: t(r.issued_at)!,
    reported_at: t(r.reported_at),
    closed_at: t(r.closed_at),
  };
}

/**
 * The 整改通知 of a cycle's close-out as a document: its 整改期限 and 文号 are those given, else those
 * the 整改 were issued with; its date the day they were issued (plan time), else the close-out's.
 */
export async function rectificationNotice(
  db: Kysely<Database>,
  cycleId: string,
  options: { deadline?: string; documentNumber?: string; issuer?: string; lateDays?: number } = {},
): Promise<RectificationNotice> {
  const out = await closeOut(db, cycleId, { lateDays: options.lateDays });
  if (out.shortfalls.length === 0) throw new RectificationRejected(`督导周期 ${cycleId} 没有需要整改的事项`);
  const issued = out.shortfalls.flatMap((s) => (s.rectification ? [s.rectification] : []));
  const deadline =
    options.deadline ??
    issued
      .map((r) => shanghaiDate(r.original_due_at))
      .sort()
      .at(0);
  if (!deadline) throw new RectificationRejected('整改通知尚未下发：请用 --deadline YYYY-MM-DD 指定整改期限');
  const date = issued.map((r) => shanghaiDate(r.issued_at)).sort()[0] ?? shanghaiDate(out.asOf);
  return composeRectificationNotice({
    cycleName: out.cycleName,
    shortfalls: out.shortfalls,
    deadline,
    date,
    options: {
      documentNumber:
        options.documentNumber ?? issued.find((r) => r.document_number)?.document_number ?? undefined,
      issuer: options.issuer,
    },
  });
}

/**
 * Carries into a cycle that has just been started: its CycleStarted (clock and policy) is recorded by
 * its workflow moments after the start, so this waits for it (up to `waitMs`) before carrying.
 */
export async function carryIntoStartedCycle(
  deps: RectificationDeps,
  actor: Principal,
  fromCycleId: string,
  toCycleId: string,
  options: { deadline?: string; waitMs?: number } = {},
): Promise<{ carried: { from: string; to: string }[] }> {
  await waitForCycleRecorded(deps.db, toCycleId, options.waitMs ?? 30_000);
  return carryOver(deps, actor, fromCycleId, toCycleId, { deadline: options.deadline });
}

/**
 * Waits (up to `waitMs`) for a cycle just started to record its CycleStarted (its clock and policy),
 * which its workflow does moments after the start.
 */
export async function waitForCycleRecorded(
  db: Kysely<Database>,
  cycleId: string,
  waitMs: number,
): Promise<void> {
  const until = Date.now() + waitMs;
  for (;;) {
    const recorded = await db
      .selectFrom('cycles')
      .select('cycle_id')
      .where('cycle_id', '=', cycleId)
      .executeTakeFirst();
    if (recorded) return;
    if (Date.now() > until)
      throw new RectificationRejected(
        `督导周期 ${cycleId} 尚未开始记录，请稍后用 dudao cycle carry-over 结转`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

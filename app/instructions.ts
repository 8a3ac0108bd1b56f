import type { Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { InstructionRow } from '../db/projections/instructions';
import { planNow, realClock, ClockAnchor } from '../domain/clock';
import { CyclePolicy, defaultPolicy } from '../domain/policy';
import type { Principal } from '../domain/principal';
import {
  INSTRUCTIONS_CYCLE,
  InstructionRejected,
  instructionWorkflowId,
  parseInstructionInput,
  planInstruction,
} from '../domain/instruction';
import { loadPlanVersion } from '../seeds/import';
import { startSupervisedItem } from './supervised-item';

/**
 * 领导批示 use cases shared by the CLI and the API: record one (it starts the item that carries it
 * out), list them, show one. Refusals are `InstructionRejected` with a Chinese message, raised
 * before anything is started or written.
 */

export interface InstructionDeps {
  db: Kysely<Database>;
  client: Client;
  taskQueue: string;
}

/** Where the item's clock and policy come from: a cycle's, or real time and the default policy. */
type Regime = { clock: ClockAnchor; policy: CyclePolicy };

export async function addInstruction(
  deps: InstructionDeps,
  actor: Principal,
  raw: unknown,
  options: { nowMs?: number; clock?: ClockAnchor } = {},
): Promise<{ instructionId: string; workflowId: string; deadline: string; milestoneId: string }> {
  if (actor.role !== 'inspector' && actor.role !== 'admin')
    throw new InstructionRejected('只有督导处可以登记领导批示');
  const input = parseInstructionInput(raw);
  const nowMs = options.nowMs ?? Date.now();
  const regime = await regimeOf(deps.db, input.cycleId, nowMs);
  const clock = options.clock ?? regime.clock;
  if (input.linkedItemId) await requirePlanItem(deps.db, input.linkedItemId);
  await requireUploaded(
    deps.db,
    input.evidence.map((e) => e.sha256),
  );
  const instructionId = input.instructionId ?? `PS-${input.issuedOn.replace(/-/g, '')}-${nowMs.toString(36)}`;
  if (await findInstruction(deps.db, instructionId))
    throw new InstructionRejected(`批示编号 ${instructionId} 已存在`);
  const now = planNow(clock, nowMs);
  const plan = planInstruction({ ...input, instructionId }, now, regime.policy);
  const workflowId = instructionWorkflowId(instructionId);
  const started = await startSupervisedItem(deps, {
    cycleId: INSTRUCTIONS_CYCLE,
    itemId: instructionId,
    workflowId,
    units: [plan.record.unit, ...plan.record.coUnits],
    input: {
      policy: regime.policy,
      clock,
      closesAt: plan.closesAt,
      planTime: now,
      started: plan.started,
      instruction: { record: plan.record, by: actor },
    },
  });
  if (!started) throw new InstructionRejected(`批示编号 ${instructionId} 已被使用`);
  return {
    instructionId,
    workflowId,
    deadline: plan.record.deadline,
    milestoneId: plan.started.milestones[0]!.milestoneId,
  };
}

/** A cycle's clock and policy, from its CycleStarted event; without a cycle, real time. */
async function regimeOf(db: Kysely<Database>, cycleId: string | null, nowMs: number): Promise<Regime> {
  if (cycleId === null) return { clock: realClock(new Date(nowMs).toISOString()), policy: defaultPolicy() };
  const started = await db
    .selectFrom('events')
    .select(['payload', 'occurred_at'])
    .where('cycle_id', '=', cycleId)
    .where('type', '=', 'CycleStarted')
    .orderBy('position')
    .executeTakeFirst();
  if (!started) throw new InstructionRejected(`找不到督导周期 ${cycleId}`);
  const { policy, clock } = started.payload as { policy: unknown; clock?: unknown };
  return {
    policy: CyclePolicy.parse(policy),
    clock: clock ? ClockAnchor.parse(clock) : realClock(new Date(nowMs).toISOString()),
  };
}

async function requirePlanItem(db: Kysely<Database>, itemId: string): Promise<void> {
  const found = await db
    .selectFrom('plan_items')
    .select('item_id')
    .where('item_id', '=', itemId)
    .executeTakeFirst();
  if (!found) throw new InstructionRejected(`规划中没有编号为 ${itemId} 的事项`);
}

/** A cited original must be in the evidence store (uploaded before, by anyone). */
async function requireUploaded(db: Kysely<Database>, hashes: string[]): Promise<void> {
  if (hashes.length === 0) return;
  const found = await db
    .selectFrom('evidence_uploads')
    .select('sha256')
    .where('sha256', 'in', hashes)
    .execute();
  const missing = hashes.filter((h) => !found.some((f) => f.sha256 === h));
  if (missing.length > 0)
    throw new InstructionRejected(
      `批示原件 ${missing.map((h) => `${h.slice(0, 12)}…`).join('、')} 尚未上传，请先上传扫描件`,
    );
}

export type InstructionFilter = { unit?: string; leader?: string; status?: string };

export async function listInstructions(
  db: Kysely<Database>,
  filter: InstructionFilter = {},
): Promise<InstructionRow[]> {
  let query = db.selectFrom('instructions').selectAll().where('cycle_id', '=', INSTRUCTIONS_CYCLE);
  if (filter.unit) query = query.where('unit', '=', filter.unit);
  if (filter.leader) query = query.where('leader', '=', filter.leader);
  if (filter.status) query = query.where('status', '=', filter.status as InstructionRow['status']);
  const rows = await query.orderBy('issued_on', 'desc').orderBy('project_id').execute();
  return rows.map(plainRow);
}

export async function findInstruction(db: Kysely<Database>, id: string): Promise<InstructionRow | null> {
  const row = await db
    .selectFrom('instructions')
    .selectAll()
    .where('cycle_id', '=', INSTRUCTIONS_CYCLE)
    .where('project_id', '=', id)
    .executeTakeFirst();
  return row ? plainRow(row) : null;
}

/** The display title of the plan item an instruction concerns, in the latest imported plan; null if absent. */
export async function linkedItemTitle(db: Kysely<Database>, itemId: string): Promise<string | null> {
  const stored = await loadPlanVersion(db).catch(() => null);
  return stored?.plan.items.find((i) => i.id === itemId)?.title ?? null;
}

/** The plan time reports and lists judge "overdue" at: the latest event of any instruction. */
export async function instructionsAsOf(db: Kysely<Database>): Promise<string | null> {
  const { rows } = await sql<{ at: Date | null }>`
    SELECT max(occurred_at) AS at FROM events WHERE cycle_id = ${INSTRUCTIONS_CYCLE}`.execute(db);
  return rows[0]?.at ? new Date(rows[0].at).toISOString() : null;
}

/** The time “overdue” is judged at: the instructions' latest event, or now before there is one. */
export const instructionsAt = async (db: Kysely<Database>): Promise<string> =>
  (await instructionsAsOf(db)) ?? new Date().toISOString();

const t = (v: Date | null): string | null => (v === null ? null : new Date(v).toISOString());

function plainRow(r: {
  [K in keyof InstructionRow]: K extends `${string}_at` ? Date | null : InstructionRow[K];
}): InstructionRow {
  return {
    ...r,
    original_due_at: t(r.original_due_at)!,
    due_at: t(r.due_at)!,
    recorded_at: t(r.recorded_at)!,
    acknowledged_at: t(r.acknowledged_at),
    reported_at: t(r.reported_at),
    closed_at: t(r.closed_at),
  };
}

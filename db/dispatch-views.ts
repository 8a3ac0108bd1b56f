import { sql } from 'kysely';
import type { DispatchedShare } from '../domain/dispatch';
import type { Db } from './projections/read-model';
import { LIVE_SCHEMA } from './projections/read-model';

/** Times leave PostgreSQL as Dates; views speak ISO instants like the domain. */
const iso = (v: Date | string): string => new Date(v).toISOString();

/**
 * Every sub-assignment the `sub_assignments` read model holds (under one plan cycle when
 * `rootCycleId` is given), as a parent's view and its roll-up read them: one query. The table
 * holds one row per dispatched share, a few per dispatching unit, so views read it whole; the
 * checks made before a command (`app/dispatch-rules.ts`) read only the shares of one parent cycle
 * (`parentCycleId`, on the parent index) or one share (`subAssignmentId`).
 */
export async function dispatchedShares(
  db: Db,
  filter: { rootCycleId?: string; parentCycleId?: string; subAssignmentId?: string; schema?: string } = {},
): Promise<(DispatchedShare & { rootCycleId: string; rootProjectId: string; parentDueAt: string })[]> {
  const { rows } = await sql<{
    project_id: string;
    parent_cycle_id: string;
    parent_project_id: string;
    parent_milestone_id: string;
    root_cycle_id: string;
    root_project_id: string;
    unit: string;
    body: string;
    text: string;
    phase: DispatchedShare['phase'];
    outcome: DispatchedShare['outcome'];
    status: DispatchedShare['status'];
    opens_at: Date;
    due_at: Date;
    parent_due_at: Date;
    returns: number;
    reported_values: DispatchedShare['values'];
    reported_at: Date | null;
    reported_late: boolean | null;
  }>`
    SELECT project_id, parent_cycle_id, parent_project_id, parent_milestone_id, root_cycle_id,
           root_project_id, unit, body, text, phase, outcome, status, opens_at, due_at, parent_due_at,
           returns, reported_values, reported_at, reported_late
    FROM ${sql.id(filter.schema ?? LIVE_SCHEMA, 'sub_assignments')}
    WHERE ${filter.rootCycleId === undefined ? sql`true` : sql`root_cycle_id = ${filter.rootCycleId}`}
      AND ${filter.parentCycleId === undefined ? sql`true` : sql`parent_cycle_id = ${filter.parentCycleId}`}
      AND ${filter.subAssignmentId === undefined ? sql`true` : sql`project_id = ${filter.subAssignmentId}`}
    ORDER BY dispatched_at, project_id`.execute(db);
  return rows.map((r) => ({
    subAssignmentId: r.project_id,
    parentCycleId: r.parent_cycle_id,
    parentProjectId: r.parent_project_id,
    parentMilestoneId: r.parent_milestone_id,
    rootCycleId: r.root_cycle_id,
    rootProjectId: r.root_project_id,
    unit: r.unit,
    body: r.body,
    text: r.text,
    phase: r.phase,
    outcome: r.outcome,
    status: r.status,
    opensAt: iso(r.opens_at),
    dueAt: iso(r.due_at),
    parentDueAt: iso(r.parent_due_at),
    returns: r.returns,
    values: r.reported_values,
    reportedAt: r.reported_at === null ? null : iso(r.reported_at),
    reportedLate: r.reported_late,
  }));
}

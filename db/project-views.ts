import { sql, type Kysely } from 'kysely';
import type { Database } from './database';
import type { ClockAnchor } from '../domain/clock';
import type { Span } from '../domain/policy';
import type { ClosureState, MilestonePhase } from '../domain/project';
import type { EvidenceRef } from '../domain/events';
import type { ItemKind, Target } from '../domain/plan';
import { INSTRUCTIONS_CYCLE } from '../domain/instruction';
import { RECTIFICATIONS_CYCLE } from '../domain/rectification';
import { DISPATCH_CYCLE } from '../domain/dispatch';
import { defaultPolicy } from '../domain/policy';

/** A 领导批示 recorded without a cycle runs on the default policy (app/instructions.ts). */
const DEFAULT_POLICY = defaultPolicy();

/** One open project as the read models hold it: everything the board, inbox and queues show. */
export interface ProjectFacts {
  cycleId: string;
  itemId: string;
  /** 主要指标 / 任务 / 重大项目. */
  kind: ItemKind;
  title: string;
  section: string;
  leadUnit: string;
  coUnits: string[];
  status: 'active' | 'suspended' | 'cancelled' | 'closed';
  /** The cycle's clock and colour policy: colours are computed at the plan time a view is read. */
  clock: ClockAnchor | null;
  amberWithin: Span;
  maxReturns: number;
  /** Years the cycle's office calendar covers (null: none was imported when it started). */
  calendarYears: number[] | null;
  /** Set while `workflow_health` records the project's workflow as stuck: it is shown, marked. */
  stuck: { problem: 'task_failing' | 'query_failing'; since: string } | null;
  milestones: MilestoneFacts[];
  /** 办结申请, oldest first, as the domain folds them. */
  closures: ClosureState[];
}

export interface MilestoneFacts {
  milestoneId: string;
  text: string;
  phase: MilestonePhase;
  outcome: 'met' | 'missed' | 'cancelled' | null;
  opensAt: string;
  originalDueAt: string;
  dueAt: string;
  rounds: number;
  returns: number;
  assignments: {
    assignmentId: string;
    unit: string;
    role: 'lead' | 'co';
    dueAt: string;
    acknowledged: boolean;
    /** A co-unit's contribution is in, or the lead's report was approved (as the domain counts it). */
    submitted: boolean;
    escalationLevel: number;
  }[];
  /** The latest report, with its review (a returned one carries the comment). */
  submission: {
    round: number;
    narrative: string;
    values: { targetIndex: number; value: number }[];
    evidence: EvidenceRef[];
    late: boolean;
    lateAgainstOriginal: boolean;
    returnComment: string | null;
  } | null;
  extensions: {
    requestId: string;
    unit: string;
    reason: string;
    requestedDueAt: string;
    status: 'pending' | 'granted' | 'denied';
    comment: string;
  }[];
  targets: Target[];
}

/** Times leave PostgreSQL's JSON as `…+00:00`; views speak ISO instants like the domain. */
const iso = (v: string): string => new Date(v).toISOString();

/**
 * The open (active or suspended) projects of one cycle, or of every open cycle, the 领导批示
 * items (cycle `instructions`, which has no `cycles` row: an instruction runs on the clock and
 * policy of the cycle it was recorded under, else real time and the default policy), the 整改
 * items (cycle `rectifications`, on the clock and policy of their origin or carried-into cycle) and the
 * sub-assignments (cycle `dispatch`: on the clock and policy of the plan cycle at the top of their chain), optionally only
 * those a unit works on (`finished`: closed and cancelled projects too, for a cycle's archive board): one query over the read models, whatever the number of projects.
 */
export async function openProjectFacts(
  db: Kysely<Database>,
  filter: { cycleId?: string; unit?: string; finished?: boolean } = {},
): Promise<ProjectFacts[]> {
  const { rows } = await sql<{
    cycle_id: string;
    item_id: string;
    kind: ItemKind;
    title: string;
    section: string;
    lead_unit: string;
    co_units: string[];
    status: 'active' | 'suspended' | 'cancelled' | 'closed';
    clock: ClockAnchor | null;
    amber_within: Span | null;
    max_returns: number | null;
    calendar_years: number[] | null;
    problem: 'task_failing' | 'query_failing' | null;
    since: Date | null;
    milestones: MilestoneFacts[];
    closures: ClosureState[];
  }>`
    SELECT p.cycle_id, p.item_id, p.kind, p.title, p.section, p.lead_unit, p.co_units, p.status,
           coalesce(c.clock, lc.clock, dc.clock) AS clock,
           coalesce(c.amber_within, lc.amber_within, dc.amber_within) AS amber_within,
           coalesce(c.max_returns, lc.max_returns, dc.max_returns) AS max_returns,
           coalesce(c.calendar_years, lc.calendar_years, dc.calendar_years) AS calendar_years, h.problem, h.since,
           (SELECT coalesce(jsonb_agg(jsonb_build_object(
              'milestoneId', m.milestone_id, 'text', m.text, 'phase', m.status, 'outcome', m.outcome,
              'opensAt', m.opens_at, 'originalDueAt', m.original_due_at, 'dueAt', m.due_at,
              'rounds', m.rounds, 'returns', m.returns,
              'assignments', (
                SELECT coalesce(jsonb_agg(jsonb_build_object(
                  'assignmentId', a.assignment_id, 'unit', a.unit, 'role', a.role, 'dueAt', a.due_at,
                  'acknowledged', a.acknowledged_at IS NOT NULL,
                  'submitted', CASE WHEN a.role = 'co' THEN a.submitted_at IS NOT NULL ELSE a.status = 'approved' END,
                  'escalationLevel', a.escalation_level)
                  ORDER BY a.role = 'co', a.assigned_at, a.assignment_id), '[]'::jsonb)
                FROM assignments a
                WHERE a.cycle_id = m.cycle_id AND a.project_id = m.project_id AND a.milestone_id = m.milestone_id),
              'submission', (
                SELECT jsonb_build_object(
                  'round', s.round, 'narrative', s.narrative, 'values', s.reported_values, 'evidence', s.evidence,
                  'late', s.late, 'lateAgainstOriginal', coalesce(s.late_against_original, false),
                  'returnComment', CASE WHEN s.review = 'returned' THEN s.review_comment END)
                FROM submissions s
                WHERE s.cycle_id = m.cycle_id AND s.project_id = m.project_id AND s.milestone_id = m.milestone_id
                  AND s.kind = 'report'
                ORDER BY s.round DESC LIMIT 1),
              'extensions', (
                SELECT coalesce(jsonb_agg(jsonb_build_object(
                  'requestId', x.request_id, 'unit', x.unit, 'reason', x.reason,
                  'requestedDueAt', x.requested_due_at, 'status', x.status,
                  'comment', coalesce(x.decision_comment, ''))
                  ORDER BY x.requested_at, x.request_id), '[]'::jsonb)
                FROM extension_requests x
                WHERE x.cycle_id = m.cycle_id AND x.project_id = m.project_id AND x.milestone_id = m.milestone_id),
              'targets', (
                SELECT coalesce(jsonb_agg(jsonb_build_object(
                  'metric', t.metric, 'op', t.op, 'value', t.target_value, 'unit', t.target_unit, 'year', t.year)
                  ORDER BY t.target_index), '[]'::jsonb)
                FROM target_progress t
                WHERE t.cycle_id = m.cycle_id AND t.project_id = m.project_id AND t.milestone_id = m.milestone_id))
              ORDER BY m.ordinal), '[]'::jsonb)
            FROM milestones m
            WHERE m.cycle_id = p.cycle_id AND m.project_id = p.project_id) AS milestones,
           (SELECT coalesce(jsonb_agg(jsonb_build_object(
              'requestId', r.request_id, 'unit', r.unit, 'narrative', r.narrative, 'evidence', r.evidence,
              'status', r.status, 'comment', coalesce(r.decision_comment, ''))
              ORDER BY r.requested_at, r.request_id), '[]'::jsonb)
            FROM closure_requests r
            WHERE r.cycle_id = p.cycle_id AND r.project_id = p.project_id) AS closures
    FROM projects p
    LEFT JOIN cycles c ON c.cycle_id = p.cycle_id
    LEFT JOIN instructions i ON i.cycle_id = p.cycle_id AND i.project_id = p.project_id
    LEFT JOIN rectifications rf ON rf.cycle_id = p.cycle_id AND rf.project_id = p.project_id
    LEFT JOIN cycles lc ON lc.cycle_id = coalesce(i.linked_cycle_id, rf.context_cycle_id)
    LEFT JOIN sub_assignments d ON d.cycle_id = p.cycle_id AND d.project_id = p.project_id
    LEFT JOIN cycles dc ON dc.cycle_id = d.root_cycle_id
    LEFT JOIN workflow_health h ON h.cycle_id = p.cycle_id AND h.item_id = p.item_id
    WHERE ${filter.finished ? sql`true` : sql`p.status IN ('active', 'suspended')`}
      AND ${
        filter.cycleId === undefined
          ? sql`(c.status = 'open' OR p.cycle_id IN (${INSTRUCTIONS_CYCLE}, ${RECTIFICATIONS_CYCLE}, ${DISPATCH_CYCLE}))`
          : sql`p.cycle_id = ${filter.cycleId}`
      }
      AND ${
        filter.unit === undefined
          ? sql`true`
          : sql`EXISTS (SELECT 1 FROM assignments a
                        WHERE a.unit = ${filter.unit} AND a.cycle_id = p.cycle_id AND a.project_id = p.project_id)`
      }
    ORDER BY p.cycle_id, p.item_id`.execute(db);
  return rows.map((r) => ({
    cycleId: r.cycle_id,
    itemId: r.item_id,
    kind: r.kind,
    title: r.title,
    section: r.section,
    leadUnit: r.lead_unit,
    coUnits: r.co_units,
    status: r.status,
    clock: r.clock,
    amberWithin: r.amber_within ?? DEFAULT_POLICY.amberWithin,
    maxReturns: r.max_returns ?? DEFAULT_POLICY.maxReturns,
    calendarYears: r.calendar_years,
    stuck: r.problem === null ? null : { problem: r.problem, since: new Date(r.since!).toISOString() },
    milestones: r.milestones.map((m) => ({
      ...m,
      opensAt: iso(m.opensAt),
      originalDueAt: iso(m.originalDueAt),
      dueAt: iso(m.dueAt),
      assignments: m.assignments.map((a) => ({ ...a, dueAt: iso(a.dueAt) })),
      extensions: m.extensions.map((x) => ({ ...x, requestedDueAt: iso(x.requestedDueAt) })),
    })),
    closures: r.closures,
  }));
}

/** An open 定期反馈 period as the `progress_periods` read model holds it, with its project and clock. */
export interface OpenPeriodFacts {
  cycleId: string;
  itemId: string;
  title: string;
  periodId: string;
  label: string;
  unit: string;
  opensAt: string;
  dueAt: string;
  missAt: string;
  clock: ClockAnchor | null;
}

/** A unit's open 定期反馈 periods in one cycle or every open cycle: one query over the read models. */
export async function openProgressPeriods(
  db: Kysely<Database>,
  filter: { unit: string; cycleId?: string },
): Promise<OpenPeriodFacts[]> {
  const { rows } = await sql<{
    cycle_id: string;
    item_id: string;
    title: string;
    period_id: string;
    label: string;
    unit: string;
    opens_at: Date;
    due_at: Date;
    miss_at: Date;
    clock: ClockAnchor | null;
  }>`
    SELECT pp.cycle_id, p.item_id, p.title, pp.period_id, pp.label, pp.unit,
           pp.opens_at, pp.due_at, pp.miss_at, c.clock
    FROM progress_periods pp
    JOIN projects p ON p.cycle_id = pp.cycle_id AND p.project_id = pp.project_id
    LEFT JOIN cycles c ON c.cycle_id = pp.cycle_id
    WHERE pp.status = 'open' AND pp.unit = ${filter.unit} AND p.status IN ('active', 'suspended')
      AND ${filter.cycleId === undefined ? sql`c.status = 'open'` : sql`pp.cycle_id = ${filter.cycleId}`}
    ORDER BY pp.due_at, pp.cycle_id, p.item_id, pp.period_id`.execute(db);
  return rows.map((r) => ({
    cycleId: r.cycle_id,
    itemId: r.item_id,
    title: r.title,
    periodId: r.period_id,
    label: r.label,
    unit: r.unit,
    opensAt: new Date(r.opens_at).toISOString(),
    dueAt: new Date(r.due_at).toISOString(),
    missAt: new Date(r.miss_at).toISOString(),
    clock: r.clock,
  }));
}

import { sql } from 'kysely';
import type { Db } from '../db/projections/read-model';
import {
  RECTIFICATIONS_CYCLE,
  isRectificationOverdue,
  type RectificationStatus,
} from '../domain/rectification';

/**
 * The report queries, one per report, over the read models in `schema` (the live `public`, or an
 * as-of schema). Each filters on indexed columns (cycle_id, unit, due_at) so they stay fast at
 * a million events; bench/rebuild.ts times them.
 */
export interface Scope {
  schema: string;
  cycleId?: string;
}

const t = (scope: Scope, table: string) => sql.id(scope.schema, table);
const inCycle = (scope: Scope, alias: string) =>
  scope.cycleId === undefined ? sql`TRUE` : sql`${sql.ref(`${alias}.cycle_id`)} = ${scope.cycleId}`;

export interface CycleRow {
  cycle_id: string;
  name: string;
  status: string;
  scoring_baseline: 'original' | 'operational';
  opens_at: Date;
  submission_due_at: Date;
  original_submission_due_at: Date;
  projects_started: number;
  projects_closed: number;
  max_returns: number;
}

export async function cycleOf(db: Db, scope: Scope & { cycleId: string }): Promise<CycleRow | undefined> {
  const { rows } =
    await sql<CycleRow>`SELECT * FROM ${t(scope, 'cycles')} WHERE cycle_id = ${scope.cycleId}`.execute(db);
  return rows[0];
}

export interface ProjectStatusRow {
  project_id: string;
  title: string;
  lead_unit: string;
  status: string;
  rag: 'red' | 'amber' | 'green' | null;
  rag_rule: string | null;
  milestones_total: number;
  milestones_met: number;
  milestones_missed: number;
  next_due_at: Date | null;
  /** The cycle's office-calendar years (null: none); a deadline outside them is marked. */
  calendar_years: number[] | null;
}

export async function projectBoard(db: Db, scope: Scope): Promise<ProjectStatusRow[]> {
  const { rows } = await sql<ProjectStatusRow>`
    SELECT p.project_id, p.title, p.lead_unit, p.status, p.rag, p.rag_rule,
           p.milestones_total, p.milestones_met, p.milestones_missed,
           (SELECT min(m.due_at) FROM ${t(scope, 'milestones')} m
             WHERE m.cycle_id = p.cycle_id AND m.project_id = p.project_id AND m.status <> 'closed') AS next_due_at,
           c.calendar_years
    FROM ${t(scope, 'projects')} p
    LEFT JOIN ${t(scope, 'cycles')} c ON c.cycle_id = p.cycle_id
    WHERE ${inCycle(scope, 'p')}
    ORDER BY CASE p.rag WHEN 'red' THEN 0 WHEN 'amber' THEN 1 WHEN 'green' THEN 2 ELSE 3 END, p.project_id`.execute(
    db,
  );
  return rows;
}

export interface UnitScoreRow {
  unit: string;
  assignments: number;
  submitted: number;
  on_time: number;
  late: number;
  overdue_unsubmitted: number;
  returns: number;
  escalations: number;
  escalation_levels: number;
  targets_met: number;
  targets_total: number;
  /** 定期反馈 periods the unit let pass unreported (recorded missed). */
  periods_missed: number;
}

/**
 * The per-unit scoreboard: lateness against each cycle's scoring baseline (按原定时间 or the
 * extended deadline); an assignment still unsubmitted past that deadline at `at` counts as late.
 * 销号 settles what an item still owed: as submitted when the unit asked for it (申请办结), so a
 * unit is neither marked down for work 督导处 closed as done nor spared lateness it had incurred.
 */
export async function unitScoreboard(db: Db, scope: Scope & { at: string }): Promise<UnitScoreRow[]> {
  const { rows } = await sql<UnitScoreRow>`
    WITH scored AS (
      SELECT l.*, c.scoring_baseline, cr.requested_at AS closure_requested_at,
             CASE WHEN c.scoring_baseline = 'original' THEN a.original_due_at ELSE a.due_at END AS scored_due_at,
             CASE WHEN c.scoring_baseline = 'original' THEN l.late_against_original ELSE l.late END AS scored_late
      FROM ${t(scope, 'unit_score_lines')} l
      JOIN ${t(scope, 'cycles')} c ON c.cycle_id = l.cycle_id
      JOIN ${t(scope, 'assignments')} a ON a.cycle_id = l.cycle_id AND a.assignment_id = l.assignment_id
      LEFT JOIN ${t(scope, 'closure_requests')} cr
        ON cr.cycle_id = l.cycle_id AND cr.project_id = l.project_id AND cr.status = 'confirmed'
      WHERE ${inCycle(scope, 'l')} AND a.status <> 'cancelled'
    ),
    lines AS (
      SELECT scored.*,
             submitted OR closure_requested_at IS NOT NULL AS settled,
             CASE WHEN submitted THEN scored_late ELSE closure_requested_at > scored_due_at END AS settled_late
      FROM scored
    )
    SELECT unit,
           count(*)::int AS assignments,
           count(*) FILTER (WHERE settled)::int AS submitted,
           count(*) FILTER (WHERE settled AND NOT settled_late)::int AS on_time,
           count(*) FILTER (WHERE settled AND settled_late)::int AS late,
           count(*) FILTER (WHERE NOT settled AND scored_due_at < ${scope.at}::timestamptz)::int AS overdue_unsubmitted,
           sum(returns)::int AS returns,
           sum(escalations)::int AS escalations,
           sum(max_escalation_level)::int AS escalation_levels,
           sum(targets_met)::int AS targets_met,
           sum(targets_total)::int AS targets_total,
           (SELECT count(*)::int FROM ${t(scope, 'progress_periods')} pp
             WHERE pp.unit = lines.unit AND ${inCycle(scope, 'pp')} AND pp.status = 'missed') AS periods_missed
    FROM lines
    GROUP BY unit
    ORDER BY unit`.execute(db);
  return rows;
}

export interface OverdueRow {
  project_id: string;
  title: string;
  milestone_id: string;
  milestone_text: string;
  unit: string;
  role: 'lead' | 'co';
  status: string;
  due_at: Date;
  original_due_at: Date;
  escalation_level: number;
  days_overdue: number;
  calendar_years: number[] | null;
}

/** Assignments past their operational deadline at plan time `at` and not yet done. */
export async function overdueAssignments(db: Db, scope: Scope & { at: string }): Promise<OverdueRow[]> {
  const { rows } = await sql<OverdueRow>`
    SELECT a.project_id, p.title, a.milestone_id, m.text AS milestone_text, a.unit, a.role, a.status,
           a.due_at, a.original_due_at, a.escalation_level,
           floor(extract(epoch FROM (${scope.at}::timestamptz - a.due_at)) / 86400)::int AS days_overdue,
           c.calendar_years
    FROM ${t(scope, 'assignments')} a
    LEFT JOIN ${t(scope, 'cycles')} c ON c.cycle_id = a.cycle_id
    JOIN ${t(scope, 'projects')} p ON p.cycle_id = a.cycle_id AND p.project_id = a.project_id
    JOIN ${t(scope, 'milestones')} m ON m.cycle_id = a.cycle_id AND m.project_id = a.project_id AND m.milestone_id = a.milestone_id
    WHERE ${inCycle(scope, 'a')}
      AND a.status IN ('assigned', 'acknowledged', 'returned')
      AND a.due_at < ${scope.at}::timestamptz
    ORDER BY a.escalation_level DESC, a.due_at, a.assignment_id`.execute(db);
  return rows;
}

export interface TargetRow {
  project_id: string;
  title: string;
  kind: string;
  milestone_id: string;
  target_index: number;
  metric: string;
  op: string;
  target_value: number;
  target_unit: string;
  reported: number | null;
  met: boolean | null;
}

export async function targetProgress(db: Db, scope: Scope): Promise<TargetRow[]> {
  const { rows } = await sql<TargetRow>`
    SELECT g.project_id, p.title, p.kind, g.milestone_id, g.target_index, g.metric, g.op,
           g.target_value, g.target_unit, g.reported, g.met
    FROM ${t(scope, 'target_progress')} g
    JOIN ${t(scope, 'projects')} p ON p.cycle_id = g.cycle_id AND p.project_id = g.project_id
    WHERE ${inCycle(scope, 'g')}
    ORDER BY g.project_id, g.milestone_id, g.target_index`.execute(db);
  return rows;
}

export interface ReworkRow {
  unit: string;
  project_id: string;
  title: string;
  milestone_id: string;
  round: number;
  review_comment: string | null;
  reviewed_at: Date | null;
  rounds_taken: number;
  final_review: string;
}

/** Every 退回 with its reason, and how many rounds the milestone's report took in the end. */
export async function reworkLog(db: Db, scope: Scope): Promise<ReworkRow[]> {
  const { rows } = await sql<ReworkRow>`
    SELECT s.unit, s.project_id, p.title, s.milestone_id, s.round, s.review_comment, s.reviewed_at,
           m.rounds AS rounds_taken, m.status AS final_review
    FROM ${t(scope, 'submissions')} s
    JOIN ${t(scope, 'projects')} p ON p.cycle_id = s.cycle_id AND p.project_id = s.project_id
    JOIN ${t(scope, 'milestones')} m ON m.cycle_id = s.cycle_id AND m.project_id = s.project_id AND m.milestone_id = s.milestone_id
    WHERE ${inCycle(scope, 's')} AND s.review = 'returned'
    ORDER BY s.unit, s.project_id, s.milestone_id, s.round`.execute(db);
  return rows;
}

export interface EscalationDay {
  day: string;
  escalations: number;
}

export async function escalationsByDay(db: Db, scope: Scope): Promise<EscalationDay[]> {
  const { rows } = await sql<EscalationDay>`
    SELECT to_char(n.sent_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, count(*)::int AS escalations
    FROM ${t(scope, 'notices')} n
    WHERE ${inCycle(scope, 'n')} AND n.kind = 'escalation'
    GROUP BY 1 ORDER BY 1`.execute(db);
  return rows;
}

export interface NoticeDeliveryRow {
  notification_id: string;
  kind: 'reminder' | 'escalation';
  level: number | null;
  unit: string;
  project_id: string;
  milestone_id: string;
  sent_at: Date;
  channel: string | null;
  status: string | null;
  delivered_at: Date | null;
  opened_at: Date | null;
  /** Who of the unit opened it first (from the append-only read receipts). */
  opened_by: string | null;
  /** Seconds from issue (the outbox row) to the first opening, or to now while still unread. */
  unread_seconds: number | null;
  attempts: { at: string; ok: boolean | null; status: string; detail: string }[];
}

/**
 * Each 催办/督办 notice with its delivery record from the notifier's tables (always the live
 * ones: delivery is a fact of the world, not of the log): every attempt, delivery and opening, and
 * how long it stayed unread (wall-clock time from issue to first opening, or until now).
 */
export async function noticeDeliveries(db: Db, scope: Scope): Promise<NoticeDeliveryRow[]> {
  const { rows } = await sql<NoticeDeliveryRow>`
    SELECT n.notification_id, n.kind, n.level, n.unit, n.project_id, n.milestone_id, n.sent_at,
           d.channel, d.status, d.delivered_at, d.opened_at,
           (SELECT r.username FROM public.notification_reads r WHERE r.notification_id = n.notification_id
             ORDER BY r.opened_at, r.id LIMIT 1) AS opened_by,
           extract(epoch FROM coalesce(d.opened_at, now()) - d.created_at)::float8 AS unread_seconds,
           coalesce((SELECT json_agg(json_build_object('at', a.attempted_at, 'ok', a.ok, 'status', a.status, 'detail', a.detail)
                                     ORDER BY a.attempted_at, a.id)
                     FROM public.notification_attempts a WHERE a.notification_id = n.notification_id), '[]') AS attempts
    FROM ${t(scope, 'notices')} n
    LEFT JOIN public.notifications d ON d.notification_id = n.notification_id
    WHERE ${inCycle(scope, 'n')}
    ORDER BY n.sent_at, n.notification_id`.execute(db);
  return rows;
}

/** Plan time "now" for a cycle: the time of its latest event (the log's clock, not the wall's). */
export async function latestPlanTime(db: Db, cycleId?: string): Promise<string> {
  const { rows } = await sql<{ at: Date | null }>`
    SELECT max(occurred_at) AS at FROM events WHERE ${cycleId === undefined ? sql`TRUE` : sql`cycle_id = ${cycleId}`}`.execute(
    db,
  );
  return (rows[0]?.at ?? new Date()).toISOString();
}

/**
 * The cycle a report covers when none is named: the most recently started open one, else the most
 * recently started (the 领导批示 pseudo-cycle has no `cycles` row, so it is never the default).
 */
export async function defaultReportCycle(
  db: Db,
  schema: string,
): Promise<{ cycleId: string; name: string; open: boolean } | undefined> {
  const { rows } = await sql<{ cycle_id: string; name: string; status: string }>`
    SELECT cycle_id, name, status FROM ${sql.id(schema, 'cycles')}
    ORDER BY status = 'open' DESC, started_at DESC, cycle_id
    LIMIT 1`.execute(db);
  const row = rows[0];
  return row && { cycleId: row.cycle_id, name: row.name, open: row.status === 'open' };
}

/**
 * 整改 not done by their 整改期限 at plan time `at`, per unit, among the rounds run under the cycle
 * (a first round under the cycle whose shortfall it is, a carried round under the cycle it was
 * carried into): the assessment's `rectificationOverdue` count.
 */
export async function rectificationsOverdue(
  db: Db,
  scope: Scope & { cycleId: string; at: string },
): Promise<Map<string, number>> {
  const { rows } = await sql<{ unit: string; status: RectificationStatus; due_at: Date }>`
    SELECT unit, status, due_at FROM ${t(scope, 'rectifications')}
    WHERE cycle_id = ${RECTIFICATIONS_CYCLE} AND context_cycle_id = ${scope.cycleId}`.execute(db);
  const counts = new Map<string, number>();
  for (const r of rows)
    if (isRectificationOverdue({ status: r.status, due_at: new Date(r.due_at).toISOString() }, scope.at))
      counts.set(r.unit, (counts.get(r.unit) ?? 0) + 1);
  return counts;
}

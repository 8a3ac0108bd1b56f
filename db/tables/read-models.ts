import type { ColumnType } from 'kysely';
import type { MilestonePhase } from '../../domain/project';
import type { ClockAnchor } from '../../domain/clock';
import type { EvidenceRef } from '../../domain/events';

/**
 * Read models derived from the event log by db/projections. Every column is a pure function of
 * the events (no now(), no serials), so a rebuild reproduces the rows byte for byte and the
 * checksums in db/projections/rebuild.ts can compare a rebuilt schema with the live one.
 * Times are written as ISO strings and read back as Date.
 */
type Instant = ColumnType<Date, string, string>;
type NullableInstant = ColumnType<Date | null, string | null, string | null>;
type Json<T> = ColumnType<T, string, string>;

export interface ProjectionCheckpointsTable {
  name: string;
  version: number;
  /** Where the model's rows were built to (appends since then do not write here: checkpointOf). */
  position: ColumnType<string, string, string>;
  /** The log's highest position when the row was written (the column's default fills it). */
  log_head: ColumnType<string, never, never>;
}

export interface CyclesTable {
  cycle_id: string;
  name: string;
  plan_id: string;
  plan_version: number;
  status: 'open' | 'cancelled' | 'closed';
  outcome: 'completed' | 'cancelled' | null;
  opens_at: Instant;
  submission_due_at: Instant;
  original_submission_due_at: Instant;
  review_due_at: Instant;
  scoring_baseline: 'original' | 'operational';
  amber_within: Json<{ amount: number; unit: 'days' | 'workdays' | 'hours' }>;
  max_returns: number;
  /** Plan time vs real time (domain/clock.ts), null for cycles started before it was recorded. */
  clock: Json<ClockAnchor | null>;
  /** Years the office calendar covered at the cycle's start; null without one (migration 0041). */
  calendar_years: Json<number[] | null>;
  projects_started: number;
  projects_closed: number;
  started_at: Instant;
  closed_at: NullableInstant;
  note: string | null;
}

export type Rag = 'red' | 'amber' | 'green';

export interface ProjectsTable {
  project_id: string;
  cycle_id: string;
  item_id: string;
  kind: string;
  title: string;
  section: string;
  lead_unit: string;
  co_units: Json<string[]>;
  status: 'active' | 'suspended' | 'cancelled' | 'closed';
  outcome: 'completed' | 'cancelled' | null;
  rag: Rag | null;
  rag_rule: string | null;
  rag_milestone_id: string | null;
  milestones_total: number;
  milestones_met: number;
  milestones_missed: number;
  started_at: Instant;
  closed_at: NullableInstant;
  last_event_at: Instant;
}

export interface MilestonesTable {
  project_id: string;
  milestone_id: string;
  cycle_id: string;
  /** Position of the milestone in its project's plan. */
  ordinal: number;
  year: number | null;
  text: string;
  /** The domain's phase of the milestone (domain/project.ts MilestonePhase). */
  status: MilestonePhase;
  outcome: 'met' | 'missed' | 'cancelled' | null;
  opens_at: Instant;
  original_due_at: Instant;
  due_at: Instant;
  rounds: number;
  returns: number;
  escalation_level: number;
  rag: Rag | null;
  rag_rule: string | null;
  rag_threshold: string | null;
  rag_deadline: NullableInstant;
  rag_event_id: string | null;
  closed_at: NullableInstant;
}

export type AssignmentStatus =
  'assigned' | 'acknowledged' | 'submitted' | 'returned' | 'approved' | 'closed' | 'cancelled';

export interface AssignmentsTable {
  assignment_id: string;
  cycle_id: string;
  project_id: string;
  milestone_id: string;
  unit: string;
  role: 'lead' | 'co';
  status: AssignmentStatus;
  suspended: boolean;
  original_due_at: Instant;
  due_at: Instant;
  assigned_at: Instant;
  acknowledged_at: NullableInstant;
  submitted_at: NullableInstant;
  rounds: number;
  returns: number;
  reminders: number;
  escalation_level: number;
  reassigned_from: string | null;
  reassign_reason: string | null;
}

export interface SubmissionsTable {
  submission_id: string;
  cycle_id: string;
  project_id: string;
  milestone_id: string;
  assignment_id: string;
  unit: string;
  kind: 'report' | 'contribution';
  round: number | null;
  narrative: string;
  reported_values: Json<{ targetIndex: number; value: number }[]>;
  evidence_count: number;
  /** The files cited, as the review queue links them. */
  evidence: Json<EvidenceRef[]>;
  late: boolean;
  late_against_original: boolean | null;
  submitted_at: Instant;
  review: 'pending' | 'approved' | 'returned' | 'not_reviewed';
  verdict: 'met' | 'missed' | null;
  review_comment: string | null;
  reviewed_at: NullableInstant;
  reviewed_by: string | null;
}

export interface NoticesTable {
  notification_id: string;
  event_id: string;
  kind: 'reminder' | 'escalation';
  cycle_id: string;
  project_id: string;
  milestone_id: string;
  assignment_id: string;
  unit: string;
  level: number | null;
  target: string | null;
  reason: string | null;
  lead_time: string | null;
  due_at: Instant;
  sent_at: Instant;
}

export interface ExtensionRequestsTable {
  request_id: string;
  cycle_id: string;
  project_id: string;
  milestone_id: string;
  unit: string;
  reason: string;
  requested_due_at: Instant;
  requested_at: Instant;
  status: 'pending' | 'granted' | 'denied';
  new_due_at: NullableInstant;
  decision_comment: string | null;
  decided_at: NullableInstant;
}

export interface TargetProgressTable {
  project_id: string;
  milestone_id: string;
  target_index: number;
  cycle_id: string;
  metric: string;
  op: string;
  target_value: number;
  target_unit: string;
  year: number | null;
  reported: number | null;
  reported_at: NullableInstant;
  reported_round: number | null;
  met: boolean | null;
  assessed_at: NullableInstant;
}

/** One line per assignment: the facts the 考核 scores; the per-unit board is their GROUP BY. */
export interface UnitScoreLinesTable {
  assignment_id: string;
  cycle_id: string;
  project_id: string;
  milestone_id: string;
  unit: string;
  role: 'lead' | 'co';
  submitted: boolean;
  late: boolean | null;
  late_against_original: boolean | null;
  returns: number;
  escalations: number;
  max_escalation_level: number;
  targets_met: number;
  targets_total: number;
}

/** 领导批示 and where each stands (db/projections/instructions.ts). */
export interface InstructionsTable {
  cycle_id: string;
  /** The instruction's id, which is also the id of the item carrying it out. */
  project_id: string;
  leader: string;
  issued_on: string;
  text: string;
  unit: string;
  co_units: Json<string[]>;
  evidence: Json<{ ref: string; sha256: string; name?: string | undefined }[]>;
  linked_item_id: string | null;
  linked_cycle_id: string | null;
  original_due_at: Instant;
  due_at: Instant;
  status: 'received' | 'in_progress' | 'submitted' | 'done' | 'missed' | 'cancelled';
  recorded_at: Instant;
  recorded_by: string;
  acknowledged_at: NullableInstant;
  reported_at: NullableInstant;
  reported_late: boolean | null;
  rounds: number;
  returns: number;
  escalation_level: number;
  closed_at: NullableInstant;
  outcome: 'met' | 'missed' | 'cancelled' | null;
}

/** 定期反馈: each period of an item with a cadence (db/projections/progress-periods.ts). */
export interface ProgressPeriodsTable {
  cycle_id: string;
  project_id: string;
  period_id: string;
  label: string;
  unit: string;
  opens_at: Instant;
  due_at: Instant;
  miss_at: Instant;
  /** `waived`: still open when its item was 办结 or 撤销, so no longer owed. */
  status: 'open' | 'reported' | 'missed' | 'waived';
  late: boolean | null;
  reported_at: NullableInstant;
  reminded: boolean;
  escalated: boolean;
}

/** 办结申请 and 督导处's decision on each (销号 confirms, 不同意 refuses with a reason). */
export interface ClosureRequestsTable {
  cycle_id: string;
  project_id: string;
  request_id: string;
  unit: string;
  narrative: string;
  evidence: Json<EvidenceRef[]>;
  requested_at: Instant;
  requested_by: string;
  status: 'pending' | 'confirmed' | 'refused';
  decision_comment: string | null;
  decided_at: NullableInstant;
  decided_by: string | null;
}

/** 整改 rounds and where each stands (db/projections/rectifications.ts). */
export interface RectificationsTable {
  cycle_id: string;
  /** The round's id, which is also the id of the item carrying it out. */
  project_id: string;
  origin_cycle_id: string;
  item_id: string;
  milestone_id: string;
  title: string;
  reasons: Json<string[]>;
  unit: string;
  round: number;
  carried_from: string | null;
  context_cycle_id: string;
  document_number: string | null;
  original_due_at: Instant;
  due_at: Instant;
  status: 'issued' | 'in_progress' | 'submitted' | 'struck_off' | 'missed' | 'carried' | 'cancelled';
  issued_at: Instant;
  issued_by: string;
  reported_at: NullableInstant;
  rounds: number;
  returns: number;
  escalation_level: number;
  closed_at: NullableInstant;
  outcome: 'met' | 'missed' | 'cancelled' | null;
}

/** 多级下发: each share a unit dispatched to a body below it, and where it stands (db/projections/sub-assignments.ts). */
export interface SubAssignmentsTable {
  cycle_id: string;
  /** The sub-assignment's id, which is also the id of the item carrying it out. */
  project_id: string;
  parent_cycle_id: string;
  parent_project_id: string;
  parent_milestone_id: string;
  root_cycle_id: string;
  root_project_id: string;
  /** The dispatching unit (it reviews) and the body carrying it out. */
  unit: string;
  body: string;
  text: string;
  milestone_id: string;
  opens_at: Instant;
  original_due_at: Instant;
  due_at: Instant;
  parent_due_at: Instant;
  phase: MilestonePhase;
  outcome: 'met' | 'missed' | 'cancelled' | null;
  status: 'active' | 'suspended' | 'cancelled' | 'closed';
  rounds: number;
  returns: number;
  escalation_level: number;
  /** The latest report's values, per target of the parent milestone. */
  reported_values: Json<{ targetIndex: number; value: number }[]>;
  narrative: string | null;
  reported_at: NullableInstant;
  reported_late: boolean | null;
  dispatched_at: Instant;
  dispatched_by: string;
  closed_at: NullableInstant;
}

export interface ReadModelTables {
  projection_checkpoints: ProjectionCheckpointsTable;
  cycles: CyclesTable;
  projects: ProjectsTable;
  milestones: MilestonesTable;
  assignments: AssignmentsTable;
  submissions: SubmissionsTable;
  notices: NoticesTable;
  extension_requests: ExtensionRequestsTable;
  target_progress: TargetProgressTable;
  unit_score_lines: UnitScoreLinesTable;
  instructions: InstructionsTable;
  progress_periods: ProgressPeriodsTable;
  closure_requests: ClosureRequestsTable;
  rectifications: RectificationsTable;
  sub_assignments: SubAssignmentsTable;
}

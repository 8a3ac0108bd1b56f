import type { ReportedValue, EvidenceRef, TargetResult } from '../events';
import type { Target, ItemKind } from '../plan';
import type { CyclePolicy } from '../policy';

/**
 * A project's state: the fold (`evolve`) of its own events. The workflow decides on it and the
 * read models are built from the same fold, so what is acted on and what is reported agree.
 */

export type AssignmentState = {
  assignmentId: string;
  unit: string;
  role: 'lead' | 'co';
  dueAt: string;
  acknowledged: boolean;
  submitted: boolean;
  late: boolean;
  /** Highest 督办 level raised for the current due date, and reminders already sent for it. */
  escalationLevel: number;
  remindersSent: string[];
  /**
   * How many times the assignment changed hands by 转办: part of every notice id, so the new unit's
   * 催办 and 督办 never collide with the old unit's. Absent in state carried from older runs (0).
   */
  generation?: number;
};

export type ExtensionState = {
  requestId: string;
  unit: string;
  reason: string;
  requestedDueAt: string;
  status: 'pending' | 'granted' | 'denied';
  comment: string;
};

/** 申请办结: the lead unit's request to close the item early, and 督导处's answer (销号 or not). */
export type ClosureState = {
  requestId: string;
  unit: string;
  narrative: string;
  evidence: EvidenceRef[];
  status: 'pending' | 'confirmed' | 'refused';
  comment: string;
};

export type SubmissionState = {
  round: number;
  narrative: string;
  values: ReportedValue[];
  evidence: EvidenceRef[];
  late: boolean;
  lateAgainstOriginal: boolean;
  at: string;
};

export type MilestonePhase = 'scheduled' | 'assigned' | 'submitted' | 'returned' | 'approved' | 'closed';

export type MilestoneState = {
  milestoneId: string;
  year: number | null;
  text: string;
  targets: Target[];
  opensAt: string;
  /** 原定期限: kept for scoring (按原定时间考核). */
  originalDueAt: string;
  /** The operational deadline timers follow; moved by a granted extension. */
  dueAt: string;
  phase: MilestonePhase;
  outcome: 'met' | 'missed' | 'cancelled' | null;
  assignments: AssignmentState[];
  rounds: number;
  returns: number;
  lastReturnComment: string | null;
  submission: SubmissionState | null;
  results: TargetResult[];
  approved: boolean;
  extensions: ExtensionState[];
  escalatedForReturns: boolean;
  /** The event that last changed this milestone, for explainable colours. */
  lastEventId: string | null;
};

/** One 定期反馈 period: due, reported (on time or late) or missed. */
export type ProgressPeriodState = {
  periodId: string;
  label: string;
  opensAt: string;
  dueAt: string;
  missAt: string;
  status: 'open' | 'reported' | 'missed';
  late: boolean | null;
  /** Its one 催办 and its one 督办 step, once sent. */
  reminded: boolean;
  escalated: boolean;
};

export type ProjectState = {
  streamId: string;
  cycleId: string;
  projectId: string;
  itemId: string;
  kind: ItemKind;
  title: string;
  section: string;
  leadUnit: string;
  coUnits: string[];
  targets: Target[];
  policy: CyclePolicy;
  status: 'active' | 'suspended' | 'cancelled' | 'closed';
  milestones: MilestoneState[];
  /** Last sequence number in the stream. */
  seq: number;
  lastEventId: string | null;
  /** Plan time the workflow had reached when it last acted (absent in older runs' state). */
  asOf?: string;
  /** 定期反馈 periods; absent when the cycle's policy has no cadence (and in older runs). */
  periods?: ProgressPeriodState[];
  /** 办结申请, oldest first; absent until the first one (and in older runs' state). */
  closures?: ClosureState[];
  /**
   * 多级下发: the unit that dispatched this sub-assignment, which reviews its report and decides its
   * requests instead of 督导处. Absent for every other item.
   */
  reviewUnit?: string;
};

export type ProjectIdentity = {
  streamId: string;
  cycleId: string;
  projectId: string;
  policy: CyclePolicy;
};

export const emptyProject = (id: ProjectIdentity): ProjectState => ({
  ...id,
  itemId: id.projectId,
  kind: 'major_project',
  title: '',
  section: '',
  leadUnit: '',
  coUnits: [],
  targets: [],
  status: 'active',
  milestones: [],
  seq: 0,
  lastEventId: null,
});

/** Event ids are derived, never random: a stream's n-th event is `<stream>#<n>`. */
export const eventIdOf = (streamId: string, seq: number): string => `${streamId}#${seq}`;
export const assignmentIdOf = (milestoneId: string, role: 'lead' | 'co', unit: string): string =>
  `${milestoneId}/${role === 'lead' ? 'lead' : `co:${unit}`}`;

/** A milestone a unit can still act on: assigned, returned for rework, or awaiting review. */
export const isOpenPhase = (m: Pick<MilestoneState, 'phase'>): boolean =>
  m.phase === 'assigned' || m.phase === 'returned' || m.phase === 'submitted';

/** Whether an assignment still owes something (a co-unit's contribution, the lead's report). */
export const owesWork = (m: MilestoneState, a: AssignmentState): boolean =>
  !a.submitted && !(a.role === 'lead' && m.phase === 'submitted');

export const isFinished = (s: Pick<ProjectState, 'status'>): boolean =>
  s.status === 'closed' || s.status === 'cancelled';

/**
 * A notice's id names its recipient and occurrence: the assignment, the unit holding it and how
 * often it changed hands, then what the notice is about. After 转办 the new unit's notices get
 * ids of their own instead of colliding with (and being dropped as duplicates of) the old unit's.
 */
export const noticeIdOf = (s: Pick<ProjectState, 'streamId'>, a: AssignmentState, about: string): string =>
  `${s.streamId}/${a.assignmentId}/${a.unit}.${a.generation ?? 0}/${about}`;

/** The notice id of a period's 催办 or 督办: the period, the lead unit, what it is about. */
export const periodNoticeIdOf = (
  s: Pick<ProjectState, 'streamId'>,
  p: Pick<ProgressPeriodState, 'periodId'>,
  unit: string,
  about: string,
): string => `${s.streamId}/${p.periodId}/${unit}/${about}`;

/**
 * The unit that holds the lead now (after 转办, the new unit): it reports a period and may ask for
 * 办结. Takes any project shape with the lead and the assignments (the state, the read models' facts).
 */
export const periodUnitOf = (
  s: Pick<ProjectState, 'leadUnit'> & {
    milestones: readonly { assignments: readonly Pick<AssignmentState, 'role' | 'unit'>[] }[];
  },
): string =>
  s.milestones
    .flatMap((m) => m.assignments)
    .filter((a) => a.role === 'lead')
    .at(-1)?.unit ?? s.leadUnit;

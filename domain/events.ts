import { z } from 'zod';
import { ClockAnchor } from './clock';
import { Principal } from './principal';
import { CyclePolicy } from './policy';
import { ItemKind, Target } from './plan';
import { EscalationTarget } from './policy';
import { EvidenceRef, Iso, ReportedValue } from './report-shapes';

export { EvidenceRef, Iso, ReportedValue };

export const CycleWindow = z.object({
  opensAt: Iso,
  submissionDueAt: Iso,
  reviewDueAt: Iso,
});
export type CycleWindow = z.infer<typeof CycleWindow>;

export const CycleScope = z.object({
  kinds: z.array(ItemKind).min(1).default(['major_project']),
  sections: z.array(z.string()).optional(),
  units: z.array(z.string()).optional(),
  itemIds: z.array(z.string()).optional(),
});
export type CycleScope = z.infer<typeof CycleScope>;

/** Drill calendar: plan time runs `yearSeconds` real seconds per plan year, from the cycle's opening. */
export const Drill = z.object({ yearSeconds: z.number().positive() });
export type Drill = z.infer<typeof Drill>;

export const MilestonePlan = z.object({
  milestoneId: z.string(),
  /** The plan year of the 到YYYY年 clause; null for a cycle progress report. */
  year: z.number().int().nullable(),
  text: z.string(),
  opensAt: Iso,
  dueAt: Iso,
  targets: z.array(Target),
  /** Years the due date was computed across without an official calendar (calendar days used). */
  calendarGaps: z.array(z.number().int()).optional(),
});
export type MilestonePlan = z.infer<typeof MilestonePlan>;

/** One 定期反馈 period of a project: when it opens, is due, and counts as missed if unreported. */
export const ProgressPeriodPlan = z.object({
  periodId: z.string(),
  /** 2017年3月, 2017年第1季度. */
  label: z.string(),
  opensAt: Iso,
  dueAt: Iso,
  missAt: Iso,
});
export type ProgressPeriodPlan = z.infer<typeof ProgressPeriodPlan>;

export const TargetResult = z.object({
  targetIndex: z.number().int(),
  reported: z.number().nullable(),
  met: z.boolean(),
});
export type TargetResult = z.infer<typeof TargetResult>;

/**
 * 领导批示 as recorded: who instructed what on which day, the unit that answers for it and by when,
 * the scanned original (if any) and the plan item it concerns (if any). It opens the stream of the
 * supervised item that carries it out (`domain/instruction.ts`).
 */
export const InstructionRecord = z.object({
  instructionId: z.string(),
  leader: z.string(),
  /** The day the leader wrote it (YYYY-MM-DD, Beijing), as on the original. */
  issuedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  text: z.string(),
  unit: z.string(),
  coUnits: z.array(z.string()),
  deadline: Iso,
  evidence: z.array(EvidenceRef),
  linkedItemId: z.string().nullable(),
  /** The cycle whose clock and policy the item follows; null: real time, the default policy. */
  linkedCycleId: z.string().nullable(),
});
export type InstructionRecord = z.infer<typeof InstructionRecord>;

/**
 * 整改 as issued at a cycle's close-out: which plan item and milestone of which cycle fell short and
 * why, the unit that must rectify it and by when (整改期限). It opens the stream of the supervised
 * item that carries the 整改 out (`domain/rectification.ts`). A round carried into a later cycle
 * names the round it continues.
 */
export const RectificationRecord = z.object({
  rectificationId: z.string(),
  /** The cycle whose shortfall this is, the plan item and its milestone there. */
  originCycleId: z.string(),
  itemId: z.string(),
  milestoneId: z.string(),
  title: z.string(),
  reasons: z.array(z.string()).min(1),
  unit: z.string(),
  deadline: Iso,
  /** 1 for the round issued at close-out; each carry-over into a later cycle adds one. */
  round: z.number().int().min(1),
  /** The round this one continues (carried over), or null for the first round. */
  carriedFrom: z.string().nullable(),
  /** The cycle whose clock and policy the round follows: the origin, or the cycle it was carried into. */
  contextCycleId: z.string(),
  /** 整改通知's 文号, when the notice had one. */
  documentNumber: z.string().nullable(),
});
export type RectificationRecord = z.infer<typeof RectificationRecord>;

/**
 * 多级下发 as recorded: a unit (or a body) holding a milestone of an item hands a share of it to a
 * body below it in the unit directory, with its own deadline. It opens the stream of the supervised
 * sub-assignment that carries it out (`domain/dispatch.ts`); the dispatching unit reviews its report.
 */
export const SubAssignmentRecord = z.object({
  subAssignmentId: z.string(),
  /** The item and milestone handed down: a plan item's in its cycle, or another sub-assignment's. */
  parentCycleId: z.string(),
  parentProjectId: z.string(),
  parentMilestoneId: z.string(),
  /** The plan cycle and item at the top of the chain (the parent's own when it is a plan item). */
  rootCycleId: z.string(),
  rootProjectId: z.string(),
  /** The unit that dispatched it and reviews its report; the body that carries it out. */
  unit: z.string(),
  body: z.string(),
  text: z.string(),
  deadline: Iso,
  /** The parent's deadline when it was dispatched (the sub-assignment's is earlier). */
  parentDueAt: Iso,
});
export type SubAssignmentRecord = z.infer<typeof SubAssignmentRecord>;

const ev = <T extends string, D extends z.ZodRawShape>(type: T, data: D) =>
  z.object({ type: z.literal(type), data: z.object(data) });

/** Every domain event dudao records. Add a type here, never change one that has been recorded. */
export const EventBody = z.discriminatedUnion('type', [
  ev('CycleStarted', {
    name: z.string(),
    planId: z.string(),
    planVersion: z.number().int(),
    scope: CycleScope,
    window: CycleWindow,
    policy: CyclePolicy,
    drill: Drill.nullable(),
    itemIds: z.array(z.string()),
    /**
     * The cycle's clock (plan time vs real time), so views compute colours at the plan time of the
     * moment they are read. Absent in cycles started before it was recorded.
     */
    clock: ClockAnchor.optional(),
  }),
  ev('CycleExtended', { window: CycleWindow, reason: z.string() }),
  ev('CycleCancelled', { reason: z.string() }),
  ev('CycleClosed', { projects: z.number().int(), outcome: z.enum(['completed', 'cancelled']) }),
  ev('ProjectStarted', {
    itemId: z.string(),
    kind: ItemKind,
    title: z.string(),
    section: z.string(),
    leadUnit: z.string(),
    coUnits: z.array(z.string()),
    targets: z.array(Target),
    milestones: z.array(MilestonePlan),
    /** 定期反馈 periods, when the cycle's policy has a cadence (absent before cadences existed). */
    periods: z.array(ProgressPeriodPlan).optional(),
  }),
  ev('MilestoneOpened', { milestoneId: z.string() }),
  ev('AssignmentCreated', {
    milestoneId: z.string(),
    assignmentId: z.string(),
    unit: z.string(),
    role: z.enum(['lead', 'co']),
    dueAt: Iso,
    /** Years a co-unit's working-day lead was counted across without an official calendar. */
    calendarGaps: z.array(z.number().int()).optional(),
  }),
  ev('AssignmentAcknowledged', { assignmentId: z.string(), unit: z.string() }),
  ev('AssignmentReassigned', {
    assignmentId: z.string(),
    fromUnit: z.string(),
    toUnit: z.string(),
    reason: z.string(),
  }),
  ev('ContributionSubmitted', {
    milestoneId: z.string(),
    assignmentId: z.string(),
    unit: z.string(),
    narrative: z.string(),
    values: z.array(ReportedValue),
    evidence: z.array(EvidenceRef),
    late: z.boolean(),
  }),
  ev('ReportSubmitted', {
    milestoneId: z.string(),
    assignmentId: z.string(),
    unit: z.string(),
    round: z.number().int().min(1),
    narrative: z.string(),
    values: z.array(ReportedValue),
    evidence: z.array(EvidenceRef),
    /** Late against the operational deadline and against the original one. */
    late: z.boolean(),
    lateAgainstOriginal: z.boolean(),
  }),
  ev('ReportApproved', {
    milestoneId: z.string(),
    round: z.number().int(),
    comment: z.string(),
    verdict: z.enum(['met', 'missed']),
    results: z.array(TargetResult),
  }),
  ev('ReportReturned', { milestoneId: z.string(), round: z.number().int(), comment: z.string() }),
  ev('ReminderSent', {
    milestoneId: z.string(),
    assignmentId: z.string(),
    unit: z.string(),
    dueAt: Iso,
    leadTime: z.string(),
    notificationId: z.string(),
  }),
  ev('EscalationRaised', {
    milestoneId: z.string(),
    assignmentId: z.string(),
    unit: z.string(),
    level: z.number().int().min(1),
    target: EscalationTarget,
    reason: z.enum(['overdue', 'too_many_returns']),
    dueAt: Iso,
    notificationId: z.string(),
  }),
  ev('ExtensionRequested', {
    milestoneId: z.string(),
    requestId: z.string(),
    unit: z.string(),
    reason: z.string(),
    requestedDueAt: Iso,
  }),
  ev('ExtensionGranted', {
    milestoneId: z.string(),
    requestId: z.string(),
    newDueAt: Iso,
    comment: z.string(),
  }),
  ev('ExtensionDenied', { milestoneId: z.string(), requestId: z.string(), comment: z.string() }),
  ev('ProjectSuspended', { reason: z.string() }),
  ev('ProjectResumed', { reason: z.string() }),
  ev('ProjectCancelled', { reason: z.string() }),
  ev('MilestoneClosed', {
    milestoneId: z.string(),
    outcome: z.enum(['met', 'missed', 'cancelled']),
  }),
  ev('ProjectClosed', { outcome: z.enum(['completed', 'cancelled']) }),
  ev('InstructionRecorded', InstructionRecord.shape),
  ev('SubAssignmentDispatched', SubAssignmentRecord.shape),
  ev('ProgressReported', {
    periodId: z.string(),
    unit: z.string(),
    narrative: z.string(),
    values: z.array(ReportedValue),
    evidence: z.array(EvidenceRef),
    late: z.boolean(),
  }),
  ev('ProgressPeriodMissed', { periodId: z.string(), unit: z.string(), dueAt: Iso }),
  /**
   * The cycle's window moved: open periods take their new plan (a later 督办 cap) and periods now due
   * inside the window are added. Reported and missed periods never change.
   */
  ev('ProgressPeriodsReplanned', {
    periods: z.array(ProgressPeriodPlan),
    /** Who owes the periods added: the item's lead now. */
    unit: z.string(),
    reason: z.string(),
  }),
  /** 申请办结: the lead unit asks 督导处 to close the whole item early, with its evidence. */
  ev('ClosureRequested', {
    requestId: z.string(),
    unit: z.string(),
    narrative: z.string(),
    evidence: z.array(EvidenceRef),
  }),
  /** 销号: 督导处 confirms; the milestones still open close as met and the project closes. */
  ev('ClosureConfirmed', { requestId: z.string(), comment: z.string() }),
  ev('ClosureRefused', { requestId: z.string(), comment: z.string() }),
  /** 整改通知 issued: opens the stream of the 整改 item, before its ProjectStarted. */
  ev('RectificationIssued', RectificationRecord.shape),
]);
export type EventBody = z.infer<typeof EventBody>;
export type EventType = EventBody['type'];
export type EventOf<T extends EventType> = Extract<EventBody, { type: T }>;

/** The envelope every event is recorded in. `seq` is per stream (per workflow run chain), from 1. */
export const EventEnvelope = z.object({
  eventId: z.string(),
  streamId: z.string(),
  seq: z.number().int().min(1),
  schemaVersion: z.number().int().min(1).default(1),
  at: Iso,
  actor: Principal,
  cycleId: z.string(),
  projectId: z.string().nullable(),
  milestoneId: z.string().nullable(),
  causationId: z.string().nullable(),
});

/**
 * An event as recorded: its envelope and its body. Parsed as one object per type (the envelope
 * extended by the body) picked by `type`, rather than as an intersection, which parses the event
 * twice and merges the two results: every append parses each event it writes.
 */
const [firstType, ...otherTypes] = EventBody.options.map((body) => EventEnvelope.extend(body.shape));
export const DomainEvent: z.ZodType<DomainEvent> = z.discriminatedUnion('type', [firstType!, ...otherTypes]);
export type DomainEvent = z.infer<typeof EventEnvelope> & EventBody;

import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { openProgressPeriods, openProjectFacts, type ProjectFacts } from '../db/project-views';
import { planNow, realClock } from '../domain/clock';
import { uncoveredDueYear } from '../domain/work-calendar';
import type { ItemKind, Target } from '../domain/plan';
import { periodUnitOf, type ClosureState, type SubmissionState } from '../domain/project';
import type { Rag } from '../domain/rag';
import { DISPATCH_CYCLE, type DispatchedShare } from '../domain/dispatch';
import { dispatchedShares } from '../db/dispatch-views';
import { rolledColours } from './dispatch-views';
import type { ProjectView } from '../workflows/messages';

/*
 * The views people poll (a unit's inbox, the 督导处 board, the review queue, 督办) read the read
 * models, one query each, and colour at the cycle's plan time of the moment they are read. No
 * Temporal workflow is asked: one slow or stuck project cannot slow or empty a page; it is listed
 * with the mark `workflow_health` gives it. One project's live detail is app/projects.ts's.
 */

export interface InboxItem {
  cycleId: string;
  itemId: string;
  /** A 主要指标's report names its 数据来源 (the unit's form asks for it). */
  kind: ItemKind;
  title: string;
  milestoneId: string;
  milestoneText: string;
  assignmentId: string;
  role: 'lead' | 'co';
  dueAt: string;
  originalDueAt: string;
  /** The lead unit's (operational) deadline: a co-unit's own is earlier by the policy's coUnitLead. */
  leadDueAt: string;
  phase: string;
  acknowledged: boolean;
  submitted: boolean;
  rag: Rag;
  ragReason: string;
  returnComment: string | null;
  pendingExtension: boolean;
  targets: Target[];
  /** The project's workflow is stuck (`dudao doctor`): shown with a mark. */
  stuck: ProjectFacts['stuck'];
  /** The year of this deadline, when the cycle's office calendar does not cover it (shown marked). */
  calendarGap: number | null;
}

/**
 * A project's colours at the plan time of the moment it is read (its cycle's clock), each open
 * milestone no better than the shares dispatched from it (多级下发, `rolledColours`).
 */
function coloured(p: ProjectFacts, realNowMs: number, shares: readonly DispatchedShare[]) {
  const now = planNow(p.clock ?? realClock(new Date(realNowMs).toISOString()), realNowMs);
  return rolledColours(p, shares, now);
}

/**
 * A unit's open steps in one cycle (or every open cycle), soonest due first: one read of the read
 * models. A project whose workflow is stuck is listed with its mark, never left out.
 */
export async function inbox(db: Kysely<Database>, unit: string, cycleId?: string): Promise<InboxItem[]> {
  const items: InboxItem[] = [];
  const at = Date.now();
  const shares = await dispatchedShares(db);
  for (const p of await openProjectFacts(db, { unit, cycleId })) {
    const rags = coloured(p, at, shares).milestones;
    p.milestones.forEach((m, i) => {
      if (m.phase === 'closed' || m.phase === 'approved' || m.phase === 'scheduled') return;
      for (const a of m.assignments.filter((x) => x.unit === unit)) {
        items.push({
          cycleId: p.cycleId,
          itemId: p.itemId,
          kind: p.kind,
          title: p.title,
          milestoneId: m.milestoneId,
          milestoneText: m.text,
          assignmentId: a.assignmentId,
          role: a.role,
          dueAt: a.dueAt,
          originalDueAt: m.originalDueAt,
          leadDueAt: m.dueAt,
          phase: a.role === 'co' && a.submitted ? 'contributed' : m.phase,
          acknowledged: a.acknowledged,
          submitted: a.submitted,
          rag: rags[i]!.rag,
          ragReason: rags[i]!.reason,
          returnComment: m.phase === 'returned' ? (m.submission?.returnComment ?? null) : null,
          pendingExtension: m.extensions.some((x) => x.status === 'pending'),
          targets: m.targets,
          stuck: p.stuck,
          calendarGap: uncoveredDueYear(p.calendarYears, a.dueAt),
        });
      }
    });
  }
  return items.sort((x, y) => Date.parse(x.dueAt) - Date.parse(y.dueAt));
}

export interface PeriodItem {
  cycleId: string;
  itemId: string;
  title: string;
  periodId: string;
  label: string;
  dueAt: string;
  /** After this a period still unreported counts as missed (未按期反馈). */
  missAt: string;
  overdue: boolean;
}

/**
 * A unit's 定期反馈 periods that are open now (at their cycle's plan time), soonest due first:
 * one read of the `progress_periods` read model.
 */
export async function periodInbox(
  db: Kysely<Database>,
  unit: string,
  cycleId?: string,
): Promise<PeriodItem[]> {
  const at = Date.now();
  return (await openProgressPeriods(db, { unit, cycleId }))
    .map((p) => ({ p, now: Date.parse(planNow(p.clock ?? realClock(new Date(at).toISOString()), at)) }))
    .filter(({ p, now }) => Date.parse(p.opensAt) <= now)
    .map(({ p, now }) => ({
      cycleId: p.cycleId,
      itemId: p.itemId,
      title: p.title,
      periodId: p.periodId,
      label: p.label,
      dueAt: p.dueAt,
      missAt: p.missAt,
      overdue: Date.parse(p.dueAt) < now,
    }));
}

/** A project whose lead a unit holds: where its 办结申请 stands, and whether it may file one. */
export interface ClosureItem {
  cycleId: string;
  itemId: string;
  title: string;
  status: ProjectFacts['status'];
  /** The request 督导处 has yet to decide. */
  pending: ClosureState | null;
  /** The latest decided request, when 督导处 refused it: the reason the unit works from. */
  refused: ClosureState | null;
  /** Active, nothing pending, something still open: the unit may 申请办结. */
  mayRequest: boolean;
  stuck: ProjectFacts['stuck'];
}

/**
 * The open projects whose lead `unit` holds now (after 转办, the new unit, as the domain's
 * `periodUnitOf`), each with its 办结申请: one read of the read models.
 */
export async function closureInbox(
  db: Kysely<Database>,
  unit: string,
  cycleId?: string,
): Promise<ClosureItem[]> {
  return (await openProjectFacts(db, { unit, cycleId }))
    .filter((p) => periodUnitOf(p) === unit)
    .map((p) => {
      const pending = p.closures.find((x) => x.status === 'pending') ?? null;
      const last = p.closures.at(-1);
      return {
        cycleId: p.cycleId,
        itemId: p.itemId,
        title: p.title,
        status: p.status,
        pending,
        refused: last?.status === 'refused' ? last : null,
        mayRequest: p.status === 'active' && !pending && p.milestones.some((m) => m.phase !== 'closed'),
        stuck: p.stuck,
      };
    });
}

export interface BoardRow {
  cycleId: string;
  itemId: string;
  title: string;
  leadUnit: string;
  coUnits: string[];
  status: string;
  rag: Rag;
  ragReason: string;
  stuck: ProjectFacts['stuck'];
  milestones: {
    milestoneId: string;
    text: string;
    phase: string;
    dueAt: string;
    /** The year of the deadline, when the cycle's office calendar does not cover it. */
    calendarGap: number | null;
    rag: Rag;
    reason: string;
    rounds: number;
    returns: number;
    escalationLevel: number;
    submission: ProjectView['state']['milestones'][number]['submission'];
    extensions: ProjectView['state']['milestones'][number]['extensions'];
    targets: Target[];
    assignments: { assignmentId: string; unit: string; role: 'lead' | 'co'; escalationLevel: number }[];
  }[];
  closures: ClosureState[];
}

/**
 * Every open project of one cycle (or every open cycle) with its colours: the 督导处 board, one read
 * of the read models. A project whose workflow is stuck is on it with its mark.
 */
export async function board(db: Kysely<Database>, cycleId?: string): Promise<BoardRow[]> {
  const at = Date.now();
  const shares = await dispatchedShares(db);
  return (await openProjectFacts(db, { cycleId })).map((p) => boardRow(p, at, shares));
}

/** A board row with the plan section the project belongs to (for filtering). */
export type BoardEntry = BoardRow & {
  section: string;
  /** Plan time the colours were computed at. */
  now: string;
  /** Open milestones past their operational deadline. */
  overdue: number;
};

const OPEN = new Set(['assigned', 'returned', 'submitted']);

/**
 * One cycle's board including its finished projects (closed, cancelled): a finished cycle stays
 * browsable. One read of the read models, like the open board.
 */
export async function cycleBoard(db: Kysely<Database>, cycleId: string): Promise<BoardEntry[]> {
  const at = Date.now();
  const shares = await dispatchedShares(db);
  return (await openProjectFacts(db, { cycleId, finished: true })).map((p) => {
    const now = planNow(p.clock ?? realClock(new Date(at).toISOString()), at);
    return {
      ...boardRow(p, at, shares),
      section: p.section,
      now,
      overdue:
        p.status === 'active'
          ? p.milestones.filter((m) => OPEN.has(m.phase) && Date.parse(m.dueAt) < Date.parse(now)).length
          : 0,
    };
  });
}

function boardRow(p: ProjectFacts, realNowMs: number, shares: readonly DispatchedShare[]): BoardRow {
  const rag = coloured(p, realNowMs, shares);
  return {
    cycleId: p.cycleId,
    itemId: p.itemId,
    title: p.title,
    leadUnit: p.leadUnit,
    coUnits: p.coUnits,
    status: p.status,
    rag: rag.project.rag,
    ragReason: rag.project.reason,
    stuck: p.stuck,
    milestones: p.milestones.map((m, i) => ({
      milestoneId: m.milestoneId,
      text: m.text,
      phase: m.phase,
      dueAt: m.dueAt,
      calendarGap: uncoveredDueYear(p.calendarYears, m.dueAt),
      rag: rag.milestones[i]!.rag,
      reason: rag.milestones[i]!.reason,
      rounds: m.rounds,
      returns: m.returns,
      escalationLevel: Math.max(0, ...m.assignments.map((a) => a.escalationLevel)),
      submission: m.submission && {
        round: m.submission.round,
        narrative: m.submission.narrative,
        values: m.submission.values,
        evidence: m.submission.evidence,
        late: m.submission.late,
        lateAgainstOriginal: m.submission.lateAgainstOriginal,
        at: '',
      },
      extensions: m.extensions,
      targets: m.targets,
      assignments: m.assignments.map((a) => ({
        assignmentId: a.assignmentId,
        unit: a.unit,
        role: a.role,
        escalationLevel: a.escalationLevel,
      })),
    })),
    closures: p.closures,
  };
}

/** A report waiting for review, as 督导处 reads it. */
export interface ReviewReport {
  cycleId: string;
  itemId: string;
  title: string;
  milestoneId: string;
  leadUnit: string;
  round: number;
  late: boolean;
  narrative: string;
  values: { label: string; value: number }[];
  evidence: SubmissionState['evidence'];
}

/** An extension request waiting for a decision. */
export interface PendingExtension {
  cycleId: string;
  itemId: string;
  title: string;
  milestoneId: string;
  requestId: string;
  unit: string;
  dueAt: string;
  requestedDueAt: string;
  reason: string;
}

/** A pending extension request as 督导处 decides it (the review queue, a project's page). */
export const pendingExtension = (
  p: { cycleId: string; itemId: string; title: string },
  m: { milestoneId: string; dueAt: string },
  x: { requestId: string; unit: string; requestedDueAt: string; reason: string },
): PendingExtension => ({
  cycleId: p.cycleId,
  itemId: p.itemId,
  title: p.title,
  milestoneId: m.milestoneId,
  requestId: x.requestId,
  unit: x.unit,
  dueAt: m.dueAt,
  requestedDueAt: x.requestedDueAt,
  reason: x.reason,
});

/** A 办结申请 waiting for 督导处's decision (销号 or not). */
export interface PendingClosure {
  cycleId: string;
  itemId: string;
  title: string;
  requestId: string;
  unit: string;
  narrative: string;
  evidence: ClosureState['evidence'];
  /** Milestones a 销号 would close as met: not yet closed. */
  openMilestones: { milestoneId: string; text: string; dueAt: string }[];
}

/** A pending 办结申请 as 督导处 decides it (the review queue, a project's page). */
export const pendingClosure = (
  p: {
    cycleId: string;
    itemId: string;
    title: string;
    milestones: { milestoneId: string; text: string; dueAt: string; phase: string }[];
  },
  x: ClosureState,
): PendingClosure => ({
  cycleId: p.cycleId,
  itemId: p.itemId,
  title: p.title,
  requestId: x.requestId,
  unit: x.unit,
  narrative: x.narrative,
  evidence: x.evidence,
  openMilestones: p.milestones
    .filter((m) => m.phase !== 'closed')
    .map((m) => ({ milestoneId: m.milestoneId, text: m.text, dueAt: m.dueAt })),
});

export interface ReviewQueue {
  reports: ReviewReport[];
  extensions: PendingExtension[];
  closures: PendingClosure[];
}

/** An assignment under 督办. */
export interface Escalation {
  cycleId: string;
  itemId: string;
  title: string;
  milestoneId: string;
  unit: string;
  level: number;
  dueAt: string;
  reason: string;
}

/**
 * The review queue 督导处 works through, derived from the board. A sub-assignment's report and
 * requests go to the unit that dispatched it (app/dispatch.ts), not to 督导处.
 */
export function reviewQueue(board: BoardRow[]): ReviewQueue {
  const rows = board.filter((p) => p.cycleId !== DISPATCH_CYCLE);
  return {
    reports: rows.flatMap((p) =>
      p.milestones
        .filter((m) => m.phase === 'submitted' && m.submission)
        .map((m) => ({
          cycleId: p.cycleId,
          itemId: p.itemId,
          title: p.title,
          milestoneId: m.milestoneId,
          leadUnit: p.leadUnit,
          round: m.submission!.round,
          late: m.submission!.late,
          narrative: m.submission!.narrative,
          values: m.submission!.values.map((v) => ({
            label: `${m.targets[v.targetIndex]?.metric ?? `目标${v.targetIndex + 1}`}${m.targets[v.targetIndex]?.unit ? `（${m.targets[v.targetIndex]!.unit}）` : ''}`,
            value: v.value,
          })),
          evidence: m.submission!.evidence,
        })),
    ),
    extensions: rows.flatMap((p) =>
      p.milestones.flatMap((m) =>
        m.extensions.filter((x) => x.status === 'pending').map((x) => pendingExtension(p, m, x)),
      ),
    ),
    closures: rows.flatMap((p) =>
      p.closures.filter((x) => x.status === 'pending').map((x) => pendingClosure(p, x)),
    ),
  };
}

/** Assignments under 督办 (escalation level ≥ 1), highest level first. */
export function escalations(rows: BoardRow[]): Escalation[] {
  return rows
    .flatMap((p) =>
      p.milestones.flatMap((m) =>
        m.assignments
          .filter((a) => a.escalationLevel > 0 && m.phase !== 'closed' && m.phase !== 'approved')
          .map((a) => ({
            cycleId: p.cycleId,
            itemId: p.itemId,
            title: p.title,
            milestoneId: m.milestoneId,
            unit: a.unit,
            level: a.escalationLevel,
            dueAt: m.dueAt,
            reason: m.reason,
          })),
      ),
    )
    .sort((a, b) => b.level - a.level);
}

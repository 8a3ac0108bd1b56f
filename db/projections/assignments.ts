import type { DomainEvent } from '../../domain/events';
import type { AssignmentsTable } from '../tables/read-models';
import { iso, type ReadModel } from './read-model';
import { draftRules, type Draft } from './draft';
import { exhaustive, patchProjectRows, type Plain } from './plain';

export type AssignmentRow = Plain<AssignmentsTable>;
export type AssignmentsState = { assignments?: Record<string, AssignmentRow> };

const CLOSED: readonly AssignmentRow['status'][] = ['approved', 'closed', 'cancelled'];

/** Each unit's inbox (交办事项): who must do what by when, and how far they got. */
function apply(draft: Draft<AssignmentsState>, event: DomainEvent): void {
  const update = (
    match: (a: AssignmentRow) => boolean,
    patch: (a: AssignmentRow) => Partial<AssignmentRow>,
  ): void => patchProjectRows(draft, 'assignments', event.projectId, match, patch);
  const byId = (id: string) => (a: AssignmentRow) => a.assignment_id === id;
  const leadOf = (milestoneId: string) => (a: AssignmentRow) =>
    a.milestone_id === milestoneId && a.role === 'lead';
  const ofMilestone = (milestoneId: string) => (a: AssignmentRow) => a.milestone_id === milestoneId;

  switch (event.type) {
    case 'AssignmentCreated': {
      const { data } = event;
      const row: AssignmentRow = {
        assignment_id: data.assignmentId,
        cycle_id: event.cycleId,
        project_id: event.projectId!,
        milestone_id: data.milestoneId,
        unit: data.unit,
        role: data.role,
        status: 'assigned',
        suspended: false,
        original_due_at: iso(data.dueAt),
        due_at: iso(data.dueAt),
        assigned_at: iso(event.at),
        acknowledged_at: null,
        submitted_at: null,
        rounds: 0,
        returns: 0,
        reminders: 0,
        escalation_level: 0,
        reassigned_from: null,
        reassign_reason: null,
      };
      return draft.put('assignments', row.assignment_id, row);
    }
    case 'AssignmentAcknowledged':
      return update(byId(event.data.assignmentId), (a) => ({
        acknowledged_at: iso(event.at),
        status: a.status === 'assigned' ? 'acknowledged' : a.status,
      }));
    case 'AssignmentReassigned':
      // 转办 hands the same assignment to another unit, which must 签收 afresh.
      return update(byId(event.data.assignmentId), () => ({
        unit: event.data.toUnit,
        reassigned_from: event.data.fromUnit,
        reassign_reason: event.data.reason,
        status: 'assigned',
        acknowledged_at: null,
        escalation_level: 0,
      }));
    case 'ContributionSubmitted':
      return update(byId(event.data.assignmentId), () => ({
        status: 'submitted',
        submitted_at: iso(event.at),
      }));
    case 'ReportSubmitted':
      return update(byId(event.data.assignmentId), () => ({
        status: 'submitted',
        submitted_at: iso(event.at),
        rounds: event.data.round,
      }));
    case 'ReportReturned':
      return update(leadOf(event.data.milestoneId), (a) => ({ status: 'returned', returns: a.returns + 1 }));
    case 'ReportApproved':
      return update(leadOf(event.data.milestoneId), () => ({ status: 'approved' }));
    case 'ReminderSent':
      return update(byId(event.data.assignmentId), (a) => ({ reminders: a.reminders + 1 }));
    case 'EscalationRaised':
      return update(byId(event.data.assignmentId), (a) => ({
        escalation_level: Math.max(a.escalation_level, event.data.level),
      }));
    case 'ExtensionGranted': {
      // Every clock of the milestone moves by the lead's shift; co-units keep their lead time.
      const lead = Object.values(draft.rows('assignments')).find(
        (a) => a.project_id === event.projectId && leadOf(event.data.milestoneId)(a),
      );
      const moveBy = lead ? Date.parse(event.data.newDueAt) - Date.parse(lead.due_at) : 0;
      return update(ofMilestone(event.data.milestoneId), (a) => ({
        due_at: new Date(Date.parse(a.due_at) + moveBy).toISOString(),
        escalation_level: 0,
      }));
    }
    case 'MilestoneClosed':
      return update(ofMilestone(event.data.milestoneId), (a) => ({
        status:
          a.status === 'approved' ? 'approved' : event.data.outcome === 'cancelled' ? 'cancelled' : 'closed',
      }));
    case 'ProjectSuspended':
      return update(
        (a) => !CLOSED.includes(a.status),
        () => ({ suspended: true }),
      );
    case 'ProjectResumed':
      return update(
        (a) => a.suspended,
        () => ({ suspended: false }),
      );
    case 'ProjectCancelled':
      return update(
        (a) => !CLOSED.includes(a.status),
        () => ({ status: 'cancelled', suspended: false }),
      );
    case 'CycleStarted':
    case 'CycleExtended':
    case 'CycleCancelled':
    case 'CycleClosed':
    case 'ProjectStarted':
    case 'MilestoneOpened':
    case 'ExtensionRequested':
    case 'ExtensionDenied':
    case 'ClosureRequested':
    case 'ClosureConfirmed':
    case 'ClosureRefused':
    case 'ProjectClosed':
    case 'InstructionRecorded':
    case 'RectificationIssued':
    case 'SubAssignmentDispatched':
    case 'ProgressReported':
    case 'ProgressPeriodsReplanned':
    case 'ProgressPeriodMissed':
      return;
    default:
      exhaustive(event);
  }
}

export const assignmentsModel: ReadModel<AssignmentsState> = {
  name: 'assignments',
  // 2: rows keyed by cycle too (an item in two cycles is two projects).
  version: 2,
  scope: 'projectId',
  tables: { assignments: ['cycle_id', 'assignment_id'] },
  ...draftRules(apply),
};

import type { DomainEvent } from '../../domain/events';
import { subAssignmentMilestoneId } from '../../domain/dispatch';
import type { SubAssignmentsTable } from '../tables/read-models';
import { iso, type ReadModel } from './read-model';
import { exhaustive, type Plain } from './plain';

export type SubAssignmentRow = Plain<SubAssignmentsTable>;
export type SubAssignmentsState = { sub_assignments?: Record<string, SubAssignmentRow> };

/**
 * 多级下发: one row per sub-assignment, opened by SubAssignmentDispatched and following the events
 * of its own stream (one writer): its milestone's phase, the body's latest report and values, the
 * review, the 督办 ladder, extensions and the close. A parent's view reads its children's rows and
 * colours them with the same rule as any milestone (`domain/dispatch.ts` rolls them up). Events
 * of other items find no row and change nothing.
 */
export function evolveSubAssignments(state: SubAssignmentsState, event: DomainEvent): SubAssignmentsState {
  const all = state.sub_assignments ?? {};
  const key = event.projectId ?? '';
  const row = all[key];
  const change = (patch: Partial<SubAssignmentRow>): SubAssignmentsState =>
    row ? { sub_assignments: { ...all, [key]: { ...row, ...patch } } } : state;
  switch (event.type) {
    case 'SubAssignmentDispatched': {
      const d = event.data;
      return {
        sub_assignments: {
          ...all,
          [key]: {
            cycle_id: event.cycleId,
            project_id: d.subAssignmentId,
            parent_cycle_id: d.parentCycleId,
            parent_project_id: d.parentProjectId,
            parent_milestone_id: d.parentMilestoneId,
            root_cycle_id: d.rootCycleId,
            root_project_id: d.rootProjectId,
            unit: d.unit,
            body: d.body,
            text: d.text,
            milestone_id: subAssignmentMilestoneId(d.subAssignmentId),
            opens_at: iso(event.at),
            original_due_at: iso(d.deadline),
            due_at: iso(d.deadline),
            parent_due_at: iso(d.parentDueAt),
            phase: 'scheduled',
            outcome: null,
            status: 'active',
            rounds: 0,
            returns: 0,
            escalation_level: 0,
            reported_values: [],
            narrative: null,
            reported_at: null,
            reported_late: null,
            dispatched_at: iso(event.at),
            dispatched_by: event.actor.userId,
            closed_at: null,
          },
        },
      };
    }
    case 'MilestoneOpened':
      return change({ phase: 'assigned' });
    case 'AssignmentReassigned':
      return row && event.data.assignmentId.endsWith('/lead') ? change({ body: event.data.toUnit }) : state;
    case 'ReportSubmitted':
      return change({
        phase: 'submitted',
        rounds: event.data.round,
        reported_values: event.data.values,
        narrative: event.data.narrative,
        reported_at: iso(event.at),
        reported_late: event.data.late,
      });
    case 'ReportReturned':
      return change({ phase: 'returned', returns: (row?.returns ?? 0) + 1 });
    case 'ReportApproved':
      return change({ phase: 'approved' });
    case 'MilestoneClosed':
      return change({ phase: 'closed', outcome: event.data.outcome, closed_at: iso(event.at) });
    case 'ExtensionGranted':
      return change({ due_at: iso(event.data.newDueAt) });
    case 'EscalationRaised':
      return row && event.data.level > row.escalation_level
        ? change({ escalation_level: event.data.level })
        : state;
    case 'ProjectSuspended':
      return change({ status: 'suspended' });
    case 'ProjectResumed':
      return change({ status: 'active' });
    case 'ProjectCancelled':
      return change({ status: 'cancelled' });
    case 'ProjectClosed':
      return change({ status: event.data.outcome === 'cancelled' ? 'cancelled' : 'closed' });
    case 'CycleStarted':
    case 'CycleExtended':
    case 'CycleCancelled':
    case 'CycleClosed':
    case 'ProjectStarted':
    case 'AssignmentCreated':
    case 'AssignmentAcknowledged':
    case 'ContributionSubmitted':
    case 'ReminderSent':
    case 'ExtensionRequested':
    case 'ExtensionDenied':
    case 'ClosureRequested':
    case 'ClosureConfirmed':
    case 'ClosureRefused':
    case 'InstructionRecorded':
    case 'ProgressReported':
    case 'ProgressPeriodMissed':
    case 'ProgressPeriodsReplanned':
    case 'RectificationIssued':
      return state;
    default:
      return exhaustive(event);
  }
}

export const subAssignmentsModel: ReadModel<SubAssignmentsState> = {
  name: 'sub_assignments',
  version: 1,
  scope: 'projectId',
  tables: { sub_assignments: ['cycle_id', 'project_id'] },
  evolve: evolveSubAssignments,
};

import type { DomainEvent } from '../../domain/events';
import type { InstructionsTable } from '../tables/read-models';
import { iso, type ReadModel } from './read-model';
import { exhaustive, type Plain } from './plain';

export type InstructionRow = Plain<InstructionsTable>;
export type InstructionsState = { instructions?: Record<string, InstructionRow> };

/** Where a 批示 stands once its milestone closes without an approved report (销号, missed, cancelled). */
const closedStatus = { met: 'done', missed: 'missed', cancelled: 'cancelled' } as const;

/**
 * 领导批示 and where each stands. The row opens with InstructionRecorded and follows the events of
 * the item's own stream (the same stream, so one writer): 签收, the reply, its review, the 督办
 * ladder, extensions and the close. Events of plan items find no row and change nothing.
 */
export function evolveInstructions(state: InstructionsState, event: DomainEvent): InstructionsState {
  const all = state.instructions ?? {};
  const key = event.projectId ?? '';
  const row = all[key];
  const change = (patch: Partial<InstructionRow>): InstructionsState =>
    row ? { instructions: { ...all, [key]: { ...row, ...patch } } } : state;
  const isLead = (assignmentId: string) => assignmentId.endsWith('/lead');
  switch (event.type) {
    case 'InstructionRecorded': {
      const d = event.data;
      return {
        instructions: {
          ...all,
          [key]: {
            cycle_id: event.cycleId,
            project_id: d.instructionId,
            leader: d.leader,
            issued_on: d.issuedOn,
            text: d.text,
            unit: d.unit,
            co_units: d.coUnits,
            evidence: d.evidence,
            linked_item_id: d.linkedItemId,
            linked_cycle_id: d.linkedCycleId,
            original_due_at: iso(d.deadline),
            due_at: iso(d.deadline),
            status: 'received',
            recorded_at: iso(event.at),
            recorded_by: event.actor.userId,
            acknowledged_at: null,
            reported_at: null,
            reported_late: null,
            rounds: 0,
            returns: 0,
            escalation_level: 0,
            closed_at: null,
            outcome: null,
          },
        },
      };
    }
    case 'AssignmentAcknowledged':
      if (!row || !isLead(event.data.assignmentId)) return state;
      return change({
        acknowledged_at: iso(event.at),
        status: row.status === 'received' ? 'in_progress' : row.status,
      });
    case 'AssignmentReassigned':
      return row && isLead(event.data.assignmentId) ? change({ unit: event.data.toUnit }) : state;
    case 'ReportSubmitted':
      return change({
        status: 'submitted',
        reported_at: iso(event.at),
        reported_late: event.data.lateAgainstOriginal,
        rounds: event.data.round,
      });
    case 'ReportReturned':
      return change({ status: 'in_progress', returns: (row?.returns ?? 0) + 1 });
    case 'ReportApproved':
      return change({ status: 'done', closed_at: iso(event.at), outcome: event.data.verdict });
    case 'MilestoneClosed':
      if (!row || row.status === 'done') return state;
      return change({
        status: closedStatus[event.data.outcome],
        closed_at: iso(event.at),
        outcome: event.data.outcome,
      });
    case 'ExtensionGranted':
      return change({ due_at: iso(event.data.newDueAt) });
    case 'EscalationRaised':
      return row && event.data.level > row.escalation_level
        ? change({ escalation_level: event.data.level })
        : state;
    case 'ProjectCancelled':
      return row && row.status !== 'done'
        ? change({ status: 'cancelled', closed_at: iso(event.at), outcome: 'cancelled' })
        : state;
    case 'CycleStarted':
    case 'CycleExtended':
    case 'CycleCancelled':
    case 'CycleClosed':
    case 'ProjectStarted':
    case 'MilestoneOpened':
    case 'AssignmentCreated':
    case 'ContributionSubmitted':
    case 'ReminderSent':
    case 'ExtensionRequested':
    case 'ExtensionDenied':
    case 'ClosureRequested':
    case 'ClosureConfirmed':
    case 'ClosureRefused':
    case 'RectificationIssued':
    case 'ProjectSuspended':
    case 'ProjectResumed':
    case 'ProjectClosed':
    case 'ProgressReported':
    case 'ProgressPeriodsReplanned':
    case 'ProgressPeriodMissed':
    case 'SubAssignmentDispatched':
      return state;
    default:
      return exhaustive(event);
  }
}

export const instructionsModel: ReadModel<InstructionsState> = {
  name: 'instructions',
  version: 1,
  scope: 'projectId',
  tables: { instructions: ['cycle_id', 'project_id'] },
  evolve: evolveInstructions,
};

import type { DomainEvent } from '../../domain/events';
import type { ExtensionRequestsTable } from '../tables/read-models';
import { iso, type ReadModel } from './read-model';
import { exhaustive, type Plain } from './plain';

export type ExtensionRequestRow = Plain<ExtensionRequestsTable>;
export type ExtensionRequestsState = { extension_requests?: Record<string, ExtensionRequestRow> };

/** 延期申请 and how 督导处 decided them. */
export function evolveExtensionRequests(
  state: ExtensionRequestsState,
  event: DomainEvent,
): ExtensionRequestsState {
  const all = state.extension_requests ?? {};
  const decide = (requestId: string, patch: Partial<ExtensionRequestRow>): ExtensionRequestsState => {
    const request = all[requestId];
    return request
      ? { extension_requests: { ...all, [requestId]: { ...request, ...patch, decided_at: iso(event.at) } } }
      : state;
  };
  switch (event.type) {
    case 'ExtensionRequested':
      return {
        extension_requests: {
          ...all,
          [event.data.requestId]: {
            request_id: event.data.requestId,
            cycle_id: event.cycleId,
            project_id: event.projectId!,
            milestone_id: event.data.milestoneId,
            unit: event.data.unit,
            reason: event.data.reason,
            requested_due_at: iso(event.data.requestedDueAt),
            requested_at: iso(event.at),
            status: 'pending',
            new_due_at: null,
            decision_comment: null,
            decided_at: null,
          },
        },
      };
    case 'ExtensionGranted':
      return decide(event.data.requestId, {
        status: 'granted',
        new_due_at: iso(event.data.newDueAt),
        decision_comment: event.data.comment,
      });
    case 'ExtensionDenied':
      return decide(event.data.requestId, { status: 'denied', decision_comment: event.data.comment });
    case 'CycleStarted':
    case 'CycleExtended':
    case 'CycleCancelled':
    case 'CycleClosed':
    case 'ProjectStarted':
    case 'MilestoneOpened':
    case 'AssignmentCreated':
    case 'AssignmentAcknowledged':
    case 'AssignmentReassigned':
    case 'ContributionSubmitted':
    case 'ReportSubmitted':
    case 'ReportApproved':
    case 'ReportReturned':
    case 'ReminderSent':
    case 'EscalationRaised':
    case 'ProjectSuspended':
    case 'ProjectResumed':
    case 'ClosureRequested':
    case 'ClosureConfirmed':
    case 'ClosureRefused':
    case 'ProjectCancelled':
    case 'MilestoneClosed':
    case 'ProjectClosed':
    case 'InstructionRecorded':
    case 'RectificationIssued':
    case 'SubAssignmentDispatched':
    case 'ProgressReported':
    case 'ProgressPeriodsReplanned':
    case 'ProgressPeriodMissed':
      return state;
    default:
      return exhaustive(event);
  }
}

export const extensionRequestsModel: ReadModel<ExtensionRequestsState> = {
  name: 'extension_requests',
  // 2: rows keyed by cycle too (an item in two cycles is two projects).
  version: 2,
  scope: 'projectId',
  tables: { extension_requests: ['cycle_id', 'request_id'] },
  evolve: evolveExtensionRequests,
};

import type { DomainEvent } from '../../domain/events';
import type { ClosureRequestsTable } from '../tables/read-models';
import { iso, keyOf, type ReadModel } from './read-model';
import { exhaustive, type Plain } from './plain';

export type ClosureRequestRow = Plain<ClosureRequestsTable>;
export type ClosureRequestsState = { closure_requests?: Record<string, ClosureRequestRow> };

/**
 * Request ids are numbered per project (`closure-1`), so a row is known by its project too: the
 * key the event store gives the rows it loads for a project's scope (read-model.ts `stateKey`).
 */
const ROW_KEY = ['project_id', 'request_id'] as const;

/**
 * 办结申请 and how 督导处 decided them. A confirmed request stays as the record of why the item
 * closed; the milestones and the project close through their own events (project_status).
 */
export function evolveClosureRequests(state: ClosureRequestsState, event: DomainEvent): ClosureRequestsState {
  const all = state.closure_requests ?? {};
  const key = (requestId: string) => keyOf({ project_id: event.projectId, request_id: requestId }, ROW_KEY);
  const decide = (requestId: string, patch: Partial<ClosureRequestRow>): ClosureRequestsState => {
    const request = all[key(requestId)];
    return request
      ? {
          closure_requests: {
            ...all,
            [key(requestId)]: {
              ...request,
              ...patch,
              decided_at: iso(event.at),
              decided_by: event.actor.userId,
            },
          },
        }
      : state;
  };
  switch (event.type) {
    case 'ClosureRequested':
      return {
        closure_requests: {
          ...all,
          [key(event.data.requestId)]: {
            cycle_id: event.cycleId,
            project_id: event.projectId!,
            request_id: event.data.requestId,
            unit: event.data.unit,
            narrative: event.data.narrative,
            evidence: event.data.evidence,
            requested_at: iso(event.at),
            requested_by: event.actor.userId,
            status: 'pending',
            decision_comment: null,
            decided_at: null,
            decided_by: null,
          },
        },
      };
    case 'ClosureConfirmed':
      return decide(event.data.requestId, { status: 'confirmed', decision_comment: event.data.comment });
    case 'ClosureRefused':
      return decide(event.data.requestId, { status: 'refused', decision_comment: event.data.comment });
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
    case 'ExtensionRequested':
    case 'ExtensionGranted':
    case 'ExtensionDenied':
    case 'ProjectSuspended':
    case 'ProjectResumed':
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

export const closureRequestsModel: ReadModel<ClosureRequestsState> = {
  name: 'closure_requests',
  version: 1,
  scope: 'projectId',
  tables: { closure_requests: ['cycle_id', ...ROW_KEY] },
  evolve: evolveClosureRequests,
};

import type { DomainEvent } from '../../domain/events';
import { CARRIED_PREFIX } from '../../domain/rectification';
import type { RectificationsTable } from '../tables/read-models';
import { iso, type ReadModel } from './read-model';
import { exhaustive, type Plain } from './plain';

export type RectificationRow = Plain<RectificationsTable>;
export type RectificationsState = { rectifications?: Record<string, RectificationRow> };

/** Where a round stands once its milestone closes without an approved 整改报告. */
const closedStatus = { met: 'struck_off', missed: 'missed', cancelled: 'cancelled' } as const;

/**
 * 整改 rounds and where each stands. The row opens with RectificationIssued and follows the events
 * of the round's own stream (one writer): 签收, the 整改报告, its review (销号 or 退回), the 督办
 * ladder, extensions and the close. A round closed because it was carried into a later cycle is
 * `carried`. Events of plan items and 批示 find no row and change nothing.
 */
export function evolveRectifications(state: RectificationsState, event: DomainEvent): RectificationsState {
  const all = state.rectifications ?? {};
  const key = event.projectId ?? '';
  const row = all[key];
  const change = (patch: Partial<RectificationRow>): RectificationsState =>
    row ? { rectifications: { ...all, [key]: { ...row, ...patch } } } : state;
  const open = row !== undefined && row.closed_at === null;
  switch (event.type) {
    case 'RectificationIssued': {
      const d = event.data;
      return {
        rectifications: {
          ...all,
          [key]: {
            cycle_id: event.cycleId,
            project_id: d.rectificationId,
            origin_cycle_id: d.originCycleId,
            item_id: d.itemId,
            milestone_id: d.milestoneId,
            title: d.title,
            reasons: d.reasons,
            unit: d.unit,
            round: d.round,
            carried_from: d.carriedFrom,
            context_cycle_id: d.contextCycleId,
            document_number: d.documentNumber,
            original_due_at: iso(d.deadline),
            due_at: iso(d.deadline),
            status: 'issued',
            issued_at: iso(event.at),
            issued_by: event.actor.userId,
            reported_at: null,
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
      if (!row || !event.data.assignmentId.endsWith('/lead')) return state;
      return change({ status: row.status === 'issued' ? 'in_progress' : row.status });
    case 'AssignmentReassigned':
      return row && event.data.assignmentId.endsWith('/lead') ? change({ unit: event.data.toUnit }) : state;
    case 'ReportSubmitted':
      return change({ status: 'submitted', reported_at: iso(event.at), rounds: event.data.round });
    case 'ReportReturned':
      return change({ status: 'in_progress', returns: (row?.returns ?? 0) + 1 });
    case 'ReportApproved':
      return change({ status: 'struck_off', closed_at: iso(event.at), outcome: event.data.verdict });
    case 'MilestoneClosed':
      if (!open) return state;
      return change({
        status: row.status === 'carried' ? 'carried' : closedStatus[event.data.outcome],
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
      if (!open) return state;
      return change({
        status: event.data.reason.startsWith(CARRIED_PREFIX) ? 'carried' : 'cancelled',
        closed_at: iso(event.at),
        outcome: 'cancelled',
      });
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
    case 'ProjectSuspended':
    case 'ProjectResumed':
    case 'ProjectClosed':
    case 'ProgressReported':
    case 'ProgressPeriodsReplanned':
    case 'ProgressPeriodMissed':
    case 'SubAssignmentDispatched':
    case 'InstructionRecorded':
      return state;
    default:
      return exhaustive(event);
  }
}

export const rectificationsModel: ReadModel<RectificationsState> = {
  name: 'rectifications',
  version: 1,
  scope: 'projectId',
  tables: { rectifications: ['cycle_id', 'project_id'] },
  evolve: evolveRectifications,
};

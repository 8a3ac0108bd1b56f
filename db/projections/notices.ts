import type { DomainEvent } from '../../domain/events';
import type { NoticesTable } from '../tables/read-models';
import { iso, type ReadModel } from './read-model';
import { draftRules, type Draft } from './draft';
import { exhaustive, type Plain } from './plain';
import { noticeIdFor } from '../notification-outbox';

export type NoticeRow = Plain<NoticesTable>;
export type NoticesState = { notices?: Record<string, NoticeRow> };

/**
 * A notice's row as one literal, not spread from parts: every row then has the same shape, which
 * V8 builds and serializes fastest (a rebuild makes hundreds of thousands).
 */
function noticeRow(
  event: DomainEvent,
  data: { notificationId: string; milestoneId: string; assignmentId: string; unit: string; dueAt: string },
  detail: Pick<NoticeRow, 'kind' | 'level' | 'target' | 'reason' | 'lead_time'>,
): NoticeRow {
  return {
    event_id: event.eventId,
    cycle_id: event.cycleId,
    project_id: event.projectId!,
    sent_at: iso(event.at),
    notification_id: data.notificationId,
    kind: detail.kind,
    milestone_id: data.milestoneId,
    assignment_id: data.assignmentId,
    unit: data.unit,
    level: detail.level,
    target: detail.target,
    reason: detail.reason,
    lead_time: detail.lead_time,
    due_at: iso(data.dueAt),
  };
}

/**
 * 催办 and 督办 notices as decided by the workflow; their delivery attempts and opened_at live in
 * the notifier's notifications tables and are joined in by the notices report.
 */
function apply(draft: Draft<NoticesState>, event: DomainEvent): void {
  const put = (row: NoticeRow): void => {
    const notices = draft.rows('notices');
    const id = noticeIdFor(row.notification_id, event.eventId, (taken) => notices[taken]?.event_id);
    row.notification_id = id;
    draft.put('notices', id, row);
  };
  switch (event.type) {
    case 'ReminderSent':
      return put(
        noticeRow(event, event.data, {
          kind: 'reminder',
          level: null,
          target: null,
          reason: null,
          lead_time: event.data.leadTime,
        }),
      );
    case 'EscalationRaised':
      return put(
        noticeRow(event, event.data, {
          kind: 'escalation',
          level: event.data.level,
          target: event.data.target,
          reason: event.data.reason,
          lead_time: null,
        }),
      );
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
    case 'ExtensionRequested':
    case 'ExtensionGranted':
    case 'ExtensionDenied':
    case 'ClosureRequested':
    case 'ClosureConfirmed':
    case 'ClosureRefused':
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
      return;
    default:
      exhaustive(event);
  }
}

export const noticesModel: ReadModel<NoticesState> = {
  name: 'notices',
  // 2: rows keyed by cycle too (an item in two cycles is two projects).
  // 3: a notice whose id an earlier notice holds gets an id of its own (noticeIdFor).
  version: 3,
  scope: 'projectId',
  tables: { notices: ['cycle_id', 'notification_id'] },
  ...draftRules(apply),
};

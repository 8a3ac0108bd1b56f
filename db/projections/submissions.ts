import type { DomainEvent, EventOf } from '../../domain/events';
import type { SubmissionsTable } from '../tables/read-models';
import { iso, type ReadModel } from './read-model';
import { draftRules, type Draft } from './draft';
import { exhaustive, type Plain } from './plain';

export type SubmissionRow = Plain<SubmissionsTable>;
export type SubmissionsState = { submissions?: Record<string, SubmissionRow> };

/**
 * A submission's row as one literal, not spread from parts: every row then has the same shape,
 * which V8 builds and serializes fastest (a rebuild makes hundreds of thousands).
 */
function submissionRow(
  event: DomainEvent,
  data: EventOf<'ContributionSubmitted'>['data'] | EventOf<'ReportSubmitted'>['data'],
  detail: Pick<SubmissionRow, 'kind' | 'round' | 'late_against_original' | 'review'>,
): SubmissionRow {
  return {
    cycle_id: event.cycleId,
    project_id: event.projectId!,
    submission_id: event.eventId,
    submitted_at: iso(event.at),
    verdict: null,
    review_comment: null,
    reviewed_at: null,
    reviewed_by: null,
    milestone_id: data.milestoneId,
    assignment_id: data.assignmentId,
    unit: data.unit,
    kind: detail.kind,
    round: detail.round,
    narrative: data.narrative,
    reported_values: data.values,
    evidence_count: data.evidence.length,
    evidence: data.evidence,
    late: data.late,
    late_against_original: detail.late_against_original,
    review: detail.review,
  };
}

/** 报送 and 审核: every report round and co-unit contribution, with the verdict or the reason for return. */
function apply(draft: Draft<SubmissionsState>, event: DomainEvent): void {
  const put = (row: SubmissionRow): void => draft.put('submissions', row.submission_id, row);
  const review = (milestoneId: string, round: number, patch: Partial<SubmissionRow>): void => {
    const report = Object.values(draft.rows('submissions')).find(
      (s) =>
        s.project_id === event.projectId &&
        s.milestone_id === milestoneId &&
        s.kind === 'report' &&
        s.round === round,
    );
    if (!report) return;
    Object.assign(draft.edit('submissions', report.submission_id)!, patch, {
      reviewed_at: iso(event.at),
      reviewed_by: event.actor.unit ?? event.actor.userId,
    });
  };
  switch (event.type) {
    case 'ContributionSubmitted':
      return put(
        submissionRow(event, event.data, {
          kind: 'contribution',
          round: null,
          late_against_original: null,
          review: 'not_reviewed',
        }),
      );
    case 'ReportSubmitted':
      return put(
        submissionRow(event, event.data, {
          kind: 'report',
          round: event.data.round,
          late_against_original: event.data.lateAgainstOriginal,
          review: 'pending',
        }),
      );
    case 'ReportReturned':
      return review(event.data.milestoneId, event.data.round, {
        review: 'returned',
        review_comment: event.data.comment,
      });
    case 'ReportApproved':
      return review(event.data.milestoneId, event.data.round, {
        review: 'approved',
        verdict: event.data.verdict,
        review_comment: event.data.comment,
      });
    case 'CycleStarted':
    case 'CycleExtended':
    case 'CycleCancelled':
    case 'CycleClosed':
    case 'ProjectStarted':
    case 'MilestoneOpened':
    case 'AssignmentCreated':
    case 'AssignmentAcknowledged':
    case 'AssignmentReassigned':
    case 'ReminderSent':
    case 'EscalationRaised':
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

export const submissionsModel: ReadModel<SubmissionsState> = {
  name: 'submissions',
  // 2: rows keyed by cycle too (an item in two cycles is two projects).
  // 3: the cited evidence itself, which the review queue links.
  version: 3,
  scope: 'projectId',
  tables: { submissions: ['cycle_id', 'submission_id'] },
  ...draftRules(apply),
};

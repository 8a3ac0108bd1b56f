import type { DomainEvent } from '../../domain/events';
import type { UnitScoreLinesTable } from '../tables/read-models';
import type { ReadModel } from './read-model';
import { draftRules, type Draft } from './draft';
import { exhaustive, patchProjectRows, type Plain } from './plain';

export type UnitScoreLine = Plain<UnitScoreLinesTable>;
export type UnitScoresState = { unit_score_lines?: Record<string, UnitScoreLine> };

/**
 * The facts the 考核 scores, one line per assignment so every point on the 通报 traces to one
 * piece of work; the per-unit scoreboard is their sum (reports/queries.ts). Timeliness is judged
 * on the first submission (a later round is rework, counted as a return); after 转办 the line
 * follows the unit now responsible.
 */
function apply(draft: Draft<UnitScoresState>, event: DomainEvent): void {
  const update = (
    match: (l: UnitScoreLine) => boolean,
    patch: (l: UnitScoreLine) => Partial<UnitScoreLine>,
  ): void => patchProjectRows(draft, 'unit_score_lines', event.projectId, match, patch);
  const byId = (id: string) => (l: UnitScoreLine) => l.assignment_id === id;
  const leadOf = (milestoneId: string) => (l: UnitScoreLine) =>
    l.milestone_id === milestoneId && l.role === 'lead';
  const firstSubmission = (late: boolean, lateAgainstOriginal: boolean) => (l: UnitScoreLine) =>
    l.submitted ? {} : { submitted: true, late, late_against_original: lateAgainstOriginal };

  switch (event.type) {
    case 'AssignmentCreated': {
      const { data } = event;
      const line: UnitScoreLine = {
        assignment_id: data.assignmentId,
        cycle_id: event.cycleId,
        project_id: event.projectId!,
        milestone_id: data.milestoneId,
        unit: data.unit,
        role: data.role,
        submitted: false,
        late: null,
        late_against_original: null,
        returns: 0,
        escalations: 0,
        max_escalation_level: 0,
        targets_met: 0,
        targets_total: 0,
      };
      return draft.put('unit_score_lines', line.assignment_id, line);
    }
    case 'AssignmentReassigned':
      return update(byId(event.data.assignmentId), () => ({ unit: event.data.toUnit }));
    case 'ContributionSubmitted':
      // A contribution carries one lateness flag, against its operational deadline.
      return update(byId(event.data.assignmentId), firstSubmission(event.data.late, event.data.late));
    case 'ReportSubmitted':
      return update(
        byId(event.data.assignmentId),
        firstSubmission(event.data.late, event.data.lateAgainstOriginal),
      );
    case 'ReportReturned':
      return update(leadOf(event.data.milestoneId), (l) => ({ returns: l.returns + 1 }));
    case 'EscalationRaised':
      return update(byId(event.data.assignmentId), (l) => ({
        escalations: l.escalations + 1,
        max_escalation_level: Math.max(l.max_escalation_level, event.data.level),
      }));
    case 'ReportApproved':
      return update(leadOf(event.data.milestoneId), () => ({
        targets_met: event.data.results.filter((r) => r.met).length,
        targets_total: event.data.results.length,
      }));
    case 'CycleStarted':
    case 'CycleExtended':
    case 'CycleCancelled':
    case 'CycleClosed':
    case 'ProjectStarted':
    case 'MilestoneOpened':
    case 'AssignmentAcknowledged':
    case 'ReminderSent':
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

export const unitScoresModel: ReadModel<UnitScoresState> = {
  name: 'unit_scores',
  // 2: rows keyed by cycle too (an item in two cycles is two projects).
  version: 2,
  scope: 'projectId',
  tables: { unit_score_lines: ['cycle_id', 'assignment_id'] },
  ...draftRules(apply),
};

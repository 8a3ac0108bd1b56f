import type { DomainEvent } from '../../domain/events';
import type { TargetProgressTable } from '../tables/read-models';
import { iso, type ReadModel } from './read-model';
import { draftRules, type Draft } from './draft';
import { exhaustive, type Plain } from './plain';

export type TargetProgressRow = Plain<TargetProgressTable>;
export type TargetProgressState = { target_progress?: Record<string, TargetProgressRow> };

const targetKey = (projectId: string, milestoneId: string, index: number): string =>
  `${projectId}\u0001${milestoneId}\u0001${index}`;

/**
 * 目标值 progress: the latest reported value of each milestone target against the target, and
 * whether 督导处 judged it met when approving (null until then).
 */
function apply(draft: Draft<TargetProgressState>, event: DomainEvent): void {
  const projectId = event.projectId!;
  const patchEach = (
    milestoneId: string,
    items: readonly { targetIndex: number }[],
    patch: (row: TargetProgressRow, index: number) => Partial<TargetProgressRow>,
  ): void =>
    items.forEach((item, i) => {
      const row = draft.edit('target_progress', targetKey(projectId, milestoneId, item.targetIndex));
      if (row) Object.assign(row, patch(row, i));
    });

  switch (event.type) {
    case 'ProjectStarted':
      for (const m of event.data.milestones)
        m.targets.forEach((t, index) =>
          draft.put('target_progress', targetKey(projectId, m.milestoneId, index), {
            project_id: projectId,
            milestone_id: m.milestoneId,
            target_index: index,
            cycle_id: event.cycleId,
            metric: t.metric,
            op: t.op,
            target_value: t.value,
            target_unit: t.unit,
            year: t.year,
            reported: null,
            reported_at: null,
            reported_round: null,
            met: null,
            assessed_at: null,
          }),
        );
      return;
    case 'ReportSubmitted': {
      const { values, round } = event.data;
      return patchEach(event.data.milestoneId, values, (_row, i) => ({
        reported: values[i]!.value,
        reported_at: iso(event.at),
        reported_round: round,
      }));
    }
    case 'ReportApproved': {
      const { results } = event.data;
      return patchEach(event.data.milestoneId, results, (row, i) => ({
        met: results[i]!.met,
        reported: results[i]!.reported ?? row.reported,
        assessed_at: iso(event.at),
      }));
    }
    case 'CycleStarted':
    case 'CycleExtended':
    case 'CycleCancelled':
    case 'CycleClosed':
    case 'MilestoneOpened':
    case 'AssignmentCreated':
    case 'AssignmentAcknowledged':
    case 'AssignmentReassigned':
    case 'ContributionSubmitted':
    case 'ReportReturned':
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

export const targetProgressModel: ReadModel<TargetProgressState> = {
  name: 'target_progress',
  // 2: rows keyed by cycle too (an item in two cycles is two projects).
  version: 2,
  scope: 'projectId',
  tables: { target_progress: ['cycle_id', 'project_id', 'milestone_id', 'target_index'] },
  ...draftRules(apply),
};

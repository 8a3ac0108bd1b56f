import type { DomainEvent, ProgressPeriodPlan } from '../../domain/events';
import type { ProgressPeriodsTable } from '../tables/read-models';
import { iso, keyOf, type ReadModel } from './read-model';
import { exhaustive, type Plain } from './plain';

export type ProgressPeriodRow = Plain<ProgressPeriodsTable>;
export type ProgressPeriodsState = { progress_periods?: Record<string, ProgressPeriodRow> };

/** Rows are known by project and period, the key the event store gives the rows it loads. */
const ROW_KEY = ['project_id', 'period_id'] as const;

/**
 * 定期反馈: each period of an item, from its plan in ProjectStarted to its report or its recording
 * as missed. A period's 催办 and 督办 are the item's ReminderSent and EscalationRaised naming the
 * period; a 转办 of the lead moves the periods still open to the new unit.
 */
export function evolveProgressPeriods(state: ProgressPeriodsState, event: DomainEvent): ProgressPeriodsState {
  const all = state.progress_periods ?? {};
  const key = (periodId: string) => keyOf({ project_id: event.projectId, period_id: periodId }, ROW_KEY);
  const change = (periodId: string, patch: Partial<ProgressPeriodRow>): ProgressPeriodsState => {
    const row = all[key(periodId)];
    return row ? { progress_periods: { ...all, [key(periodId)]: { ...row, ...patch } } } : state;
  };
  switch (event.type) {
    case 'ProjectStarted': {
      if (!event.data.periods?.length) return state;
      const rows = { ...all };
      for (const p of event.data.periods) rows[key(p.periodId)] = openRow(event, p, event.data.leadUnit);
      return { progress_periods: rows };
    }
    case 'ProgressPeriodsReplanned': {
      const rows = { ...all };
      for (const p of event.data.periods) {
        const row = rows[key(p.periodId)];
        rows[key(p.periodId)] = row
          ? { ...row, label: p.label, opens_at: iso(p.opensAt), due_at: iso(p.dueAt), miss_at: iso(p.missAt) }
          : openRow(event, p, event.data.unit);
      }
      return { progress_periods: rows };
    }
    case 'ReminderSent':
      return change(event.data.milestoneId, { reminded: true });
    case 'EscalationRaised':
      return change(event.data.milestoneId, { escalated: true });
    case 'ProgressReported':
      return change(event.data.periodId, {
        status: 'reported',
        late: event.data.late,
        reported_at: iso(event.at),
        unit: event.data.unit,
      });
    case 'ProgressPeriodMissed':
      return change(event.data.periodId, { status: 'missed', unit: event.data.unit });
    case 'AssignmentReassigned': {
      if (!event.data.assignmentId.endsWith('/lead')) return state;
      let next = state;
      for (const row of Object.values(all))
        if (row.project_id === event.projectId && row.status === 'open' && row.unit === event.data.fromUnit)
          next = {
            progress_periods: {
              ...(next.progress_periods ?? {}),
              [key(row.period_id)]: { ...row, unit: event.data.toUnit },
            },
          };
      return next;
    }
    case 'ProjectClosed':
    case 'ProjectCancelled': {
      // Once an item is 办结 or 撤销 no further report is owed: its open periods are waived (免报).
      const rows = { ...all };
      for (const [k, row] of Object.entries(all))
        if (row.project_id === event.projectId && row.status === 'open')
          rows[k] = { ...row, status: 'waived' };
      return { progress_periods: rows };
    }
    case 'CycleStarted':
    case 'CycleExtended':
    case 'CycleCancelled':
    case 'CycleClosed':
    case 'MilestoneOpened':
    case 'AssignmentCreated':
    case 'AssignmentAcknowledged':
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
    case 'MilestoneClosed':
    case 'InstructionRecorded':
    case 'RectificationIssued':
    case 'SubAssignmentDispatched':
      return state;
    default:
      return exhaustive(event);
  }
}

export const progressPeriodsModel: ReadModel<ProgressPeriodsState> = {
  name: 'progress_periods',
  // 2: rows keyed by project and period, so a report after a reload finds its period.
  version: 3,
  scope: 'projectId',
  tables: { progress_periods: ['cycle_id', 'project_id', 'period_id'] },
  evolve: evolveProgressPeriods,
};

const openRow = (event: DomainEvent, p: ProgressPeriodPlan, unit: string): ProgressPeriodRow => ({
  cycle_id: event.cycleId,
  project_id: event.projectId!,
  period_id: p.periodId,
  label: p.label,
  unit,
  opens_at: iso(p.opensAt),
  due_at: iso(p.dueAt),
  miss_at: iso(p.missAt),
  status: 'open',
  late: null,
  reported_at: null,
  reminded: false,
  escalated: false,
});

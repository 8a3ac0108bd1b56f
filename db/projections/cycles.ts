import type { DomainEvent } from '../../domain/events';
import type { CyclesTable } from '../tables/read-models';
import { iso, type ReadModel } from './read-model';
import { exhaustive, type Plain } from './plain';
import { calendarYears } from '../../domain/work-calendar';

export type CycleRow = Plain<CyclesTable>;
export type CyclesState = { cycles?: Record<string, CycleRow> };

/** 督导周期: window, scoring baseline and how many projects have started and closed. */
export function evolveCycles(state: CyclesState, event: DomainEvent): CyclesState {
  const current = state.cycles?.[event.cycleId];
  const put = (row: CycleRow): CyclesState => ({ cycles: { ...state.cycles, [row.cycle_id]: row } });
  const change = (patch: Partial<CycleRow>): CyclesState => (current ? put({ ...current, ...patch }) : state);
  switch (event.type) {
    case 'CycleStarted': {
      const { data } = event;
      return put({
        cycle_id: event.cycleId,
        name: data.name,
        plan_id: data.planId,
        plan_version: data.planVersion,
        status: 'open',
        outcome: null,
        opens_at: iso(data.window.opensAt),
        submission_due_at: iso(data.window.submissionDueAt),
        original_submission_due_at: iso(data.window.submissionDueAt),
        review_due_at: iso(data.window.reviewDueAt),
        scoring_baseline: data.policy.scoringBaseline,
        amber_within: data.policy.amberWithin,
        max_returns: data.policy.maxReturns,
        clock: data.clock ?? null,
        calendar_years: data.policy.calendar ? calendarYears(data.policy.calendar) : null,
        projects_started: current?.projects_started ?? 0,
        projects_closed: current?.projects_closed ?? 0,
        started_at: iso(event.at),
        closed_at: null,
        note: null,
      });
    }
    case 'CycleExtended':
      return change({
        opens_at: iso(event.data.window.opensAt),
        submission_due_at: iso(event.data.window.submissionDueAt),
        review_due_at: iso(event.data.window.reviewDueAt),
        note: event.data.reason,
      });
    case 'CycleCancelled':
      return change({
        status: 'cancelled',
        outcome: 'cancelled',
        closed_at: iso(event.at),
        note: event.data.reason,
      });
    case 'CycleClosed':
      return change({ status: 'closed', outcome: event.data.outcome, closed_at: iso(event.at) });
    case 'ProjectStarted':
      return change({ projects_started: (current?.projects_started ?? 0) + 1 });
    case 'ProjectClosed':
      return change({ projects_closed: (current?.projects_closed ?? 0) + 1 });
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
    case 'ClosureRequested':
    case 'ClosureConfirmed':
    case 'ClosureRefused':
    case 'ProjectSuspended':
    case 'ProjectResumed':
    case 'ProjectCancelled':
    case 'MilestoneClosed':
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

export const cyclesModel: ReadModel<CyclesState> = {
  name: 'cycles',
  // 2: the cycle's clock, so views colour at the plan time they are read.
  // 3: the years its office calendar covers, so views mark deadlines outside them.
  version: 3,
  scope: 'cycleId',
  tables: { cycles: ['cycle_id'] },
  evolve: evolveCycles,
};

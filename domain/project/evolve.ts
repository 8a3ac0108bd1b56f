import type { EventBody, MilestonePlan, ProgressPeriodPlan } from '../events';
import type {
  AssignmentState,
  ClosureState,
  MilestoneState,
  ProgressPeriodState,
  ProjectState,
} from './state';

/** Folds one event into a project's state. Pure; shared by the workflow and the read models. */
export function evolve(state: ProjectState, event: EventBody, eventId: string | null = null): ProjectState {
  const s: ProjectState = { ...state, seq: state.seq + 1, lastEventId: eventId };
  const touch = (milestoneId: string, f: (m: MilestoneState) => MilestoneState): ProjectState => ({
    ...s,
    milestones: s.milestones.map((m) =>
      m.milestoneId === milestoneId ? { ...f(m), lastEventId: eventId } : m,
    ),
  });
  const touchAssignment = (
    assignmentId: string,
    f: (a: AssignmentState) => AssignmentState,
  ): ProjectState => ({
    ...s,
    milestones: s.milestones.map((m) =>
      m.assignments.some((a) => a.assignmentId === assignmentId)
        ? {
            ...m,
            lastEventId: eventId,
            assignments: m.assignments.map((a) => (a.assignmentId === assignmentId ? f(a) : a)),
          }
        : m,
    ),
  });

  const isPeriod = (id: string): boolean => s.periods?.some((p) => p.periodId === id) ?? false;
  const touchPeriod = (periodId: string, patch: Partial<ProgressPeriodState>): ProjectState =>
    s.periods
      ? { ...s, periods: s.periods.map((p) => (p.periodId === periodId ? { ...p, ...patch } : p)) }
      : s;
  const touchClosure = (requestId: string, patch: Partial<ClosureState>): ProjectState => ({
    ...s,
    closures: (s.closures ?? []).map((x) => (x.requestId === requestId ? { ...x, ...patch } : x)),
  });

  switch (event.type) {
    case 'ProjectStarted':
      return {
        ...s,
        itemId: event.data.itemId,
        kind: event.data.kind,
        title: event.data.title,
        section: event.data.section,
        leadUnit: event.data.leadUnit,
        coUnits: event.data.coUnits,
        targets: event.data.targets,
        milestones: event.data.milestones.map(newMilestone),
        // Only items with a cadence carry periods: every other state keeps its shape.
        ...(event.data.periods ? { periods: event.data.periods.map(newPeriod) } : {}),
      };
    case 'MilestoneOpened':
      return touch(event.data.milestoneId, (m) => ({ ...m, phase: 'assigned' }));
    case 'AssignmentCreated':
      return touch(event.data.milestoneId, (m) => ({
        ...m,
        assignments: [
          ...m.assignments,
          {
            assignmentId: event.data.assignmentId,
            unit: event.data.unit,
            role: event.data.role,
            dueAt: event.data.dueAt,
            acknowledged: false,
            submitted: false,
            late: false,
            escalationLevel: 0,
            remindersSent: [],
          },
        ],
      }));
    case 'AssignmentAcknowledged':
      return touchAssignment(event.data.assignmentId, (a) => ({ ...a, acknowledged: true }));
    case 'AssignmentReassigned':
      return touchAssignment(event.data.assignmentId, (a) => ({
        ...a,
        unit: event.data.toUnit,
        acknowledged: false,
        escalationLevel: 0,
        remindersSent: [],
        generation: (a.generation ?? 0) + 1,
      }));
    case 'ContributionSubmitted':
      return touchAssignment(event.data.assignmentId, (a) => ({
        ...a,
        submitted: true,
        late: event.data.late,
      }));
    case 'ReportSubmitted': {
      const next = touch(event.data.milestoneId, (m) => ({
        ...m,
        phase: 'submitted',
        rounds: event.data.round,
        submission: {
          round: event.data.round,
          narrative: event.data.narrative,
          values: event.data.values,
          evidence: event.data.evidence,
          late: event.data.late,
          lateAgainstOriginal: event.data.lateAgainstOriginal,
          at: '',
        },
      }));
      return next;
    }
    case 'ReportApproved':
      return touch(event.data.milestoneId, (m) => ({
        ...m,
        phase: 'approved',
        approved: true,
        results: event.data.results,
        assignments: m.assignments.map((a) => (a.role === 'lead' ? { ...a, submitted: true } : a)),
      }));
    case 'ReportReturned':
      return touch(event.data.milestoneId, (m) => ({
        ...m,
        phase: 'returned',
        returns: m.returns + 1,
        lastReturnComment: event.data.comment,
      }));
    case 'ReminderSent':
      if (isPeriod(event.data.milestoneId)) return touchPeriod(event.data.milestoneId, { reminded: true });
      return touchAssignment(event.data.assignmentId, (a) => ({
        ...a,
        remindersSent: [...a.remindersSent, event.data.leadTime],
      }));
    case 'EscalationRaised':
      if (isPeriod(event.data.milestoneId)) return touchPeriod(event.data.milestoneId, { escalated: true });
      if (event.data.reason === 'too_many_returns') {
        return touch(event.data.milestoneId, (m) => ({ ...m, escalatedForReturns: true }));
      }
      return touchAssignment(event.data.assignmentId, (a) => ({ ...a, escalationLevel: event.data.level }));
    case 'ExtensionRequested':
      return touch(event.data.milestoneId, (m) => ({
        ...m,
        extensions: [
          ...m.extensions,
          {
            requestId: event.data.requestId,
            unit: event.data.unit,
            reason: event.data.reason,
            requestedDueAt: event.data.requestedDueAt,
            status: 'pending',
            comment: '',
          },
        ],
      }));
    case 'ExtensionGranted':
      return touch(event.data.milestoneId, (m) => {
        const moveBy = Date.parse(event.data.newDueAt) - Date.parse(m.dueAt);
        return {
          ...m,
          dueAt: event.data.newDueAt,
          extensions: m.extensions.map((x) =>
            x.requestId === event.data.requestId
              ? { ...x, status: 'granted', comment: event.data.comment }
              : x,
          ),
          // Every clock of the milestone moves with it; co-units keep their lead time before the lead.
          assignments: m.assignments.map((a) => ({
            ...a,
            dueAt: new Date(Date.parse(a.dueAt) + moveBy).toISOString(),
            escalationLevel: 0,
            remindersSent: [],
          })),
        };
      });
    case 'ExtensionDenied':
      return touch(event.data.milestoneId, (m) => ({
        ...m,
        extensions: m.extensions.map((x) =>
          x.requestId === event.data.requestId ? { ...x, status: 'denied', comment: event.data.comment } : x,
        ),
      }));
    case 'ClosureRequested':
      return {
        ...s,
        closures: [
          ...(s.closures ?? []),
          {
            requestId: event.data.requestId,
            unit: event.data.unit,
            narrative: event.data.narrative,
            evidence: event.data.evidence,
            status: 'pending',
            comment: '',
          },
        ],
      };
    // The milestones and the project close through the MilestoneClosed and ProjectClosed that follow.
    case 'ClosureConfirmed':
      return touchClosure(event.data.requestId, { status: 'confirmed', comment: event.data.comment });
    case 'ClosureRefused':
      return touchClosure(event.data.requestId, { status: 'refused', comment: event.data.comment });
    case 'ProjectSuspended':
      return { ...s, status: 'suspended' };
    case 'ProjectResumed':
      return { ...s, status: 'active' };
    case 'ProjectCancelled':
      return { ...s, status: 'cancelled' };
    case 'MilestoneClosed':
      return touch(event.data.milestoneId, (m) => ({ ...m, phase: 'closed', outcome: event.data.outcome }));
    case 'ProjectClosed':
      return { ...s, status: event.data.outcome === 'cancelled' ? 'cancelled' : 'closed' };
    // The 批示 an item carries out is a record about it; the item's own state starts with ProjectStarted.
    case 'CycleStarted':
    case 'CycleExtended':
    case 'CycleCancelled':
    case 'CycleClosed':
    case 'InstructionRecorded':
    case 'RectificationIssued':
      return s;
    case 'SubAssignmentDispatched':
      return { ...s, reviewUnit: event.data.unit };
    case 'ProgressReported':
      return touchPeriod(event.data.periodId, { status: 'reported', late: event.data.late });
    case 'ProgressPeriodMissed':
      return touchPeriod(event.data.periodId, { status: 'missed' });
    case 'ProgressPeriodsReplanned': {
      const replanned = new Map(event.data.periods.map((p) => [p.periodId, p]));
      const kept = (s.periods ?? []).map((p) => {
        const plan = replanned.get(p.periodId);
        return plan ? { ...p, ...plan } : p;
      });
      const known = new Set(kept.map((p) => p.periodId));
      const added = event.data.periods.filter((p) => !known.has(p.periodId)).map(newPeriod);
      return { ...s, periods: [...kept, ...added] };
    }
    default: {
      const never: never = event;
      return never;
    }
  }
}

const newMilestone = (m: MilestonePlan): MilestoneState => ({
  milestoneId: m.milestoneId,
  year: m.year,
  text: m.text,
  targets: m.targets,
  opensAt: m.opensAt,
  originalDueAt: m.dueAt,
  dueAt: m.dueAt,
  phase: 'scheduled',
  outcome: null,
  assignments: [],
  rounds: 0,
  returns: 0,
  lastReturnComment: null,
  submission: null,
  results: [],
  approved: false,
  extensions: [],
  escalatedForReturns: false,
  lastEventId: null,
});

const newPeriod = (p: ProgressPeriodPlan): ProgressPeriodState => ({
  ...p,
  status: 'open',
  late: null,
  reminded: false,
  escalated: false,
});

import type { EventBody, EventOf } from '../events';
import { adjustToWorkingDay, shift, spanLabel } from '../calendar';
import { assignmentIdOf, isOpenPhase, type MilestoneState, type ProjectState } from '../project/state';

/**
 * FROZEN. How project runs started before the inbox loop (`workflows/legacy/project-v1.ts`) decide
 * time-driven work. Those runs must replay exactly as they ran, so nothing here may change; new
 * runs use `domain/project/schedule.ts`.
 */

/** What the passage of time causes at plan time `now`: openings, 催办 reminders, the 督办 ladder. */
export type TickOptions = {
  /**
   * Raise every 督办 level whose time has come in one tick (true), or one level per tick (false,
   * how runs recorded before the catch-up rule behave; kept for their replay).
   */
  catchUpLadder: boolean;
};

export function tick(
  s: ProjectState,
  now: string,
  closesAt: string,
  options: TickOptions = { catchUpLadder: true },
): EventBody[] {
  if (s.status !== 'active') return [];
  const t = Date.parse(now);
  const events: EventBody[] = [];
  for (const m of s.milestones) {
    if (m.phase === 'scheduled' && t >= Date.parse(m.opensAt)) {
      events.push({ type: 'MilestoneOpened', data: { milestoneId: m.milestoneId } });
      events.push(...assignmentsFor(s, m));
      continue;
    }
    if (!isOpenPhase(m)) continue;
    for (const a of m.assignments) {
      if (a.submitted || (a.role === 'lead' && m.phase === 'submitted')) continue;
      for (const lead of s.policy.reminders) {
        const label = spanLabel(lead);
        if (a.remindersSent.includes(label)) continue;
        const remindAt = Date.parse(shift(a.dueAt, lead, -1));
        if (t >= remindAt && t < Date.parse(a.dueAt)) {
          events.push({
            type: 'ReminderSent',
            data: {
              milestoneId: m.milestoneId,
              assignmentId: a.assignmentId,
              unit: a.unit,
              dueAt: a.dueAt,
              leadTime: label,
              notificationId: `${s.streamId}/${a.assignmentId}/remind/${a.dueAt}/${label}`,
            },
          });
        }
      }
      // Co-units are escalated too, but only the lead's report closes the milestone. Every level
      // whose time has come is raised, each its own event, so a late tick still leaves the full ladder.
      for (const step of s.policy.escalations) {
        if (step.level <= a.escalationLevel) continue;
        if (t >= Date.parse(shift(a.dueAt, step.after, 1)) && t > Date.parse(a.dueAt)) {
          events.push({
            type: 'EscalationRaised',
            data: {
              milestoneId: m.milestoneId,
              assignmentId: a.assignmentId,
              unit: a.unit,
              level: step.level,
              target: step.target,
              reason: 'overdue',
              dueAt: a.dueAt,
              notificationId: `${s.streamId}/${a.assignmentId}/escalate/${a.dueAt}/${step.level}`,
            },
          });
          if (!options.catchUpLadder) break;
        }
      }
    }
  }
  if (t >= Date.parse(closesAt)) {
    for (const m of s.milestones) {
      if (m.phase !== 'closed') {
        events.push({
          type: 'MilestoneClosed',
          data: { milestoneId: m.milestoneId, outcome: m.phase === 'scheduled' ? 'cancelled' : 'missed' },
        });
      }
    }
    events.push({ type: 'ProjectClosed', data: { outcome: 'completed' } });
  }
  return events;
}

function assignmentsFor(s: ProjectState, m: MilestoneState): EventBody[] {
  const coDue = adjustToWorkingDay(shift(m.dueAt, s.policy.coUnitLead, -1), s.policy.holidayRule);
  const make = (unit: string, role: 'lead' | 'co', dueAt: string): EventOf<'AssignmentCreated'> => ({
    type: 'AssignmentCreated',
    data: {
      milestoneId: m.milestoneId,
      assignmentId: assignmentIdOf(m.milestoneId, role, unit),
      unit,
      role,
      dueAt,
    },
  });
  return [make(s.leadUnit, 'lead', m.dueAt), ...s.coUnits.map((u) => make(u, 'co', coDue))];
}

export type WakeOptions = {
  /**
   * Count work that is already due (a ladder step, the cycle's close) as a reason to wake at once
   * (true). Runs recorded before this rule looked only at future instants (false) and could wait
   * forever when a slow activity let plan time pass every deadline; kept for their replay.
   */
  wakeForPastDue: boolean;
};

/**
 * The plan instant at which `tick` next has something to do, or null when nothing is pending. An
 * instant at or before `now` means there is work to do right away.
 */
export function nextWake(
  s: ProjectState,
  now: string,
  closesAt: string,
  options: WakeOptions = { wakeForPastDue: true },
): string | null {
  if (s.status !== 'active') return null;
  const t = Date.parse(now);
  const candidates: number[] = [Date.parse(closesAt)];
  for (const m of s.milestones) {
    if (m.phase === 'scheduled') candidates.push(Date.parse(m.opensAt));
    if (!isOpenPhase(m)) continue;
    for (const a of m.assignments) {
      if (a.submitted || (a.role === 'lead' && m.phase === 'submitted')) continue;
      // A reminder whose deadline has passed will never be sent: it is no reason to wake.
      const remindable = !options.wakeForPastDue || t < Date.parse(a.dueAt);
      for (const lead of s.policy.reminders) {
        if (remindable && !a.remindersSent.includes(spanLabel(lead)))
          candidates.push(Date.parse(shift(a.dueAt, lead, -1)));
      }
      const step = s.policy.escalations.find((e) => e.level > a.escalationLevel);
      if (step) candidates.push(Math.max(Date.parse(shift(a.dueAt, step.after, 1)), Date.parse(a.dueAt) + 1));
    }
  }
  const pending = options.wakeForPastDue ? candidates : candidates.filter((c) => c > t);
  return pending.length ? new Date(Math.min(...pending)).toISOString() : null;
}

import type { EventBody, EventOf } from '../events';
import { adjustToWorkingDay, calendarGaps, shift, spanLabel } from '../calendar';
import { evolve } from './evolve';
import {
  assignmentIdOf,
  eventIdOf,
  isFinished,
  isOpenPhase,
  noticeIdOf,
  owesWork,
  periodNoticeIdOf,
  periodUnitOf,
  type MilestoneState,
  type ProjectState,
} from './state';

/**
 * What the passage of time will cause: the events, the plan instant from which they are due and,
 * for a 催办 reminder, the instant after which it is moot (a reminder after the deadline is not
 * sent; the 督办 ladder takes over).
 */
export type DueAction = { at: string; until: string | null; events: EventBody[] };

/**
 * Every time-driven rule in one place: milestone openings with their assignments, 催办 before each
 * assignment's deadline, each 督办 level after it, and the close at the cycle's review deadline.
 * `tick` and `nextWake` both derive from this list, so a rule can never be acted on by one and
 * slept through by the other.
 */
export function dueActions(s: ProjectState, closesAt: string): DueAction[] {
  if (isFinished(s)) return [];
  const actions: DueAction[] = [];
  if (s.status === 'active') {
    for (const m of s.milestones) {
      if (m.phase === 'scheduled') {
        actions.push({
          at: m.opensAt,
          until: null,
          events: [
            { type: 'MilestoneOpened', data: { milestoneId: m.milestoneId } },
            ...assignmentsFor(s, m),
          ],
        });
        continue;
      }
      if (!isOpenPhase(m)) continue;
      for (const a of m.assignments) {
        if (!owesWork(m, a)) continue;
        for (const lead of s.policy.reminders) {
          const label = spanLabel(lead);
          if (a.remindersSent.includes(label)) continue;
          actions.push({
            at: shift(a.dueAt, lead, -1, s.policy.calendar),
            until: a.dueAt,
            events: [
              {
                type: 'ReminderSent',
                data: {
                  milestoneId: m.milestoneId,
                  assignmentId: a.assignmentId,
                  unit: a.unit,
                  dueAt: a.dueAt,
                  leadTime: label,
                  notificationId: noticeIdOf(s, a, `remind/${a.dueAt}/${label}`),
                },
              },
            ],
          });
        }
        // Co-units are escalated too, but only the lead's report closes the milestone.
        for (const step of s.policy.escalations) {
          if (step.level <= a.escalationLevel) continue;
          const at = Math.max(
            Date.parse(shift(a.dueAt, step.after, 1, s.policy.calendar)),
            Date.parse(a.dueAt) + 1,
          );
          actions.push({
            at: new Date(at).toISOString(),
            until: null,
            events: [
              {
                type: 'EscalationRaised',
                data: {
                  milestoneId: m.milestoneId,
                  assignmentId: a.assignmentId,
                  unit: a.unit,
                  level: step.level,
                  target: step.target,
                  reason: 'overdue',
                  dueAt: a.dueAt,
                  notificationId: noticeIdOf(s, a, `escalate/${a.dueAt}/${step.level}`),
                },
              },
            ],
          });
        }
      }
    }
    actions.push(...periodActions(s));
  }
  // At the review deadline whatever is still open closes: opened milestones as missed; milestones
  // never opened, and everything of a suspended project, as cancelled (nothing is scored for them).
  actions.push({
    at: closesAt,
    until: null,
    events: [
      ...s.milestones
        .filter((m) => m.phase !== 'closed')
        .map((m): EventBody => ({
          type: 'MilestoneClosed',
          data: {
            milestoneId: m.milestoneId,
            outcome: m.phase === 'scheduled' || s.status === 'suspended' ? 'cancelled' : 'missed',
          },
        })),
      { type: 'ProjectClosed', data: { outcome: 'completed' } },
    ],
  });
  return actions;
}

const isDue = (a: DueAction, t: number): boolean =>
  Date.parse(a.at) <= t && (a.until === null || t < Date.parse(a.until));

/** The earliest due action; at equal instants the close comes last (it is pushed last). */
const earliest = (actions: DueAction[]): DueAction | undefined =>
  actions.reduce<DueAction | undefined>(
    (e, a) => (!e || Date.parse(a.at) < Date.parse(e.at) ? a : e),
    undefined,
  );

/**
 * Everything time has caused by plan time `now`, in the order it fell due. Each action is applied
 * before the next is chosen, so a milestone opened late still gets the reminders and 督办 levels
 * whose time has come, in one tick.
 */
export function tick(s: ProjectState, now: string, closesAt: string): EventBody[] {
  const t = Date.parse(now);
  const events: EventBody[] = [];
  let state = s;
  for (let guard = 0; guard < 1_000; guard++) {
    const next = earliest(dueActions(state, closesAt).filter((a) => isDue(a, t)));
    if (!next) return events;
    for (const event of next.events) {
      state = evolve(state, event, eventIdOf(state.streamId, state.seq + 1));
      events.push(event);
    }
  }
  throw new Error(`tick did not settle for ${s.streamId}: a due action does not change the state`);
}

/** Events with the plan time at which each fell due. */
export type TimedEvent = { at: string; body: EventBody };

/**
 * Plays time forward from `from` to `to`: at each instant something falls due, in order, `tick`
 * does it and the events carry that instant. A reminder whose time came while nothing ran (a
 * worker down, a command that arrived late) is still judged at its own time, as if it had run.
 */
export function advance(s: ProjectState, from: string, to: string, closesAt: string): TimedEvent[] {
  const out: TimedEvent[] = [];
  let state = s;
  let now = from;
  for (let guard = 0; guard < 10_000; guard++) {
    const wake = nextWake(state, now, closesAt);
    if (wake === null || Date.parse(wake) > Date.parse(to)) return out;
    const at = Date.parse(wake) > Date.parse(now) ? wake : now;
    const bodies = tick(state, at, closesAt);
    if (bodies.length === 0 && at === now) return out;
    for (const body of bodies) {
      state = evolve(state, body, eventIdOf(state.streamId, state.seq + 1));
      out.push({ at, body });
    }
    now = at;
  }
  throw new Error(`advance did not settle for ${s.streamId}`);
}

/**
 * The plan instant at which `tick` next has something to do, or null when nothing ever will. An
 * instant at or before `now` means there is work due already.
 */
export function nextWake(s: ProjectState, now: string, closesAt: string): string | null {
  const t = Date.parse(now);
  const next = earliest(dueActions(s, closesAt).filter((a) => a.until === null || t < Date.parse(a.until)));
  return next?.at ?? null;
}

/**
 * 定期反馈: for each open period, its 催办 (once, `reminder` before it is due, not before it opens),
 * its one 督办 step when it falls due, and its recording as missed at `missAt`. Items without a
 * cadence have no periods and nothing here.
 */
function periodActions(s: ProjectState): DueAction[] {
  const cadence = s.policy.progressCadence;
  if (!s.periods || !cadence) return [];
  const unit = periodUnitOf(s);
  return s.periods
    .filter((p) => p.status === 'open')
    .flatMap((p): DueAction[] => {
      const label = spanLabel(cadence.reminder);
      const notice = (about: string) => periodNoticeIdOf(s, p, unit, about);
      const remindAt = shift(p.dueAt, cadence.reminder, -1, s.policy.calendar);
      return [
        ...(p.reminded
          ? []
          : [
              {
                at: Date.parse(remindAt) > Date.parse(p.opensAt) ? remindAt : p.opensAt,
                until: p.dueAt,
                events: [
                  {
                    type: 'ReminderSent',
                    data: {
                      milestoneId: p.periodId,
                      assignmentId: `${p.periodId}/lead`,
                      unit,
                      dueAt: p.dueAt,
                      leadTime: label,
                      notificationId: notice(`remind/${label}`),
                    },
                  } satisfies EventBody,
                ],
              },
            ]),
        ...(p.escalated
          ? []
          : [
              {
                at: new Date(Date.parse(p.dueAt) + 1).toISOString(),
                until: null,
                events: [
                  {
                    type: 'EscalationRaised',
                    data: {
                      milestoneId: p.periodId,
                      assignmentId: `${p.periodId}/lead`,
                      unit,
                      level: 1,
                      target: 'unit_head',
                      reason: 'overdue',
                      dueAt: p.dueAt,
                      notificationId: notice('escalate/1'),
                    },
                  } satisfies EventBody,
                ],
              },
            ]),
        {
          at: p.missAt,
          until: null,
          events: [{ type: 'ProgressPeriodMissed', data: { periodId: p.periodId, unit, dueAt: p.dueAt } }],
        },
      ];
    });
}

function assignmentsFor(s: ProjectState, m: MilestoneState): EventBody[] {
  const cal = s.policy.calendar;
  const coDue = adjustToWorkingDay(shift(m.dueAt, s.policy.coUnitLead, -1, cal), s.policy.holidayRule, cal);
  const coGaps = calendarGaps(cal, coDue, m.dueAt);
  const make = (unit: string, role: 'lead' | 'co', dueAt: string): EventOf<'AssignmentCreated'> => ({
    type: 'AssignmentCreated',
    data: {
      milestoneId: m.milestoneId,
      assignmentId: assignmentIdOf(m.milestoneId, role, unit),
      unit,
      role,
      dueAt,
      ...(role === 'co' && coGaps.length > 0 ? { calendarGaps: coGaps } : {}),
    },
  });
  return [make(s.leadUnit, 'lead', m.dueAt), ...s.coUnits.map((u) => make(u, 'co', coDue))];
}

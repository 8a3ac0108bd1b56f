import type { CycleWindow, EventBody } from './events';
import type { Principal } from './principal';
import { DomainError } from './domain-error';

/** What the cycle decides on: its status and its window. */
export type CycleState = { status: 'running' | 'closing' | 'completed' | 'cancelled'; window: CycleWindow };

/** 督导处's commands on a running cycle. */
export type CycleCommand =
  | { type: 'extend'; actor: Principal; window: CycleWindow; reason: string }
  | { type: 'cancel'; actor: Principal; reason: string };

/**
 * The cycle decider: a command into the events it causes, or a DomainError that changes nothing.
 * The cycle workflow's validators and its loop both run it, so what is refused early and what is
 * decided later follow one set of rules.
 */
export function decideCycle(s: CycleState, c: CycleCommand): EventBody[] {
  if (c.actor.role !== 'inspector') throw new DomainError('forbidden', '只有督导处可以调整督导周期');
  if (s.status !== 'running') throw new DomainError('closed', '督导周期已结束');
  switch (c.type) {
    case 'extend': {
      const next = c.window;
      if (
        Date.parse(next.submissionDueAt) < Date.parse(s.window.submissionDueAt) ||
        Date.parse(next.reviewDueAt) < Date.parse(s.window.reviewDueAt)
      ) {
        throw new DomainError('invalid_command', '延长后的期限不能早于原期限');
      }
      if (Date.parse(next.reviewDueAt) < Date.parse(next.submissionDueAt)) {
        throw new DomainError('invalid_command', '审核截止时间不能早于报送截止时间');
      }
      return [{ type: 'CycleExtended', data: { window: next, reason: c.reason } }];
    }
    case 'cancel':
      if (!c.reason?.trim()) throw new DomainError('invalid_command', '请填写撤销原因');
      return [{ type: 'CycleCancelled', data: { reason: c.reason } }];
    default: {
      const never: never = c;
      return never;
    }
  }
}

/** Folds the cycle's own events into what it decides on. */
export function evolveCycle(s: CycleState, event: EventBody): CycleState {
  switch (event.type) {
    case 'CycleExtended':
      return { ...s, window: event.data.window };
    case 'CycleCancelled':
      return { ...s, status: 'cancelled' };
    case 'CycleClosed':
      return { ...s, status: event.data.outcome };
    default:
      return s;
  }
}

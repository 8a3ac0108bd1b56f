import { defaultPayloadConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import type { DomainEvent } from '../domain/events';

/** The name of the one activity through which workflows record their domain events. */
export const RECORD_ACTIVITY = 'recordEvents';

export interface DerivedEvents {
  /** Events whose recording activity completed: the log must hold exactly these. */
  recorded: DomainEvent[];
  /** Events whose activity was scheduled but had not completed when the history was read. */
  pending: DomainEvent[];
}

/**
 * The domain events a workflow run emitted, read from its Temporal history: the inputs of its
 * `recordEvents` activities, in the order they were scheduled. The history is the execution's own
 * record, so this is what the event log must contain.
 */
export function derivedEvents(history: History): DerivedEvents {
  const scheduled: { id: string; events: DomainEvent[] }[] = [];
  const completed = new Set<string>();
  for (const event of history.events ?? []) {
    const attrs = event.activityTaskScheduledEventAttributes;
    if (attrs?.activityType?.name === RECORD_ACTIVITY) {
      const [batch] = attrs.input?.payloads ?? [];
      scheduled.push({
        id: String(event.eventId),
        events: batch ? defaultPayloadConverter.fromPayload<DomainEvent[]>(batch) : [],
      });
    }
    const done = event.activityTaskCompletedEventAttributes;
    if (done) completed.add(String(done.scheduledEventId));
  }
  return {
    recorded: scheduled.filter((s) => completed.has(s.id)).flatMap((s) => s.events),
    pending: scheduled.filter((s) => !completed.has(s.id)).flatMap((s) => s.events),
  };
}

/** A stream's derived events across the runs of a continue-as-new chain, oldest run first. */
export function derivedStream(histories: History[]): DerivedEvents {
  const parts = histories.map(derivedEvents);
  return { recorded: parts.flatMap((p) => p.recorded), pending: parts.flatMap((p) => p.pending) };
}

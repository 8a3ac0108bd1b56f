import { defaultPayloadConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import type { DomainEvent } from '../domain/events';

/** The activity through which workflows recorded their domain events before LOCAL_APPEND_PATCH. */
export const RECORD_ACTIVITY = 'recordEvents';
/** The local activity through which they record them since (its answer carries the events). */
export const RECORD_LOCAL_ACTIVITY = 'recordEventsLocally';
/** The marker the SDK records a completed local activity with. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

const EventType = temporal.api.enums.v1.EventType;
const WORKFLOW_TASK_EVENTS = new Set([
  EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
]);

export interface DerivedEvents {
  /** Events whose recording activity completed: the log must hold exactly these. */
  recorded: DomainEvent[];
  /** Events whose activity was scheduled but had not completed when the history was read. */
  pending: DomainEvent[];
  /**
   * Whether a workflow task was open when the history was read. A local append is in the history
   * only once the task that ran it completes, so the log may already hold that task's events.
   */
  taskOpen: boolean;
}

/**
 * The domain events a workflow run emitted, read from its Temporal history: the inputs of its
 * `recordEvents` activities and the answers of its `recordEventsLocally` local activities, in the
 * order they were made. The history is the execution's own record, so this is what the event log
 * must contain.
 */
export function derivedEvents(history: History): DerivedEvents {
  const appends: { id: string; events: DomainEvent[] }[] = [];
  const completed = new Set<string>();
  let lastTaskEvent: number | null | undefined = null;
  for (const event of history.events ?? []) {
    if (WORKFLOW_TASK_EVENTS.has(event.eventType!)) lastTaskEvent = event.eventType;
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name === RECORD_ACTIVITY) {
      const [batch] = scheduled.input?.payloads ?? [];
      appends.push({
        id: String(event.eventId),
        events: batch ? defaultPayloadConverter.fromPayload<DomainEvent[]>(batch) : [],
      });
    }
    const done = event.activityTaskCompletedEventAttributes;
    if (done) completed.add(String(done.scheduledEventId));
    const local = localAppend(event.markerRecordedEventAttributes);
    if (local) {
      appends.push({ id: String(event.eventId), events: local });
      completed.add(String(event.eventId));
    }
  }
  return {
    recorded: appends.filter((s) => completed.has(s.id)).flatMap((s) => s.events),
    pending: appends.filter((s) => !completed.has(s.id)).flatMap((s) => s.events),
    taskOpen: lastTaskEvent !== null && lastTaskEvent !== EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  };
}

type MarkerAttributes = temporal.api.history.v1.IMarkerRecordedEventAttributes;

/** The events a completed local append recorded; null for any other marker (or a failed append). */
function localAppend(marker: MarkerAttributes | null | undefined): DomainEvent[] | null {
  if (marker?.markerName !== LOCAL_ACTIVITY_MARKER) return null;
  const [data] = marker.details?.data?.payloads ?? [];
  const [result] = marker.details?.result?.payloads ?? [];
  if (!data || !result) return null;
  const { activity_type } = defaultPayloadConverter.fromPayload<{ activity_type?: string }>(data);
  if (activity_type !== RECORD_LOCAL_ACTIVITY) return null;
  return defaultPayloadConverter.fromPayload<{ events: DomainEvent[] }>(result).events;
}

/** A stream's derived events across the runs of a continue-as-new chain, oldest run first. */
export function derivedStream(histories: History[]): DerivedEvents {
  const parts = histories.map(derivedEvents);
  return {
    recorded: parts.flatMap((p) => p.recorded),
    pending: parts.flatMap((p) => p.pending),
    taskOpen: parts.at(-1)?.taskOpen ?? false,
  };
}

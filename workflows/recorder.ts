import { patched, proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DomainEvent, EventBody } from '../domain/events';
import type { Principal } from '../domain/principal';
import { eventIdOf } from '../domain/project';

const appendOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    maximumInterval: '10 seconds',
    nonRetryableErrorTypes: ['EventConflict'],
  },
};
const { recordEvents } = proxyActivities<Activities>(appendOptions);
// Past the SDK's local retry threshold (a minute), each further attempt of a local activity is a
// timer and a workflow task in the history: a longer wait between them keeps a long database
// outage from filling histories (five events per attempt).
const { recordEventsLocally } = proxyLocalActivities<Activities>({
  ...appendOptions,
  retry: { ...appendOptions.retry, maximumInterval: '30 seconds' },
});

/**
 * Appends run as local activities, in the worker that decided them: the workflow task that takes
 * an Update also appends and answers it, instead of scheduling an activity through the server and
 * answering in a second task (measured at 300 projects: the server's CPU per Update halved).
 * Runs before it appended through a regular activity. Called at every append: once true in a run
 * it stays true, so an older run still going switches at its next append.
 */
export const LOCAL_APPEND_PATCH = 'local-append';

export type StreamContext = { streamId: string; cycleId: string; projectId: string | null };

/** An event body in its envelope: sequence, derived id, plan time, actor, what caused it. */
export function envelopeOf(
  ctx: StreamContext,
  body: EventBody,
  seq: number,
  at: string,
  actor: Principal,
  causationId: string | null,
): DomainEvent {
  const milestoneId = 'milestoneId' in body.data ? body.data.milestoneId : null;
  return {
    ...body,
    eventId: eventIdOf(ctx.streamId, seq),
    streamId: ctx.streamId,
    seq,
    schemaVersion: 1,
    at,
    actor,
    cycleId: ctx.cycleId,
    projectId: ctx.projectId,
    milestoneId,
    causationId,
  } as DomainEvent;
}

/**
 * Appends one step's events through the idempotent append activity (local, LOCAL_APPEND_PATCH).
 * The loops call it one step at a time and fold the events into their state only once it returns,
 * so the state is never ahead of the log and a refused batch leaves nothing behind to poison the
 * next one.
 */
export function record(events: DomainEvent[]): Promise<unknown> {
  if (events.length === 0) return Promise.resolve();
  // The activity's own promise, not an async wrapper around it: one promise fewer per append.
  return patched(LOCAL_APPEND_PATCH) ? recordEventsLocally(events) : recordEvents(events);
}

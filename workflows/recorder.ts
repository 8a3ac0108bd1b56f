import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DomainEvent, EventBody } from '../domain/events';
import type { Principal } from '../domain/principal';
import { eventIdOf } from '../domain/project';

const { recordEvents } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    maximumInterval: '10 seconds',
    nonRetryableErrorTypes: ['EventConflict'],
  },
});

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
 * Appends one step's events through the idempotent `recordEvents` activity. The loops call it one
 * step at a time and fold the events into their state only once it returns, so the state is never
 * ahead of the log and a refused batch leaves nothing behind to poison the next one.
 */
export function record(events: DomainEvent[]): Promise<unknown> {
  // The activity's own promise, not an async wrapper around it: one promise fewer per append.
  return events.length > 0 ? recordEvents(events) : Promise.resolve();
}

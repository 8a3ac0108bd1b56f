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

/**
 * Stamps event bodies with their envelope (sequence, derived id, plan time, actor) and records them
 * in order: appends are chained so a later batch never overtakes an earlier one.
 */
export class Emitter {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: StreamContext) {}

  envelope(
    body: EventBody,
    seq: number,
    at: string,
    actor: Principal,
    causationId: string | null,
  ): DomainEvent {
    const milestoneId = 'milestoneId' in body.data ? body.data.milestoneId : null;
    return {
      ...body,
      eventId: eventIdOf(this.ctx.streamId, seq),
      streamId: this.ctx.streamId,
      seq,
      schemaVersion: 1,
      at,
      actor,
      cycleId: this.ctx.cycleId,
      projectId: this.ctx.projectId,
      milestoneId,
      causationId,
    } as DomainEvent;
  }

  record(events: DomainEvent[]): Promise<void> {
    if (events.length === 0) return this.tail.then(() => undefined);
    const done = this.tail.then(() => recordEvents(events));
    this.tail = done;
    return done.then(() => undefined);
  }
}

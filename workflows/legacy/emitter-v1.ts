import type { DomainEvent, EventBody } from '../../domain/events';
import type { Principal } from '../../domain/principal';
import { envelopeOf, record, type StreamContext } from '../recorder';

/**
 * FROZEN with the legacy workflows: stamps event bodies with their envelope and records them in
 * order, appends chained so a later batch never overtakes an earlier one.
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
    return envelopeOf(this.ctx, body, seq, at, actor, causationId);
  }

  record(events: DomainEvent[]): Promise<void> {
    if (events.length === 0) return this.tail.then(() => undefined);
    const done = this.tail.then(() => record(events));
    this.tail = done;
    return done.then(() => undefined);
  }
}

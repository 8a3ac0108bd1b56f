import { createHash } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from './database';
import type { EventsTable } from './tables/events';
import { DomainEvent } from '../domain/events';
import { canonicalJson } from '../domain/canonical-json';
import { projections as registeredProjections, type Projection } from './projections/registry';
import { notificationFor } from './notification-outbox';

export const GENESIS_HASH = '0'.repeat(64);

/** An event as the log holds it: the domain event plus its global position and chain hash. */
export type RecordedEvent = DomainEvent & { position: string; hash: string; prevHash: string };

/** Raised when a different event is offered at a position the log already holds: never retried. */
export class EventConflictError extends Error {
  constructor(
    readonly streamId: string,
    readonly seq: number,
    detail: string,
  ) {
    super(`event log conflict at ${streamId}#${seq}: ${detail}`);
    this.name = 'EventConflictError';
  }
}

/** The hash of one event given its predecessor's: covers everything but position and recorded time. */
export function chainHash(prevHash: string, event: DomainEvent): string {
  const canonical = canonicalJson({ ...event, at: new Date(event.at).toISOString() });
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

export interface AppendResult {
  appended: number;
  duplicates: number;
}

/**
 * Appends a stream's events in order, idempotently on (stream, seq): an event already recorded
 * identically is skipped, a different one at a recorded position raises EventConflictError.
 * Projections (and the notification outbox) are written in the same transaction.
 */
export async function appendEvents(
  db: Kysely<Database>,
  input: DomainEvent[],
  projections: Projection[] = registeredProjections,
): Promise<AppendResult> {
  if (input.length === 0) return { appended: 0, duplicates: 0 };
  const events = input.map((e) => DomainEvent.parse(e));
  const streamId = events[0]!.streamId;
  events.forEach((e, i) => {
    if (e.streamId !== streamId) throw new Error('appendEvents takes one stream per call');
    if (i > 0 && e.seq !== events[i - 1]!.seq + 1) throw new Error(`events must be consecutive (${e.seq})`);
  });

  return db.transaction().execute(async (trx) => {
    // One writer per stream at a time: retries of the same activity may race.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${streamId}))`.execute(trx);
    const existing = await trx
      .selectFrom('events')
      .select(['seq', 'hash', 'prev_hash'])
      .where('stream_id', '=', streamId)
      .where('seq', '>=', events[0]!.seq - 1)
      .where('seq', '<=', events[events.length - 1]!.seq)
      .orderBy('seq')
      .execute();
    const bySeq = new Map(existing.map((r) => [r.seq, r]));

    let prevHash = events[0]!.seq === 1 ? GENESIS_HASH : bySeq.get(events[0]!.seq - 1)?.hash;
    if (prevHash === undefined) {
      const last = await trx
        .selectFrom('events')
        .select(({ fn }) => fn.max('seq').as('seq'))
        .where('stream_id', '=', streamId)
        .executeTakeFirst();
      throw new EventConflictError(streamId, events[0]!.seq, `gap: the log ends at #${last?.seq ?? 0}`);
    }
    const fresh: RecordedEvent[] = [];
    let duplicates = 0;
    for (const event of events) {
      const hash = chainHash(prevHash, event);
      const recorded = bySeq.get(event.seq);
      if (recorded) {
        if (recorded.hash !== hash)
          throw new EventConflictError(streamId, event.seq, 'a different event is recorded there');
        duplicates++;
      } else {
        fresh.push({ ...event, position: '', hash, prevHash });
      }
      prevHash = hash;
    }
    if (fresh.length === 0) return { appended: 0, duplicates };

    const rows = await trx
      .insertInto('events')
      .values(
        fresh.map((e) => ({
          event_id: e.eventId,
          stream_id: e.streamId,
          seq: e.seq,
          type: e.type,
          schema_version: e.schemaVersion,
          payload: JSON.stringify(e.data),
          actor: JSON.stringify(e.actor),
          occurred_at: e.at,
          cycle_id: e.cycleId,
          project_id: e.projectId,
          milestone_id: e.milestoneId,
          causation_id: e.causationId,
          prev_hash: e.prevHash,
          hash: e.hash,
        })),
      )
      .returning(['position', 'seq'])
      .execute();
    const positionOf = new Map(rows.map((r) => [r.seq, r.position]));
    for (const e of fresh) e.position = positionOf.get(e.seq)!;

    const outbox = fresh.map(notificationFor).filter((n) => n !== null);
    if (outbox.length > 0) {
      await trx
        .insertInto('notifications')
        .values(outbox)
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    await applyProjections(trx, fresh, projections);
    return { appended: fresh.length, duplicates };
  });
}

export async function applyProjections(
  trx: Transaction<Database> | Kysely<Database>,
  events: RecordedEvent[],
  projections: Projection[] = registeredProjections,
): Promise<void> {
  for (const projection of projections) await projection.apply(trx, events);
}

/** Reads a stream back as recorded, in order. */
export async function readStream(db: Kysely<Database>, streamId: string): Promise<RecordedEvent[]> {
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .where('stream_id', '=', streamId)
    .orderBy('seq')
    .execute();
  return rows.map(rowToEvent);
}

type EventRow = Selectable<EventsTable>;

export function rowToEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    seq: row.seq,
    schemaVersion: row.schema_version,
    type: row.type,
    data: row.payload,
    actor: row.actor,
    at: new Date(row.occurred_at).toISOString(),
    cycleId: row.cycle_id,
    projectId: row.project_id,
    milestoneId: row.milestone_id,
    causationId: row.causation_id,
    position: String(row.position),
    hash: row.hash,
    prevHash: row.prev_hash,
  } as RecordedEvent;
}

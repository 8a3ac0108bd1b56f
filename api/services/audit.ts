import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { chainHash, GENESIS_HASH, readStream, type RecordedEvent } from '../../db/event-store';
import { DomainEvent } from '../../domain/events';

export interface Verdict {
  ok: boolean;
  events: number;
  /** The first event whose link or hash does not match, when the chain is broken. */
  brokenAt: { seq: number; eventId: string; reason: string } | null;
  lastHash: string | null;
}

/** Recomputes a stream's hash chain from its first event: the auditor's verify verdict. */
export function verifyChain(events: RecordedEvent[]): Verdict {
  let prev = GENESIS_HASH;
  for (const e of events) {
    const { position: _position, hash, prevHash, ...event } = e;
    if (prevHash !== prev)
      return {
        ok: false,
        events: events.length,
        brokenAt: { seq: e.seq, eventId: e.eventId, reason: '链接断开：前序哈希不符' },
        lastHash: null,
      };
    if (chainHash(prev, DomainEvent.parse(event)) !== hash)
      return {
        ok: false,
        events: events.length,
        brokenAt: { seq: e.seq, eventId: e.eventId, reason: '内容被改动：哈希不符' },
        lastHash: null,
      };
    prev = hash;
  }
  return { ok: true, events: events.length, brokenAt: null, lastHash: events.at(-1)?.hash ?? null };
}

export async function timeline(db: Kysely<Database>, streamId: string) {
  const events = await readStream(db, streamId);
  return { streamId, events, verdict: verifyChain(events) };
}

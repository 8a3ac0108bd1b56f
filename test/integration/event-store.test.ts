import { sql } from 'kysely';
import { appendEvents, EventConflictError, readStream, chainHash, GENESIS_HASH } from '../../db/event-store';
import type { DomainEvent } from '../../domain/events';
import { freshDatabase, type TestDatabase } from '../support/db';

const actor = { userId: 'u1', role: 'unit_staff' as const, unit: '基教处' };
const event = (seq: number, comment = 'ok'): DomainEvent => ({
  eventId: `s1-${seq}`,
  streamId: 's1',
  seq,
  schemaVersion: 1,
  at: '2017-03-01T08:00:00+08:00',
  actor,
  cycleId: 'c1',
  projectId: 'p1',
  milestoneId: null,
  causationId: null,
  type: 'ProjectResumed',
  data: { reason: comment },
});

describe('event store', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase();
  });
  afterAll(async () => t.drop());

  it('appends once when the same batch is written twice, even concurrently', async () => {
    const batch = [event(1), event(2), event(3)];
    const results = await Promise.all([appendEvents(t.db, batch), appendEvents(t.db, batch)]);
    expect(results.map((r) => r.appended).sort()).toEqual([0, 3]);
    const again = await appendEvents(t.db, batch);
    expect(again).toEqual({ appended: 0, duplicates: 3 });
    const stored = await readStream(t.db, 's1');
    expect(stored.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('chains hashes across the stream', async () => {
    const stored = await readStream(t.db, 's1');
    expect(stored[0]!.prevHash).toBe(GENESIS_HASH);
    stored.forEach((e, i) => {
      const { position: _p, hash, prevHash, ...domain } = e;
      expect(hash).toBe(chainHash(prevHash, domain as DomainEvent));
      if (i > 0) expect(prevHash).toBe(stored[i - 1]!.hash);
    });
  });

  it('raises loudly when a different event is offered at a recorded position', async () => {
    await expect(appendEvents(t.db, [event(2, 'forged')])).rejects.toBeInstanceOf(EventConflictError);
  });

  it('refuses a gap in the stream', async () => {
    await expect(appendEvents(t.db, [event(9)])).rejects.toThrow(/gap/);
  });

  it('refuses updates and deletes of recorded events', async () => {
    await expect(sql`UPDATE events SET type = 'X' WHERE stream_id = 's1'`.execute(t.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`DELETE FROM events WHERE stream_id = 's1'`.execute(t.db)).rejects.toThrow(/append-only/);
    expect((await readStream(t.db, 's1')).length).toBe(3);
  });
});

import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import type { Database } from '../../db/database';
import { EventConflictError, EventStore, readStream } from '../../db/event-store';
import { compareModels, dropScratchSchema, rebuildInto } from '../../db/projections/rebuild';
import type { DomainEvent } from '../../domain/events';
import { demoCycle } from '../support/event-builder';
import { freshDatabase, type TestDatabase } from '../support/db';

/** A second handle on the test database that counts the statements it sends (one each round trip). */
function countingHandle(url: string): { db: Kysely<Database>; statements: () => number } {
  let n = 0;
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new Pool({ connectionString: url, max: 3 }) }),
    log: () => {
      n++;
    },
  });
  return { db, statements: () => n };
}

/** Runs of consecutive events of one stream, as workflows append them. */
function runs(events: readonly DomainEvent[]): DomainEvent[][] {
  const out: DomainEvent[][] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (last && last[0]!.streamId === e.streamId) last.push(e);
    else out.push([e]);
  }
  return out;
}

async function expectModelsAsRebuilt(db: Kysely<Database>, schema: string): Promise<void> {
  await rebuildInto(db, schema);
  try {
    expect((await compareModels(db, 'public', schema)).filter((m) => !m.equal)).toEqual([]);
  } finally {
    await dropScratchSchema(db, schema);
  }
}

describe('the event store writes each append in one statement', () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await freshDatabase();
  });
  afterEach(async () => t.drop());

  it('sends one statement per call once it follows the stream, and projects exactly', async () => {
    const counted = countingHandle(t.url);
    try {
      const store = new EventStore(counted.db);
      const calls = runs(demoCycle().events);
      const perCall: number[] = [];
      for (const call of calls) {
        const before = counted.statements();
        await store.append(call);
        perCall.push(counted.statements() - before);
      }
      // Every stream started in this process, so nothing is read back: one round trip per call.
      expect(perCall).toEqual(calls.map(() => 1));
      await expectModelsAsRebuilt(t.db, 'one_statement');
    } finally {
      await counted.db.destroy();
    }
  });

  it('group-commits concurrent calls, each with its own result', async () => {
    const { events } = demoCycle();
    const counted = countingHandle(t.url);
    try {
      const store = new EventStore(counted.db);
      const [cycleStart, ...rest] = runs(events);
      await store.append(cycleStart!);
      const starts = rest.filter((r) => r[0]!.seq === 1);
      const p1 = starts.find((r) => r[0]!.projectId === 'p1')!;
      await store.append(p1);
      const others = starts.filter((r) => r !== p1);
      const forged = { ...p1[0]!, data: { ...(p1[0]!.data as object), title: '篡改' } } as DomainEvent;

      const before = counted.statements();
      const results = await Promise.allSettled([
        ...others.map((r) => store.append(r)),
        store.append([forged]),
        store.append(p1),
      ]);
      const statements = counted.statements() - before;

      expect(results.slice(0, others.length)).toEqual(
        others.map((r) => ({ status: 'fulfilled', value: { appended: r.length, duplicates: 0 } })),
      );
      expect(results[others.length]).toMatchObject({ status: 'rejected' });
      expect((results[others.length] as PromiseRejectedResult).reason).toBeInstanceOf(EventConflictError);
      expect(results[others.length + 1]).toEqual({
        status: 'fulfilled',
        value: { appended: 0, duplicates: p1.length },
      });
      // Calls of different streams share a statement (after one read of p1's log for the forged
      // call); p1's repeat, the same stream, follows with one read of its own. One statement per
      // call plus those two reads would be 5.
      expect(statements).toBeLessThanOrEqual(4);
      const cycle = await t.db.selectFrom('cycles').select('projects_started').executeTakeFirstOrThrow();
      expect(cycle.projects_started).toBe(starts.length);
      await expectModelsAsRebuilt(t.db, 'grouped');
    } finally {
      await counted.db.destroy();
    }
  });

  it('stays exact when two processes append the same streams in turn', async () => {
    const a = new EventStore(t.db);
    const second = countingHandle(t.url);
    try {
      const b = new EventStore(second.db);
      const calls = runs(demoCycle().events);
      // Alternate the two "workers" call by call: each finds streams the other moved on.
      for (const [i, call] of calls.entries()) await (i % 2 === 0 ? a : b).append(call);
      // A stream's first call again through the process that did not write it: it believes the
      // stream is new, the log says otherwise, and it answers from the log.
      const first = calls.find((c) => c[0]!.streamId === 'project:p2' && c[0]!.seq === 1)!;
      const writer = calls.indexOf(first) % 2 === 0 ? b : a;
      expect(await writer.append(first)).toEqual({ appended: 0, duplicates: first.length });
      expect((await readStream(t.db, 'project:p2')).map((e) => e.seq)).toEqual(
        calls.filter((c) => c[0]!.streamId === 'project:p2').flatMap((c) => c.map((e) => e.seq)),
      );
      await expectModelsAsRebuilt(t.db, 'two_writers');
    } finally {
      await second.db.destroy();
    }
  });
});

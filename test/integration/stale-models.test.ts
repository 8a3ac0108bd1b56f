import { sql } from 'kysely';
import {
  compareModels,
  rebuildLive,
  rebuildInto,
  staleModels,
  dropScratchSchema,
} from '../../db/projections/rebuild';
import { appendInOrder, demoCycle } from '../support/event-builder';
import { appendEvents } from '../../db/event-store';
import { projectStatusModel } from '../../db/projections/project-status';
import { readModels } from '../../db/projections/models';
import { checkpointOf, LIVE_SCHEMA } from '../../db/projections/read-model';
import { freshDatabase, type TestDatabase } from '../support/db';

/** Rows built by an older projection version are found, and a rebuild makes them current. */
describe('stale read models', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase();
    await appendInOrder(t.db, demoCycle().events);
  });
  afterAll(async () => t.drop());

  it('keeps the version a model was built with while appends go on, and rebuilds what is stale', async () => {
    expect(await staleModels(t.db)).toEqual([]);
    // As if project_status had been built by version 1 of its projection: its colours drift.
    await sql`UPDATE projection_checkpoints SET version = 1 WHERE name = 'project_status'`.execute(t.db);
    await sql`UPDATE milestones SET rag = 'amber', rag_rule = 'due_soon'`.execute(t.db);
    await appendEvents(t.db, [
      {
        eventId: 'late#1',
        streamId: 'late',
        seq: 1,
        schemaVersion: 1,
        at: '2017-08-01T00:00:00.000Z',
        actor: { userId: 'i', role: 'inspector', unit: '督导处' },
        cycleId: 'c2017',
        projectId: 'px',
        milestoneId: null,
        causationId: null,
        type: 'ProjectResumed',
        data: { reason: '继续' },
      },
    ]);
    expect(await staleModels(t.db)).toEqual([
      { name: 'project_status', built: 1, current: projectStatusModel.version },
    ]);

    await rebuildLive(t.db, { only: ['project_status'] });
    expect(await staleModels(t.db)).toEqual([]);
    await rebuildInto(t.db, 'fresh_copy');
    try {
      expect((await compareModels(t.db, 'public', 'fresh_copy')).every((m) => m.equal)).toBe(true);
    } finally {
      await dropScratchSchema(t.db, 'fresh_copy');
    }
  });

  it('reports every live model at the log head after each append, and a live rebuild at its own position until the next', async () => {
    const head = async () =>
      BigInt(
        (await sql<{ p: string }>`SELECT max(position)::text AS p FROM events`.execute(t.db)).rows[0]!.p,
      );
    const checkpoints = async () =>
      Promise.all(readModels.map((m) => checkpointOf(t.db, LIVE_SCHEMA, m.name)));
    const resumed = (seq: number) => ({
      eventId: `late#${seq}`,
      streamId: 'late',
      seq,
      schemaVersion: 1,
      at: '2017-08-02T00:00:00.000Z',
      actor: { userId: 'i', role: 'inspector' as const, unit: '督导处' },
      cycleId: 'c2017',
      projectId: 'px',
      milestoneId: null,
      causationId: null,
      type: 'ProjectResumed' as const,
      data: { reason: '继续' },
    });
    expect(await checkpoints()).toEqual(readModels.map(() => expect.any(BigInt)));
    expect(new Set(await checkpoints())).toEqual(new Set([await head()]));

    // Rebuilt up to an earlier position: that model is there, the others still at the head.
    const earlier = (await head()) - 3n;
    await rebuildLive(t.db, { only: ['project_status'], upToPosition: String(earlier) });
    const now = await head();
    expect(await checkpoints()).toEqual(readModels.map((m) => (m.name === 'project_status' ? earlier : now)));

    await appendEvents(t.db, [resumed(2)]);
    expect(new Set(await checkpoints())).toEqual(new Set([await head()]));
    // A re-append of a recorded event writes nothing and moves no checkpoint.
    const before = await checkpoints();
    expect(await appendEvents(t.db, [resumed(2)])).toEqual({ appended: 0, duplicates: 1 });
    expect(await checkpoints()).toEqual(before);
  });
});

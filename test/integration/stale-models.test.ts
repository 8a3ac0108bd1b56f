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
});

import { appendEvents } from '../../db/event-store';
import { compareModels, dropScratchSchema, rebuildInto } from '../../db/projections/rebuild';
import { demoCycle } from '../support/event-builder';
import { freshDatabase, type TestDatabase } from '../support/db';

/** Project streams of one cycle append at the same moment; the cycle's shared rows lose nothing. */
describe('concurrent appends into a shared read model', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase();
  });
  afterAll(async () => t.drop());

  it('counts every project of a cycle when their streams start together', async () => {
    const { events } = demoCycle();
    const cycleStarted = events.find((e) => e.type === 'CycleStarted')!;
    await appendEvents(t.db, [cycleStarted]);
    const starts = events.filter((e) => e.type === 'ProjectStarted');
    await Promise.all(starts.map((e) => appendEvents(t.db, [e])));

    const cycle = await t.db.selectFrom('cycles').select('projects_started').executeTakeFirstOrThrow();
    expect(cycle.projects_started).toBe(starts.length);
    await rebuildInto(t.db, 'concurrency_check');
    try {
      expect((await compareModels(t.db, 'public', 'concurrency_check')).filter((m) => !m.equal)).toEqual([]);
    } finally {
      await dropScratchSchema(t.db, 'concurrency_check');
    }
  });
});

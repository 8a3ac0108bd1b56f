import { appendInOrder, demoCycle } from '../support/event-builder';
import { compareModels, dropScratchSchema, rebuildInto } from '../../db/projections/rebuild';
import type { DomainEvent } from '../../domain/events';
import {
  overdueAssignments,
  projectBoard,
  reworkLog,
  targetProgress,
  unitScoreboard,
} from '../../reports/queries';
import { freshDatabase, type TestDatabase } from '../support/db';

/** The same plan items in two cycles are two sets of projects: neither overwrites the other. */
describe('two cycles over the same plan items', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase();
  });
  afterAll(async () => t.drop());

  it('keeps every read-model row of each cycle, and a rebuild agrees', async () => {
    const first = demoCycle().events;
    const again = (e: DomainEvent): DomainEvent => {
      const data =
        'notificationId' in e.data ? { ...e.data, notificationId: `c2018/${e.data.notificationId}` } : e.data;
      return {
        ...e,
        cycleId: 'c2018',
        streamId: `c2018:${e.streamId}`,
        eventId: `c2018:${e.eventId}`,
        data,
      } as DomainEvent;
    };
    await appendInOrder(t.db, first);
    const count = async (
      table: 'projects' | 'milestones' | 'assignments' | 'submissions' | 'notices' | 'unit_score_lines',
    ) =>
      Number(
        (
          await t.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const tables = [
      'projects',
      'milestones',
      'assignments',
      'submissions',
      'notices',
      'unit_score_lines',
    ] as const;
    const once = await Promise.all(tables.map(count));
    expect(once.every((n) => n > 0)).toBe(true);
    const scope = { schema: 'public', cycleId: 'c2017' };
    const at = '2017-12-31T00:00:00.000Z';
    const reports = () =>
      Promise.all([
        projectBoard(t.db, scope),
        reworkLog(t.db, scope),
        targetProgress(t.db, scope),
        overdueAssignments(t.db, { ...scope, at }),
        unitScoreboard(t.db, { ...scope, at }),
      ]);
    const alone = await reports();

    await appendInOrder(t.db, first.map(again));
    expect(await Promise.all(tables.map(count))).toEqual(once.map((n) => n * 2));
    const perCycle = await t.db
      .selectFrom('projects')
      .select(['cycle_id'])
      .select((eb) => eb.fn.countAll().as('n'))
      .groupBy('cycle_id')
      .orderBy('cycle_id')
      .execute();
    expect(perCycle.map((r) => [r.cycle_id, Number(r.n)])).toEqual([
      ['c2017', once[0]],
      ['c2018', once[0]],
    ]);
    // Each cycle's reports join within the cycle: the other cycle's identical items add nothing.
    expect(await reports()).toEqual(alone);
    await rebuildInto(t.db, 'two_cycles');
    try {
      expect((await compareModels(t.db, 'public', 'two_cycles')).filter((m) => !m.equal)).toEqual([]);
    } finally {
      await dropScratchSchema(t.db, 'two_cycles');
    }
  });
});

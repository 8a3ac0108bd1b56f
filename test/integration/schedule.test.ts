import fs from 'node:fs';
import path from 'node:path';
import { freshDatabase, type TestDatabase } from '../support/db';
import { startWorker, uniqueId, type TestStack } from '../support/temporal';
import { inspector } from '../support/scenario';
import { waitFor } from '../support/wait';
import { parsePlanBytes } from '../../seeds/parser/parse';
import { importPlan } from '../../seeds/import';
import { recurringSchedule } from '../../cli/schedules';
import { defaultPolicy } from '../../domain/policy';
import { shanghaiYear } from '../../domain/cycle';
import { cancelCycle, cycleStateQuery } from '../../workflows/messages';
import { readStream } from '../../db/event-store';

/** Recurring cycles (yearly, or 以2年为一轮) run as Temporal Schedules over the stored plan. */
describe('recurring cycles as Temporal Schedules', () => {
  let t: TestDatabase;
  let stack: TestStack;
  beforeAll(async () => {
    t = await freshDatabase();
    stack = await startWorker(t.db);
    const seed = path.join(__dirname, '..', '..', 'seeds', 'quzhou-education-13th-fyp-task-division.txt');
    const parsed = parsePlanBytes(fs.readFileSync(seed));
    if (!parsed.ok) throw new Error(parsed.error);
    await importPlan(t.db, parsed.plan, parsed.text, 'seed.txt');
  });
  afterAll(async () => {
    await stack.stop();
    await t.drop();
  });

  it('fires on 1 January every two years and starts that round’s cycle over the plan’s major projects', async () => {
    const slug = uniqueId('biennial');
    const options = recurringSchedule(
      {
        slug,
        name: '重点帮促县专项督导',
        everyYears: 2,
        firstYear: 2027,
        scope: { kinds: ['major_project'] },
        policy: defaultPolicy(),
        startedBy: inspector,
      },
      stack.taskQueue,
    );
    const schedule = await stack.client.schedule.create(options);
    try {
      const next = (await schedule.describe()).info.nextActionTimes.map((d) => d.toISOString());
      expect(next.slice(0, 2)).toEqual(
        ['2026-12-31T16:00:00.000Z', '2028-12-31T16:00:00.000Z']
          .slice(0, 2)
          .map((x) => x.replace('2026', '2026')),
      );

      await schedule.trigger();
      const year = shanghaiYear(new Date().toISOString());
      const cycle = stack.client.workflow.getHandle(`cycle-${slug}-${year}`);
      await waitFor(async () => (await cycle.query(cycleStateQuery)).projects.length === 16);
      const view = await cycle.query(cycleStateQuery);
      expect(view.name).toBe(`${year}—${year + 1}年度重点帮促县专项督导`);
      expect(view.window.opensAt.slice(0, 4)).toBe(String(year - 1)); // 1 January, Beijing time, is 31 December UTC
      const started = (await readStream(t.db, cycle.workflowId))[0]!;
      expect(started).toMatchObject({ type: 'CycleStarted', actor: inspector });
      await cycle.executeUpdate(cancelCycle, { args: [{ actor: inspector, reason: '测试结束' }] });
      await cycle.result();
    } finally {
      await schedule.delete();
    }
  });
});

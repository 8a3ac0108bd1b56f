import fs from 'node:fs';
import { sendCycleCancellation } from '../../app/commands';
import path from 'node:path';
import { freshDatabase, type TestDatabase } from '../support/db';
import { startWorker, uniqueId, type TestStack } from '../support/temporal';
import { inspector } from '../support/scenario';
import { waitFor } from '../support/wait';
import { parsePlanBytes } from '../../seeds/parser/parse';
import { importPlan } from '../../seeds/import';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { recurringSchedule } from '../../cli/schedules';
import { defaultPolicy, type CyclePolicy } from '../../domain/policy';
import { importWorkCalendar } from '../../db/work-calendar';
import { shanghaiYear } from '../../domain/cycle';
import { cycleStateQuery } from '../../workflows/messages';
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

  const spec = (slug: string, everyYears: number, firstYear: number) =>
    recurringSchedule(
      {
        slug,
        name: '重点帮促县专项督导',
        everyYears,
        firstYear,
        scope: { kinds: ['major_project'] },
        policy: defaultPolicy(),
        startedBy: inspector,
      },
      stack.taskQueue,
    );

  it('fires on 1 January (Beijing time) every two years, buffering rounds rather than skipping them', async () => {
    // Years ahead of whenever the test runs: the next fire times never depend on today's date.
    const first = shanghaiYear(new Date().toISOString()) + 3;
    const schedule = await stack.client.schedule.create(spec(uniqueId('biennial'), 2, first));
    try {
      const described = await schedule.describe();
      expect(described.info.nextActionTimes.slice(0, 2).map((d) => d.toISOString())).toEqual([
        `${first - 1}-12-31T16:00:00.000Z`,
        `${first + 1}-12-31T16:00:00.000Z`,
      ]);
      expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.BUFFER_ALL);
      expect(described.policies.catchupWindow).toBe(365 * 24 * 3600 * 1000);
    } finally {
      await schedule.delete();
    }
  });

  it('runs two consecutive rounds: each starts its own year’s cycle over the plan and ends at once', async () => {
    const slug = uniqueId('yearly');
    const schedule = await stack.client.schedule.create(spec(slug, 1, 2027));
    const cycles = [2027, 2028].map((year) => stack.client.workflow.getHandle(`cycle-${slug}-${year}`));
    try {
      // The office has imported the 2027 notice, not yet 2028's.
      await importWorkCalendar(t.db, {
        year: 2027,
        holidays: ['2027-10-01'],
        makeupWorkdays: [],
        source: '测试用通知',
        sourceText: '2027 测试',
        importedBy: '测试',
      });
      // The rounds of 2027 and 2028, as if the cluster had been down on both New Year's Days.
      await schedule.backfill([
        {
          start: new Date('2026-12-31T15:59:00.000Z'),
          end: new Date('2028-01-01T00:00:00.000Z'),
          overlap: ScheduleOverlapPolicy.BUFFER_ALL,
        },
      ]);
      for (const [i, cycle] of cycles.entries()) {
        const year = 2027 + i;
        await waitFor(async () => (await cycle.query(cycleStateQuery)).projects.length === 16, 60_000);
        const view = await cycle.query(cycleStateQuery);
        expect(view.name).toBe(`${year}年度重点帮促县专项督导`);
        expect(view.window.opensAt).toBe(`${year - 1}-12-31T16:00:00.000Z`);
        const started = (await readStream(t.db, cycle.workflowId))[0]!;
        expect(started).toMatchObject({ type: 'CycleStarted', actor: inspector });
        // Each round copied the office's calendar for its years: 2027's notice, nothing for 2028 or 2029.
        const { policy } = started.data as { policy: CyclePolicy };
        expect(Object.keys(policy.calendar!.years)).toEqual(year === 2027 ? ['2027'] : []);
      }
      // Each round ended as soon as its cycle was started; the cycles go on without it.
      const rounds: unknown[] = [];
      for await (const wf of stack.client.workflow.list({
        query: `WorkflowType = 'recurringCycleWorkflow' AND TaskQueue = '${stack.taskQueue}'`,
      }))
        rounds.push(await stack.client.workflow.getHandle(wf.workflowId, wf.runId).result());
      expect(rounds).toEqual(
        expect.arrayContaining([
          { cycleId: `${slug}-2027`, year: 2027, alreadyStarted: false },
          { cycleId: `${slug}-2028`, year: 2028, alreadyStarted: false },
        ]),
      );
    } finally {
      await schedule.delete();
      for (const cycle of cycles)
        await sendCycleCancellation(cycle, { actor: inspector, reason: '测试结束' }).catch(() => undefined);
    }
  });
});

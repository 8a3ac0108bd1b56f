import fs from 'node:fs';
import { sendCycleCancellation, sendProjectCommand } from '../../app/commands';
import path from 'node:path';
import { freshDatabase, type TestDatabase } from '../support/db';
import { startWorker, uniqueId, type TestStack } from '../support/temporal';
import { drillCycle, inspector, preschoolPlan } from '../support/scenario';
import { issueRectifications, listRectifications } from '../../app/rectifications';

import { rectificationIdOf, rectificationWorkflowId } from '../../domain/rectification';
import type { CycleScope } from '../../domain/events';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { waitFor } from '../support/wait';
import { parsePlanBytes } from '../../seeds/parser/parse';
import { importPlan } from '../../seeds/import';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { recurringSchedule } from '../../cli/schedules';
import { defaultPolicy, type CyclePolicy } from '../../domain/policy';
import type { ClockAnchor } from '../../domain/clock';
import { importWorkCalendar } from '../../db/work-calendar';
import { shanghaiYear } from '../../domain/cycle';
import { cycleStateQuery } from '../../workflows/messages';
import { readStream } from '../../db/event-store';
import { setBaseline } from '../../app/indicators';
import { projectWorkflowId } from '../../workflows/ids';
import type { MilestonePlan } from '../../domain/events';
import type { Target } from '../../domain/plan';

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

  const spec = (
    slug: string,
    everyYears: number,
    firstYear: number,
    scope: CycleScope = { kinds: ['major_project'] },
    drill?: { yearSeconds: number },
  ) =>
    recurringSchedule(
      {
        slug,
        name: '重点帮促县专项督导',
        everyYears,
        firstYear,
        scope,
        policy: defaultPolicy(),
        startedBy: inspector,
        carryOver: true,
        ...(drill ? { drill } : {}),
      },
      stack.taskQueue,
    );

  /** The Schedule's rounds run on this test's task queue, with what each answered. */
  async function roundsOf(slug: string): Promise<unknown[]> {
    const answers: unknown[] = [];
    for await (const wf of stack.client.workflow.list({
      query: `WorkflowType = 'recurringCycleWorkflow' AND TaskQueue = '${stack.taskQueue}' AND WorkflowId STARTS_WITH 'cycle-schedule-${slug}'`,
    }))
      answers.push(await stack.client.workflow.getHandle(wf.workflowId, wf.runId).result());
    return answers;
  }

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
      expect(await roundsOf(slug)).toEqual(
        expect.arrayContaining([
          // Nothing to carry over: no round before 2027, and 2027's cycle issued no 整改.
          { cycleId: `${slug}-2027`, year: 2027, alreadyStarted: false, carried: [] },
          { cycleId: `${slug}-2028`, year: 2028, alreadyStarted: false, carried: [] },
        ]),
      );
    } finally {
      await schedule.delete();
      for (const cycle of cycles)
        await sendCycleCancellation(cycle, { actor: inspector, reason: '测试结束' }).catch(() => undefined);
    }
  });

  it('asks indicators for each plan year’s value on their plan line and runs tasks on the light flow, as cycle start does', async () => {
    const slug = uniqueId('items');
    // 九年义务教育巩固率 starts at 99.5 in 2015; its plan line then gives 99.6 for 2016, 99.7 for 2017.
    await setBaseline(t.db, { itemId: '1.2', metric: '九年义务教育巩固率', value: 99.5 }, '督导处');
    // Rounds of two plan years, on a drill calendar slow enough that nothing falls due meanwhile.
    const schedule = await stack.client.schedule.create(
      spec(slug, 2, 2016, { kinds: ['indicator', 'task'], itemIds: ['1.2', '2.1.1'] }, { yearSeconds: 3600 }),
    );
    const cycle = stack.client.workflow.getHandle(`cycle-${slug}-2016`);
    try {
      const firedAt = Date.now();
      // The 2016—2017 round, long past: a backfill over 1 January 2016, Beijing time.
      await schedule.backfill([
        {
          start: new Date('2015-12-31T15:59:00.000Z'),
          end: new Date('2015-12-31T16:01:00.000Z'),
          overlap: ScheduleOverlapPolicy.BUFFER_ALL,
        },
      ]);
      await waitFor(async () => (await roundsOf(slug)).length === 1, 60_000);
      expect(await roundsOf(slug)).toEqual([
        { cycleId: `${slug}-2016`, year: 2016, alreadyStarted: false, carried: [] },
      ]);
      const started = async (itemId: string) => {
        const id = projectWorkflowId(cycle.workflowId, itemId);
        await waitFor(async () => (await readStream(t.db, id)).length > 0, 30_000);
        return (await readStream(t.db, id))[0]!.data as { milestones: MilestonePlan[]; targets: Target[] };
      };
      const indicator = await started('1.2');
      expect(indicator.milestones.map((m) => m.milestoneId)).toEqual(['1.2/2016', '1.2/2017']);
      expect(indicator.targets.map((x) => [x.metric, x.year, x.value])).toEqual([
        ['九年义务教育巩固率', 2016, 99.6],
        ['九年义务教育巩固率', 2017, 99.7],
      ]);
      const task = await started('2.1.1');
      expect(task.milestones.map((m) => [m.milestoneId, m.text])).toEqual([
        ['2.1.1/2016', '2016年度工作进展情况'],
        ['2.1.1/2017', '2017年度工作进展情况'],
      ]);
      const first = (await readStream(t.db, cycle.workflowId))[0]!;
      expect(first.type).toBe('CycleStarted');
      const data = first.data as { name: string; policy: CyclePolicy; drill: unknown; clock: ClockAnchor };
      expect(data.name).toBe('2016—2017年度重点帮促县专项督导');
      expect(data.policy.taskFlow).toBe('light');
      // The drill calendar starts the round's plan years at their opening, when the round started them.
      expect(data.drill).toEqual({ yearSeconds: 3600 });
      expect(data.clock.planOrigin).toBe('2015-12-31T16:00:00.000Z');
      expect(Date.parse(data.clock.realOrigin)).toBeGreaterThanOrEqual(firedAt);
      expect(Date.parse(data.clock.realOrigin)).toBeLessThanOrEqual(Date.now());
    } finally {
      await schedule.delete();
      await sendCycleCancellation(cycle, { actor: inspector, reason: '测试结束' }).catch(() => undefined);
    }
  });

  it('carries the previous round’s unrectified 整改 into the next round’s cycle by itself', async () => {
    const slug = uniqueId('carry');
    // The 2029 round's cycle, run here as a fast drill: nobody reports, so its one project closes
    // short, and 督导处 issues the 整改 (signed, as from the CLI).
    const previous = `${slug}-2029`;
    const item = { ...preschoolPlan, units: ['基教处'], milestones: [preschoolPlan.milestones[1]!] };
    await stack.client.workflow
      .start(inspectionCycleWorkflow, {
        taskQueue: stack.taskQueue,
        workflowId: `cycle-${previous}`,
        args: [{ ...drillCycle(previous, [item], 4) }],
      })
      .then((h) => h.result());
    const deps = { db: t.db, client: stack.client, taskQueue: stack.taskQueue };
    const { issued } = await issueRectifications(deps, inspector, previous, { deadline: '2040-06-30' });
    expect(issued).toEqual([rectificationIdOf(previous, 'mp-01/2017')]);
    const first = issued[0]!;
    const row = async (id: string) => (await listRectifications(t.db, {})).find((r) => r.project_id === id);
    await waitFor(async () => (await row(first))?.status === 'issued');

    // The 2030 round, fired by the Schedule (a backfill, as after an outage): it starts its cycle and
    // carries the 2029 round's open 整改 into it as a second round, with no one signing anything.
    const itemId = (
      await t.db
        .selectFrom('plan_items')
        .select('item_id')
        .where('kind', '=', 'major_project')
        .executeTakeFirstOrThrow()
    ).item_id;
    const schedule = await stack.client.schedule.create(
      spec(slug, 1, 2030, { kinds: ['major_project'], itemIds: [itemId] }),
    );
    const cycle = stack.client.workflow.getHandle(`cycle-${slug}-2030`);
    const next = `${first}-R2`;
    try {
      await schedule.backfill([
        {
          start: new Date('2029-12-31T15:59:00.000Z'),
          end: new Date('2030-01-01T00:00:00.000Z'),
          overlap: ScheduleOverlapPolicy.BUFFER_ALL,
        },
      ]);
      await waitFor(
        async () => (await row(next)) !== undefined && (await row(first))?.status === 'carried',
        60_000,
      );
      expect(await row(next)).toMatchObject({
        origin_cycle_id: previous,
        context_cycle_id: `${slug}-2030`,
        round: 2,
        carried_from: first,
        unit: '基教处',
        status: 'issued',
      });
      // Issued in the name of whoever set the Schedule, as its cycle is started in that name.
      const stream = await readStream(t.db, rectificationWorkflowId(next));
      expect(stream[0]).toMatchObject({ type: 'RectificationIssued', actor: inspector });
      const rounds: string[] = [];
      for await (const wf of stack.client.workflow.list({
        query: `WorkflowType = 'recurringCycleWorkflow' AND TaskQueue = '${stack.taskQueue}' AND WorkflowId STARTS_WITH 'cycle-schedule-${slug}'`,
      }))
        rounds.push(wf.workflowId);
      expect(rounds).toHaveLength(1);
      expect(await stack.client.workflow.getHandle(rounds[0]!).result()).toEqual({
        cycleId: `${slug}-2030`,
        year: 2030,
        alreadyStarted: false,
        carried: [next],
      });
    } finally {
      await schedule.delete();
      await sendCycleCancellation(cycle, { actor: inspector, reason: '测试结束' }).catch(() => undefined);
      await sendProjectCommand(stack.client.workflow.getHandle(rectificationWorkflowId(next)), {
        type: 'cancel',
        actor: inspector,
        reason: '测试结束',
      }).catch(() => undefined);
    }
  });
});

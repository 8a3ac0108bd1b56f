/**
 * Records the history under test/histories/v6-round-carry-over: a scheduled round
 * (`recurringCycleWorkflow` with `carryOver`, `patched('round-carries-over')`) that starts its
 * cycle, then carries the previous round's open 整改 into it as its own child and closes the round
 * it continues by signal. Run with `npx jest -c jest.record.config.js test/record/round-carry-over.record.ts`;
 * the replay tests then keep proving this run replays.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { sendCycleCancellation, sendProjectCommand } from '../../app/commands';
import { issueRectifications } from '../../app/rectifications';
import { recordHistories } from '../../audit/histories';
import { recurringSchedule } from '../../cli/schedules';
import { defaultPolicy } from '../../domain/policy';
import { rectificationWorkflowId } from '../../domain/rectification';
import { importPlan } from '../../seeds/import';
import { parsePlanBytes } from '../../seeds/parser/parse';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { drillCycle, inspector, preschoolPlan } from '../support/scenario';
import { uniqueId, workerPerSuite } from '../support/temporal';
import { waitFor } from '../support/wait';

const dir = path.join(__dirname, '..', 'histories', 'v6-round-carry-over');
const SEED = path.join(__dirname, '..', '..', 'seeds', 'quzhou-education-13th-fyp-task-division.txt');

describe('record the history of a scheduled round that carries 整改 over', () => {
  const suite = workerPerSuite(async (t) => {
    const parsed = parsePlanBytes(fs.readFileSync(SEED));
    if (!parsed.ok) throw new Error(parsed.error);
    await importPlan(t.db, parsed.plan, parsed.text, 'seed.txt');
  });

  it('recurring-round-carry-over: the 2031 round takes over the 2030 round’s open 整改', async () => {
    const slug = uniqueId('carry');
    const previous = `${slug}-2030`;
    const item = { ...preschoolPlan, units: ['基教处'], milestones: [preschoolPlan.milestones[1]!] };
    const cycle = await suite.stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: suite.stack.taskQueue,
      workflowId: `cycle-${previous}`,
      args: [drillCycle(previous, [item], 4)],
    });
    await cycle.result();
    const deps = { db: suite.t.db, client: suite.stack.client, taskQueue: suite.stack.taskQueue };
    const [first] = (await issueRectifications(deps, inspector, previous, { deadline: '2040-06-30' })).issued;
    const itemId = (
      await suite.t.db
        .selectFrom('plan_items')
        .select('item_id')
        .where('kind', '=', 'major_project')
        .executeTakeFirstOrThrow()
    ).item_id;
    const schedule = await suite.stack.client.schedule.create(
      recurringSchedule(
        {
          slug,
          name: '重大项目专项督导',
          everyYears: 1,
          firstYear: 2031,
          scope: { kinds: ['major_project'], itemIds: [itemId] },
          policy: defaultPolicy(),
          startedBy: inspector,
          carryOver: true,
        },
        suite.stack.taskQueue,
      ),
    );
    await schedule.backfill([
      {
        start: new Date('2030-12-31T15:59:00.000Z'),
        end: new Date('2031-01-01T00:00:00.000Z'),
        overlap: ScheduleOverlapPolicy.BUFFER_ALL,
      },
    ]);
    const next = suite.stack.client.workflow.getHandle(rectificationWorkflowId(`${first}-R2`));
    await waitFor(async () => (await next.describe().catch(() => null)) !== null, 60_000);
    const rounds: string[] = [];
    for await (const wf of suite.stack.client.workflow.list({
      query: `WorkflowType = 'recurringCycleWorkflow' AND TaskQueue = '${suite.stack.taskQueue}'`,
    }))
      rounds.push(wf.workflowId);
    const round = suite.stack.client.workflow.getHandle(rounds[0]!);
    await round.result();
    await schedule.delete();
    await sendCycleCancellation(suite.stack.client.workflow.getHandle(`cycle-${slug}-2031`), {
      actor: inspector,
      reason: '记录结束',
    });
    await sendProjectCommand(next, { type: 'cancel', actor: inspector, reason: '记录结束' });
    await recordHistories(suite.stack.client, { 'recurring-round-carry-over': round.workflowId }, dir);
  }, 120_000);
});

import fs from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import path from 'node:path';
import { addInstruction } from '../../app/instructions';
import { buildCycleInput } from '../../app/cycles';
import { listProjectViews, queryProject } from '../../app/projects';
import { verifyModels } from '../../audit/verify';
import { act, behaviourFor, nextAction } from '../../cli/demo/simulated-units';
import { defaultPolicy, ProgressCadence } from '../../domain/policy';
import { instructionWorkflowId } from '../../domain/instruction';
import { importPlan } from '../../seeds/import';
import { parsePlanBytes } from '../../seeds/parser/parse';
import { progressReport } from '../../reports/progress';
import { instructionsReport } from '../../reports/instructions';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { freshDatabase, type TestDatabase } from '../support/db';
import { inspector, unit } from '../support/scenario';
import { startWorker, uniqueId, type TestStack } from '../support/temporal';
import { waitFor } from '../support/wait';

const SEED = path.join(__dirname, '..', '..', 'seeds', 'quzhou-education-13th-fyp-task-division.txt');

/**
 * Issue 17's drill: a cycle over the seed's 16 major projects with monthly 定期反馈 and one leader
 * instruction supervised on the cycle's clock, the units simulated as in the demo (on time, late,
 * rework, an extension, a target missed). At the end every period of the year is accounted for
 * (on time, late or missed), the instruction is answered and 办结, and the read models rebuilt from
 * the log equal what the appends wrote.
 */
describe('a supervision drill with monthly feedback and a leader instruction', () => {
  let t: TestDatabase;
  let stack: TestStack;
  beforeAll(async () => {
    t = await freshDatabase();
    const parsed = parsePlanBytes(fs.readFileSync(SEED));
    if (!parsed.ok) throw new Error(parsed.error);
    await importPlan(t.db, parsed.plan, parsed.text, 'seed.txt');
    stack = await startWorker(t.db);
  });
  afterAll(async () => {
    await stack?.stop();
    await t?.drop();
  });

  it('runs a year of the seed with every month reported or missed, and the instruction 办结', async () => {
    const cycleId = uniqueId('sup-drill');
    const input = await buildCycleInput(
      {
        name: '重大项目专项督导（定期反馈演练）',
        cycleId,
        window: {
          opensAt: '2016-12-31T16:00:00.000Z',
          submissionDueAt: '2017-12-29T09:00:00.000Z',
          reviewDueAt: '2018-01-31T09:00:00.000Z',
        },
        scope: { kinds: ['major_project'] },
        policy: {
          ...defaultPolicy(),
          // Wide windows (催办 ten days ahead, missed twenty days after) keep the simulated units in
          // time on a loaded machine: a plan day is 0.2 real seconds here.
          progressCadence: ProgressCadence.parse({
            every: 'month',
            day: 25,
            reminder: { amount: 10, unit: 'days' },
            missAfter: { amount: 20, unit: 'days' },
          }),
        },
        // A plan month in about 6 real seconds: the units keep up, the year takes about 80 s.
        drill: { yearSeconds: 73 },
      },
      inspector,
      t.db,
    );
    expect(input.items).toHaveLength(16);
    const cycle = await stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `cycle-${cycleId}`,
      args: [input],
    });
    // The instruction keeps time by the cycle's clock, which the cycle's first event records.
    await waitFor(async () =>
      Boolean(
        await t.db
          .selectFrom('events')
          .select('event_id')
          .where('cycle_id', '=', cycleId)
          .where('type', '=', 'CycleStarted')
          .executeTakeFirst(),
      ),
    );
    const instructionId = uniqueId('PS');
    await addInstruction({ db: t.db, client: stack.client, taskQueue: stack.taskQueue }, inspector, {
      instructionId,
      leader: '王局长',
      issuedOn: '2017-01-01',
      text: '请基教处牵头，两个月内拿出学前教育扩面方案',
      unit: '基教处',
      deadline: '2017-02-28',
      cycleId,
    });
    const instruction = stack.client.workflow.getHandle(instructionWorkflowId(instructionId));

    // Each project keeps the demo's behaviour by its place in the plan (two late, two reworked…).
    const behaviours = new Map(input.items.map((item, i) => [item.itemId, behaviourFor(i)]));
    let done = false;
    const finished = cycle.result().finally(() => (done = true));
    let instructionAnswered = false;
    while (!done) {
      const views = await listProjectViews(stack.client, { cycleId });
      await Promise.all(
        views.map(({ workflowId, view }) => {
          const command = nextAction(view, behaviours.get(view.state.projectId) ?? 'on_time');
          return command ? act(stack.client, workflowId, command) : false;
        }),
      );
      if (!instructionAnswered) instructionAnswered = await answer(instruction);
      await new Promise((r) => setTimeout(r, 200));
    }
    const summary = await finished;
    expect(summary.items).toHaveLength(16);

    const scope = { schema: 'public', cycleId, at: '2018-01-31T09:00:00.000Z' };
    // Twelve months for each of the 16 projects, none left open: each reported, missed, or waived
    // because its project was 办结 before the month came.
    const periods = await t.db
      .selectFrom('progress_periods')
      .select(['project_id', 'status', 'late'])
      .where('cycle_id', '=', cycleId)
      .execute();
    expect(periods).toHaveLength(16 * 12);
    expect(periods.filter((p) => p.status === 'open')).toEqual([]);
    const reported = periods.filter((p) => p.status === 'reported');
    // A project still open all year (a late unit waits for the 督办 ladder) reports month after month.
    const monthsReported = new Map<string, number>();
    for (const p of reported) monthsReported.set(p.project_id, (monthsReported.get(p.project_id) ?? 0) + 1);
    expect(Math.max(...monthsReported.values())).toBeGreaterThanOrEqual(10);
    const [units] = (await progressReport(t.db, scope)).tables;
    const sum = (key: string) => units!.rows.reduce((n, r) => n + Number(r[key]), 0);
    expect(sum('onTime') + sum('late')).toBe(reported.length);
    expect(sum('due')).toBe(sum('onTime') + sum('late') + sum('missed'));
    expect(sum('overdue')).toBe(0);

    const instructions = await instructionsReport(t.db, scope);
    expect(JSON.stringify(instructions.tables)).toContain('王局长');
    const row = await t.db
      .selectFrom('instructions')
      .select(['status'])
      .where('project_id', '=', instructionId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('done');
    expect((await verifyModels(t.db)).filter((m) => !m.equal)).toEqual([]);
  }, 240_000);

  /** The unit answers the instruction, then 督导处 approves it: true once approved. */
  async function answer(handle: WorkflowHandle): Promise<boolean> {
    const view = await queryProject(handle).catch(() => null);
    const m = view?.state.milestones[0];
    if (!m) return false;
    if (m.phase === 'approved' || m.phase === 'closed') return true;
    const command =
      m.phase === 'submitted'
        ? { type: 'approve' as const, actor: inspector, milestoneId: m.milestoneId, comment: '同意' }
        : m.phase === 'assigned' || m.phase === 'returned'
          ? {
              type: 'submitReport' as const,
              actor: unit('基教处'),
              milestoneId: m.milestoneId,
              narrative: '扩面方案已报局党委审议通过。',
              values: [],
              evidence: [],
            }
          : null;
    if (command) await act(stack.client, handle.workflowId, command);
    return false;
  }
});

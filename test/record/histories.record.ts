/**
 * Records the histories under test/histories/v2-inbox-loop with today's workflow code, against the
 * integration dev server: `npm run record-histories`. Each scenario checks its own outcome before
 * its history is kept. Re-record only when a new generation of the workflow code needs histories of
 * its own (a new patch); the files of earlier generations never change, so they keep proving that
 * runs recorded before a change still replay.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { sendCycleCancellation, sendCycleExtension, sendProjectCommand } from '../../app/commands';
import { uniqueId, workerPerSuite } from '../support/temporal';
import { drillCycle, inspector, preschoolPlan, unit } from '../support/scenario';
import { waitFor } from '../support/wait';
import { recordHistories } from '../../audit/histories';
import { projectWorkflowId } from '../../workflows/ids';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { projectStateQuery } from '../../workflows/messages';
import type { ProjectCommand } from '../../domain/commands';
import type { CycleItem } from '../../domain/cycle';
import { defaultPolicy } from '../../domain/policy';
import { parsePlanBytes } from '../../seeds/parser/parse';
import { importPlan } from '../../seeds/import';
import { recurringCycleWorkflow, type RoundStarted } from '../../workflows/recurring';

const dir = path.join(__dirname, '..', 'histories', 'v2-inbox-loop');
const SEED = path.join(__dirname, '..', '..', 'seeds', 'quzhou-education-13th-fyp-task-division.txt');
const lead = unit('基教处');
const only2017: CycleItem = {
  ...preschoolPlan,
  units: ['基教处', '计财处'],
  milestones: [preschoolPlan.milestones[1]!],
};
const M = 'mp-01/2017';

describe('record the histories of the inbox-loop generation', () => {
  const suite = workerPerSuite();

  async function start(
    items: CycleItem[],
    yearSeconds: number,
    tweak: (i: ReturnType<typeof drillCycle>) => void = () => undefined,
  ) {
    const input = drillCycle(uniqueId('c'), items, yearSeconds);
    tweak(input);
    const cycle = await suite.stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: suite.stack.taskQueue,
      workflowId: `cycle-${input.cycleId}`,
      args: [input],
    });
    const project = (itemId = items[0]!.itemId) =>
      suite.stack.client.workflow.getHandle(projectWorkflowId(cycle.workflowId, itemId));
    return { cycle, project };
  }
  const opened = (h: WorkflowHandle) =>
    waitFor(
      async () => (await h.query(projectStateQuery)).state.milestones.some((m) => m.phase === 'assigned'),
      60_000,
    );
  const send = (h: WorkflowHandle, c: ProjectCommand) => sendProjectCommand(h, c);
  const report = (milestoneId: string, value: number): ProjectCommand => ({
    type: 'submitReport',
    actor: lead,
    milestoneId,
    narrative: '进展报告',
    values: [{ targetIndex: 0, value }],
    evidence: [],
  });
  const approve = (milestoneId: string): ProjectCommand => ({
    type: 'approve',
    actor: inspector,
    milestoneId,
    comment: '同意',
  });

  it('project-rework-approve: report, return, report, approve (a slow drill: no timer fires)', async () => {
    const { cycle, project } = await start([only2017], 3600);
    await opened(project());
    await send(project(), report(M, 70));
    await send(project(), { type: 'return', actor: inspector, milestoneId: M, comment: '数据口径不一致' });
    await send(project(), report(M, 82));
    await send(project(), approve(M));
    await cycle.result();
    await recordHistories(suite.stack.client, { 'project-rework-approve': project().workflowId }, dir);
  });

  it('project-ladder-missed: nobody acts; reminders, the 督办 ladder to level 3, closed as missed', async () => {
    const { cycle, project } = await start([only2017], 36.5, (i) => {
      i.window = {
        opensAt: '2017-11-30T16:00:00.000Z',
        submissionDueAt: '2017-12-29T15:59:59.000Z',
        reviewDueAt: '2018-01-20T15:59:59.000Z',
      };
    });
    const summary = await cycle.result();
    expect(summary.items[0]).toMatchObject({ missed: 1, maxEscalation: 3 });
    await recordHistories(suite.stack.client, { 'project-ladder-missed': project().workflowId }, dir);
  });

  it('cycle-two-projects: a cycle, two projects reported and approved, then the cycle closes', async () => {
    const { cycle, project } = await start([only2017, { ...only2017, itemId: 'mp-02' }], 3600);
    for (const id of ['mp-01', 'mp-02']) {
      await opened(project(id));
      await send(project(id), report(`${id}/2017`, 90));
      await send(project(id), approve(`${id}/2017`));
    }
    await cycle.result();
    await recordHistories(
      suite.stack.client,
      {
        'cycle-two-projects': cycle.workflowId,
        'cycle-two-projects.mp-01': project('mp-01').workflowId,
        'cycle-two-projects.mp-02': project('mp-02').workflowId,
      },
      dir,
    );
  });

  it('project-continue-as-new: each closed milestone hands over to a fresh run', async () => {
    const twoYears: CycleItem = {
      ...preschoolPlan,
      units: ['基教处'],
      milestones: [preschoolPlan.milestones[0]!, preschoolPlan.milestones[1]!],
    };
    const { cycle, project } = await start([twoYears], 36.5, (i) => {
      i.window = {
        opensAt: '2016-11-30T16:00:00.000Z',
        submissionDueAt: '2017-12-29T15:59:59.000Z',
        reviewDueAt: '2018-01-31T15:59:59.000Z',
      };
    });
    await opened(project());
    await send(project(), { ...report('mp-01/2016', 1), values: [] } as ProjectCommand);
    await send(project(), approve('mp-01/2016'));
    await waitFor(
      async () => (await project().query(projectStateQuery)).state.milestones[1]?.phase === 'assigned',
      60_000,
    );
    await send(project(), report('mp-01/2017', 85));
    await send(project(), approve('mp-01/2017'));
    await cycle.result();
    await recordHistories(suite.stack.client, { 'project-continue-as-new': project().workflowId }, dir);
  });

  it('project-reassign-notices: 转办 between reminders; the new unit gets notices of its own', async () => {
    const { cycle, project } = await start([only2017], 54.75, (i) => {
      i.window = {
        opensAt: '2017-11-30T16:00:00.000Z',
        submissionDueAt: '2017-12-29T15:59:59.000Z',
        reviewDueAt: '2018-01-20T15:59:59.000Z',
      };
    });
    await waitFor(
      async () =>
        (await project().query(projectStateQuery)).state.milestones[0]!.assignments.some(
          (a) => a.remindersSent.length > 0,
        ),
      60_000,
    );
    await send(project(), {
      type: 'reassign',
      actor: inspector,
      assignmentId: `${M}/lead`,
      toUnit: '职成教处',
      reason: '职能调整',
    });
    await cycle.result();
    await recordHistories(suite.stack.client, { 'project-reassign-notices': project().workflowId }, dir);
  });

  it('cycle-extend-cancel: the window moves for every project, then the cycle is cancelled', async () => {
    const { cycle, project } = await start([only2017, { ...only2017, itemId: 'mp-02' }], 3600);
    await opened(project('mp-01'));
    await opened(project('mp-02'));
    await sendCycleExtension(cycle, {
      actor: inspector,
      window: {
        opensAt: '2016-12-31T16:00:00.000Z',
        submissionDueAt: '2018-01-31T15:59:59.000Z',
        reviewDueAt: '2018-02-28T15:59:59.000Z',
      },
      reason: '统一延长报送期限',
    });
    await send(project('mp-01'), report(M, 90));
    await sendCycleCancellation(cycle, { actor: inspector, reason: '机构改革，本轮督导取消' });
    const summary = await cycle.result();
    expect(summary.items.map((i) => i.status)).toEqual(['cancelled', 'cancelled']);
    await recordHistories(
      suite.stack.client,
      { 'cycle-extend-cancel': cycle.workflowId, 'cycle-extend-cancel.mp-01': project('mp-01').workflowId },
      dir,
    );
  });
  it('recurring-round: a round starts its year’s cycle over the stored plan and ends', async () => {
    const parsed = parsePlanBytes(fs.readFileSync(SEED));
    if (!parsed.ok) throw new Error(parsed.error);
    await importPlan(suite.t.db, parsed.plan, parsed.text, 'seed.txt');
    const itemId = parsed.plan.items.find((i) => i.kind === 'major_project')!.id;
    const slug = uniqueId('round');
    const round = await suite.stack.client.workflow.start(recurringCycleWorkflow, {
      taskQueue: suite.stack.taskQueue,
      workflowId: `round-${slug}`,
      args: [
        {
          name: '重大项目专项督导',
          slug,
          everyYears: 1,
          scope: { kinds: ['major_project'], itemIds: [itemId] },
          policy: defaultPolicy(),
          startedBy: inspector,
        },
      ],
    });
    const started = (await round.result()) as RoundStarted;
    expect(started.alreadyStarted).toBe(false);
    const cycle = suite.stack.client.workflow.getHandle(`cycle-${started.cycleId}`);
    await sendCycleCancellation(cycle, { actor: inspector, reason: '记录结束' });
    await recordHistories(suite.stack.client, { 'recurring-round': round.workflowId }, dir);
  });
});

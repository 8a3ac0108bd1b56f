/**
 * Records test/histories/v7-steady-timer (`npx jest -c jest.record.config.js
 * test/record/steady-timer.record.ts`): the project loop keeping one timer per wake time
 * (`patched('steady-wake-timer')`), through commands that leave the wake where it was, commands that
 * move it, and timers that fire between commands, so later workflow changes are replay-tested
 * against them too.
 */
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { sendProjectCommand } from '../../app/commands';
import { recordHistories } from '../../audit/histories';
import type { CycleItem } from '../../domain/cycle';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { projectWorkflowId } from '../../workflows/ids';
import { projectStateQuery } from '../../workflows/messages';
import { drillCycle, inspector, preschoolPlan, unit } from '../support/scenario';
import { uniqueId, workerPerSuite } from '../support/temporal';
import { waitFor } from '../support/wait';

const dir = path.join(__dirname, '..', 'histories', 'v7-steady-timer');
const lead = unit('基教处');
const co = unit('计财处');
const item: CycleItem = {
  ...preschoolPlan,
  units: ['基教处', '计财处'],
  milestones: [preschoolPlan.milestones[1]!],
};
const M = 'mp-01/2017';
const december = {
  opensAt: '2017-11-30T16:00:00.000Z',
  submissionDueAt: '2017-12-29T15:59:59.000Z',
  reviewDueAt: '2018-01-20T15:59:59.000Z',
};

describe('record the histories of the steady wake timer', () => {
  const suite = workerPerSuite();

  async function start(yearSeconds: number, window?: typeof december) {
    const input = drillCycle(uniqueId('c'), [item], yearSeconds);
    if (window) input.window = window;
    const cycle = await suite.stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: suite.stack.taskQueue,
      workflowId: `cycle-${input.cycleId}`,
      args: [input],
    });
    const project = suite.stack.client.workflow.getHandle(projectWorkflowId(cycle.workflowId, item.itemId));
    await waitFor(
      async () =>
        (await project.query(projectStateQuery)).state.milestones.some((m) => m.phase === 'assigned'),
      60_000,
    );
    return { cycle, project };
  }

  const timerEvents = async (h: WorkflowHandle) => {
    const history = await h.fetchHistory();
    const { EventType } = temporal.api.enums.v1;
    const count = (type: number) => history.events!.filter((e) => e.eventType === type).length;
    return {
      started: count(EventType.EVENT_TYPE_TIMER_STARTED),
      cancelled: count(EventType.EVENT_TYPE_TIMER_CANCELED),
    };
  };

  it('project-steady-rework-approve: contribution, sign, report, return, report, approve on a slow drill', async () => {
    const { cycle, project } = await start(3600);
    const report = (value: number) =>
      sendProjectCommand(project, {
        type: 'submitReport',
        actor: lead,
        milestoneId: M,
        narrative: '进展报告',
        values: [{ targetIndex: 0, value }],
        evidence: [],
      });
    await sendProjectCommand(project, {
      type: 'submitContribution',
      actor: co,
      assignmentId: `${M}/co:计财处`,
      narrative: '配合材料',
      values: [],
      evidence: [],
    });
    await sendProjectCommand(project, { type: 'acknowledge', actor: lead, assignmentId: `${M}/lead` });
    await report(70);
    await sendProjectCommand(project, {
      type: 'return',
      actor: inspector,
      milestoneId: M,
      comment: '数据口径不一致',
    });
    await report(82);
    await sendProjectCommand(project, { type: 'approve', actor: inspector, milestoneId: M, comment: '同意' });
    await cycle.result();
    // Six commands; the timer is replaced only where a command moved the next wake.
    const timers = await timerEvents(project);
    expect(timers.cancelled).toBeLessThan(6);
    await recordHistories(suite.stack.client, { 'project-steady-rework-approve': project.workflowId }, dir);
  });

  it('project-steady-reminders: reminders fire between commands, then 转办, then nobody reports', async () => {
    const { cycle, project } = await start(54.75, december);
    await waitFor(
      async () =>
        (await project.query(projectStateQuery)).state.milestones[0]!.assignments.some(
          (a) => a.remindersSent.length > 0,
        ),
      60_000,
    );
    await sendProjectCommand(project, {
      type: 'reassign',
      actor: inspector,
      assignmentId: `${M}/lead`,
      toUnit: '职成教处',
      reason: '职能调整',
    });
    const summary = await cycle.result();
    expect(summary.items[0]).toMatchObject({ missed: 1 });
    await recordHistories(suite.stack.client, { 'project-steady-reminders': project.workflowId }, dir);
  });
});

/**
 * One 重大项目 (a lead and a co-unit, one milestone) run through the scenarios the project-loop
 * recorders share (steady-timer, start-with-due-work): each recorder asserts what its own change
 * should show in the history, then records it.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { sendProjectCommand } from '../../app/commands';
import type { CycleItem, CycleSummary } from '../../domain/cycle';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { projectWorkflowId } from '../../workflows/ids';
import { projectStateQuery } from '../../workflows/messages';
import { drillCycle, inspector, preschoolPlan, unit } from '../support/scenario';
import { uniqueId, type workerPerSuite } from '../support/temporal';
import { waitFor } from '../support/wait';

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

export function oneProjectScenarios(suite: ReturnType<typeof workerPerSuite>) {
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

  return {
    /** Contribution, sign, report, return, report, approve on a slow drill: six commands. */
    async reworkApprove(): Promise<WorkflowHandle> {
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
      await sendProjectCommand(project, {
        type: 'approve',
        actor: inspector,
        milestoneId: M,
        comment: '同意',
      });
      await cycle.result();
      return project;
    },

    /** Reminders fire between commands, then 转办, then nobody reports (a December window). */
    async remindersThenReassign(): Promise<{ project: WorkflowHandle; summary: CycleSummary }> {
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
      return { project, summary: await cycle.result() };
    },
  };
}

/**
 * Records test/histories/v6-light-task-flow (`npx jest -c jest.record.config.js
 * test/record/light-task-flow.record.ts`): a cycle whose policy asks for the light 任务 flow
 * (`patched('light-task-flow')`), with a task that owes a yearly statement and gets its 催办 but no
 * 督办, and a major project beside it that climbs the ladder; nobody reports. Later workflow changes
 * are replay-tested against them too.
 */
import path from 'node:path';
import { recordHistories } from '../../audit/histories';
import type { CycleItem } from '../../domain/cycle';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { projectWorkflowId } from '../../workflows/ids';
import { readStream } from '../../db/event-store';
import { drillCycle, preschoolPlan } from '../support/scenario';
import { uniqueId, workerPerSuite } from '../support/temporal';

const dir = path.join(__dirname, '..', 'histories', 'v6-light-task-flow');

/** A task as a light-flow cycle receives it (domain/yearly-items.ts): one statement for 2017. */
const task: CycleItem = {
  itemId: 'task-01',
  kind: 'task',
  title: '科学谋划学前教育机构布局',
  section: '（一）学前教育',
  units: ['基教处', '计财处'],
  targets: [],
  milestones: [{ year: 2017, text: '2017年度工作进展情况' }],
};
const project: CycleItem = {
  ...preschoolPlan,
  units: ['基教处'],
  milestones: [preschoolPlan.milestones[1]!],
};

describe('record the histories of the light task flow', () => {
  const suite = workerPerSuite();

  it('cycle-light-task: the task is reminded, never escalated; the project climbs the ladder', async () => {
    const input = drillCycle(uniqueId('light'), [task, project], 12, { taskFlow: 'light' });
    const cycle = await suite.stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: suite.stack.taskQueue,
      workflowId: `cycle-${input.cycleId}`,
      args: [input],
    });
    await cycle.result();
    const taskId = projectWorkflowId(cycle.workflowId, task.itemId);
    const projectId = projectWorkflowId(cycle.workflowId, project.itemId);
    const types = async (id: string) => (await readStream(suite.t.db, id)).map((e) => e.type);
    expect(await types(taskId)).toContain('ReminderSent');
    expect(await types(taskId)).not.toContain('EscalationRaised');
    expect(await types(projectId)).toContain('EscalationRaised');
    await recordHistories(
      suite.stack.client,
      {
        'cycle-light-task': cycle.workflowId,
        'cycle-light-task.task-01': taskId,
        'cycle-light-task.mp-01': projectId,
      },
      dir,
    );
  });
});

/**
 * Records test/histories/v7-ladderless-returns (`npx jest -c jest.record.config.js
 * test/record/ladderless-returns.record.ts`): a light-flow cycle (`taskFlow: 'light'`) whose one 任务
 * is returned past `maxReturns` (`patched('ladderless-returns')`): no 督办, since its policy has no
 * ladder; then reported again and approved. A slow drill, so no timer fires. Later workflow changes
 * are replay-tested against it too.
 */
import path from 'node:path';
import { recordHistories } from '../../audit/histories';
import { sendProjectCommand } from '../../app/commands';
import type { ProjectCommand } from '../../domain/commands';
import type { CycleItem } from '../../domain/cycle';
import { defaultPolicy } from '../../domain/policy';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { projectWorkflowId } from '../../workflows/ids';
import { projectStateQuery } from '../../workflows/messages';
import { readStream } from '../../db/event-store';
import { drillCycle, inspector, unit } from '../support/scenario';
import { uniqueId, workerPerSuite } from '../support/temporal';
import { waitFor } from '../support/wait';

const dir = path.join(__dirname, '..', 'histories', 'v7-ladderless-returns');

/** A task as a light-flow cycle receives it (domain/yearly-items.ts): one statement for 2017. */
const task: CycleItem = {
  itemId: 'task-01',
  kind: 'task',
  title: '科学谋划学前教育机构布局',
  section: '（一）学前教育',
  units: ['基教处'],
  targets: [],
  milestones: [{ year: 2017, text: '2017年度工作进展情况' }],
};
const M = 'task-01/2017';

describe('record the history of a light task returned past maxReturns', () => {
  const suite = workerPerSuite();

  it('cycle-ladderless-returns.task-01: three returns, no 督办, then approved', async () => {
    const input = drillCycle(uniqueId('ladderless'), [task], 3600, { taskFlow: 'light' });
    const cycle = await suite.stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: suite.stack.taskQueue,
      workflowId: `cycle-${input.cycleId}`,
      args: [input],
    });
    const taskId = projectWorkflowId(cycle.workflowId, task.itemId);
    const handle = suite.stack.client.workflow.getHandle(taskId);
    await waitFor(
      async () =>
        (await handle.query(projectStateQuery)).state.milestones.some((m) => m.phase === 'assigned'),
      60_000,
    );
    const send = (c: ProjectCommand) => sendProjectCommand(handle, c);
    const report: ProjectCommand = {
      type: 'submitReport',
      actor: unit('基教处'),
      milestoneId: M,
      narrative: '2017年度工作进展情况',
      values: [],
      evidence: [],
    };
    const back: ProjectCommand = {
      type: 'return',
      actor: inspector,
      milestoneId: M,
      comment: '请补充具体举措',
    };
    for (let i = 0; i < defaultPolicy().maxReturns + 1; i++) {
      await send(report);
      await send(back);
    }
    await send(report);
    await send({ type: 'approve', actor: inspector, milestoneId: M, comment: '同意' });
    await cycle.result();
    const types = (await readStream(suite.t.db, taskId)).map((e) => e.type);
    expect(types.filter((t) => t === 'ReportReturned')).toHaveLength(3);
    expect(types).not.toContain('EscalationRaised');
    await recordHistories(suite.stack.client, { 'cycle-ladderless-returns.task-01': taskId }, dir);
  });
});

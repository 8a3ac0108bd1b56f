/**
 * Records test/histories/v5-periods-follow-window (`npx jest -c jest.record.config.js
 * test/record/periods-follow-window.record.ts`): 定期反馈 periods that follow a cycle extension
 * (`patched('periods-follow-window')`) and a 办结申请 confirmed as 销号, so later workflow changes are
 * replay-tested against them too.
 */
import path from 'node:path';
import { sendCycleExtension, sendProjectCommand } from '../../app/commands';
import { recordHistories } from '../../audit/histories';
import { ProgressCadence } from '../../domain/policy';
import type { CycleItem } from '../../domain/cycle';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { projectWorkflowId } from '../../workflows/ids';
import { projectStateQuery } from '../../workflows/messages';
import { drillCycle, inspector, preschoolPlan, unit } from '../support/scenario';
import { uniqueId, workerPerSuite } from '../support/temporal';
import { waitFor } from '../support/wait';

const dir = path.join(__dirname, '..', 'histories', 'v5-periods-follow-window');
const lead = unit('基教处');
const item: CycleItem = { ...preschoolPlan, units: ['基教处'], milestones: [preschoolPlan.milestones[1]!] };

describe('record the histories of periods that follow a cycle extension', () => {
  const suite = workerPerSuite();

  async function start(tweak: (i: ReturnType<typeof drillCycle>) => void) {
    const input = drillCycle(uniqueId('c'), [item], 3600);
    tweak(input);
    const cycle = await suite.stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: suite.stack.taskQueue,
      workflowId: `cycle-${input.cycleId}`,
      args: [input],
    });
    const project = suite.stack.client.workflow.getHandle(projectWorkflowId(cycle.workflowId, item.itemId));
    await waitFor(async () => (await project.query(projectStateQuery)).state.milestones.length > 0, 60_000);
    return { cycle, project };
  }

  it('project-periods-extended-closed: a month reported, the window extended, periods replanned, then 办结 confirmed', async () => {
    const { cycle, project } = await start((i) => {
      i.policy = { ...i.policy, progressCadence: ProgressCadence.parse({ every: 'month', day: 25 }) };
      i.window = {
        opensAt: '2016-12-31T16:00:00.000Z',
        submissionDueAt: '2017-02-28T15:59:59.000Z',
        reviewDueAt: '2017-03-31T15:59:59.000Z',
      };
    });
    await sendProjectCommand(project, {
      type: 'submitProgress',
      actor: lead,
      periodId: 'mp-01/p2017-01',
      narrative: '一月进展',
      values: [],
      evidence: [],
    });
    await sendCycleExtension(cycle, {
      actor: inspector,
      window: {
        opensAt: '2016-12-31T16:00:00.000Z',
        submissionDueAt: '2017-04-30T15:59:59.000Z',
        reviewDueAt: '2017-05-31T15:59:59.000Z',
      },
      reason: '统一延长报送期限',
    });
    await waitFor(async () => (await project.query(projectStateQuery)).state.periods!.length === 4, 60_000);
    await sendProjectCommand(project, {
      type: 'requestClosure',
      actor: lead,
      narrative: '年度目标已提前完成',
      evidence: [],
    });
    await sendProjectCommand(project, {
      type: 'decideClosure',
      actor: inspector,
      requestId: 'closure-1',
      confirm: true,
      comment: '同意销号',
    });
    // Its only project 销号, the cycle ends.
    await cycle.result();
    await recordHistories(suite.stack.client, { 'project-periods-extended-closed': project.workflowId }, dir);
  });
});

/**
 * Records the history under test/histories/v4-rectification: a 整改 run (the project workflow with
 * `patched('rectification-record')`) issued at a drill cycle's close-out, its 整改报告 returned once,
 * then struck off (销号). Run with `npx jest -c jest.record.config.js test/record/rectification.record.ts`;
 * the replay tests then keep proving this run replays.
 */
import path from 'node:path';
import { sendProjectCommand } from '../../app/commands';
import { issueRectifications } from '../../app/rectifications';
import { recordHistories } from '../../audit/histories';
import { rectificationMilestoneId, rectificationWorkflowId } from '../../domain/rectification';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { cycleWorkflowId } from '../../workflows/ids';
import { projectStateQuery } from '../../workflows/messages';
import { drillCycle, inspector, preschoolPlan, unit } from '../support/scenario';
import { uniqueId, workerPerSuite } from '../support/temporal';
import { waitFor } from '../support/wait';

const dir = path.join(__dirname, '..', 'histories', 'v4-rectification');
const lead = unit('基教处');

describe('record the history of a 整改', () => {
  const suite = workerPerSuite();

  it('rectification-return-strike-off: issued at close-out, returned once, then struck off', async () => {
    const cycleId = uniqueId('zg');
    const item = { ...preschoolPlan, units: ['基教处'], milestones: [preschoolPlan.milestones[1]!] };
    // Nobody reports in a 4-second plan year: the milestone closes missed and becomes a 整改.
    const cycle = await suite.stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: suite.stack.taskQueue,
      workflowId: cycleWorkflowId(cycleId),
      args: [drillCycle(cycleId, [item], 4)],
    });
    await cycle.result();
    const { issued } = await issueRectifications(
      { db: suite.t.db, client: suite.stack.client, taskQueue: suite.stack.taskQueue },
      inspector,
      cycleId,
      { deadline: '2040-06-30' },
    );
    const id = issued[0]!;
    const milestoneId = rectificationMilestoneId(id);
    const handle = suite.stack.client.workflow.getHandle(rectificationWorkflowId(id));
    await waitFor(async () =>
      (await handle.query(projectStateQuery)).state.milestones.some((m) => m.phase === 'assigned'),
    );
    const submit = (narrative: string) =>
      sendProjectCommand(handle, {
        type: 'submitReport',
        actor: lead,
        milestoneId,
        narrative,
        values: [],
        evidence: [],
      });
    await submit('已补报');
    await sendProjectCommand(handle, { type: 'return', actor: inspector, milestoneId, comment: '请附材料' });
    await submit('已补报并附材料');
    await sendProjectCommand(handle, { type: 'approve', actor: inspector, milestoneId, comment: '予以销号' });
    await handle.result();
    await recordHistories(suite.stack.client, { 'rectification-return-strike-off': handle.workflowId }, dir);
  }, 120_000);
});

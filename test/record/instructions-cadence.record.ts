/**
 * Records the histories under test/histories/v3-instructions-cadence: a 领导批示 run (the project
 * workflow with `patched('instruction-record')`) and a cycle with a 定期反馈 cadence
 * (`patched('progress-cadence')`) with its project. Run with `npx jest -c jest.record.config.js
 * test/record/instructions-cadence.record.ts`; the replay tests then keep proving these runs replay.
 */
import path from 'node:path';
import { addInstruction } from '../../app/instructions';
import { sendProjectCommand } from '../../app/commands';
import { recordHistories } from '../../audit/histories';
import { instructionWorkflowId } from '../../domain/instruction';
import { ProgressCadence } from '../../domain/policy';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { projectWorkflowId } from '../../workflows/ids';
import { projectStateQuery } from '../../workflows/messages';
import { drillCycle, inspector, preschoolPlan, unit } from '../support/scenario';
import { uniqueId, workerPerSuite } from '../support/temporal';
import { waitFor } from '../support/wait';

const dir = path.join(__dirname, '..', 'histories', 'v3-instructions-cadence');
const lead = unit('基教处');

describe('record the histories of instructions and cadences', () => {
  const suite = workerPerSuite();

  it('instruction-reply-approve: a 批示 recorded, acknowledged, answered and approved', async () => {
    const id = uniqueId('PS');
    const { milestoneId } = await addInstruction(
      { db: suite.t.db, client: suite.stack.client, taskQueue: suite.stack.taskQueue },
      inspector,
      {
        instructionId: id,
        leader: '王局长',
        issuedOn: '2026-03-01',
        text: '请基教处牵头，两周内拿出方案',
        unit: '基教处',
        deadline: '2026-03-16',
      },
      { clock: { realOrigin: new Date().toISOString(), planOrigin: '2026-03-02T02:00:00.000Z', scale: 1 } },
    );
    const handle = suite.stack.client.workflow.getHandle(instructionWorkflowId(id));
    await waitFor(async () =>
      (await handle.query(projectStateQuery)).state.milestones.some((m) => m.phase === 'assigned'),
    );
    await sendProjectCommand(handle, {
      type: 'acknowledge',
      actor: lead,
      assignmentId: `${milestoneId}/lead`,
    });
    await sendProjectCommand(handle, {
      type: 'submitReport',
      actor: lead,
      milestoneId,
      narrative: '方案已拟定',
      values: [],
      evidence: [],
    });
    await sendProjectCommand(handle, { type: 'approve', actor: inspector, milestoneId, comment: '同意' });
    await handle.result();
    await recordHistories(suite.stack.client, { 'instruction-reply-approve': handle.workflowId }, dir);
  });

  it('cycle-cadence: monthly 定期反馈, January reported, February and March missed', async () => {
    const input = drillCycle(uniqueId('cad'), [{ ...preschoolPlan, units: ['基教处'] }], 73, {
      progressCadence: ProgressCadence.parse({ every: 'month', day: 25 }),
    });
    input.window = {
      opensAt: '2016-12-31T16:00:00.000Z',
      submissionDueAt: '2017-03-31T15:59:59.000Z',
      reviewDueAt: '2017-04-30T15:59:59.000Z',
    };
    const cycle = await suite.stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: suite.stack.taskQueue,
      workflowId: `cycle-${input.cycleId}`,
      args: [input],
    });
    const project = suite.stack.client.workflow.getHandle(projectWorkflowId(cycle.workflowId, 'mp-01'));
    await waitFor(async () => ((await project.query(projectStateQuery)).state.periods?.length ?? 0) > 0);
    await sendProjectCommand(project, {
      type: 'submitProgress',
      actor: lead,
      periodId: 'mp-01/p2017-01',
      narrative: '一月进展',
      values: [],
      evidence: [],
    });
    await cycle.result();
    const final = (await project.query(projectStateQuery)).state;
    expect(final.periods!.map((p) => p.status)).toEqual(['reported', 'missed', 'missed']);
    await recordHistories(
      suite.stack.client,
      { 'cycle-cadence': cycle.workflowId, 'cycle-cadence.mp-01': project.workflowId },
      dir,
    );
  });
});

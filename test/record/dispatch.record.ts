/**
 * Records the history under test/histories/v4-dispatch: a sub-assignment run (the project workflow
 * with `patched('sub-assignment-record')`). Run with `npx jest -c jest.record.config.js
 * test/record/dispatch.record.ts`; the replay tests then keep proving it replays.
 */
import path from 'node:path';
import { sendProjectCommand } from '../../app/commands';
import { recordHistories } from '../../audit/histories';
import { DISPATCH_CYCLE, dispatchWorkflowId, planSubAssignment } from '../../domain/dispatch';
import { defaultPolicy } from '../../domain/policy';
import type { ProjectWorkflowInput } from '../../workflows/project';
import { projectStateQuery } from '../../workflows/messages';
import { unit } from '../support/scenario';
import { uniqueId, workerPerSuite } from '../support/temporal';
import { waitFor } from '../support/wait';

const dir = path.join(__dirname, '..', 'histories', 'v4-dispatch');
const dispatcher = { ...unit('基教处'), role: 'unit_head' as const };
const county = unit('柯城区教育局');

describe('record the history of a sub-assignment', () => {
  const suite = workerPerSuite();

  it('dispatch-return-approve: dispatched, reported, returned and approved by the dispatching unit', async () => {
    const id = uniqueId('XF');
    const policy = defaultPolicy();
    const now = '2017-03-01T02:00:00.000Z';
    const plan = planSubAssignment(
      {
        subAssignmentId: id,
        cycleId: 'c2017',
        milestoneId: 'mp-01/2017',
        body: '柯城区教育局',
        text: '按县域落实',
      },
      {
        cycleId: 'c2017',
        projectId: 'mp-01',
        title: '持续推进学前教育行动计划',
        milestoneId: 'mp-01/2017',
        dueAt: '2017-12-29T15:59:59.000Z',
        targets: [{ metric: '普惠性幼儿园覆盖面', op: '>=', value: 80, unit: '%', year: 2017 }],
        unit: '基教处',
        rootCycleId: 'c2017',
        rootProjectId: 'mp-01',
      },
      now,
      policy,
    );
    const input: ProjectWorkflowInput = {
      cycleId: DISPATCH_CYCLE,
      projectId: id,
      policy,
      clock: { realOrigin: new Date().toISOString(), planOrigin: now, scale: 1 },
      closesAt: plan.closesAt,
      planTime: now,
      started: plan.started,
      subAssignment: { record: plan.record, by: dispatcher },
    };
    const handle = await suite.stack.client.workflow.start('majorProjectWorkflow', {
      taskQueue: suite.stack.taskQueue,
      workflowId: dispatchWorkflowId(id),
      args: [input],
    });
    const milestoneId = plan.started.milestones[0]!.milestoneId;
    await waitFor(async () =>
      (await handle.query(projectStateQuery)).state.milestones.some((m) => m.phase === 'assigned'),
    );
    const report = {
      type: 'submitReport' as const,
      actor: county,
      milestoneId,
      values: [{ targetIndex: 0, value: 85 }],
      evidence: [],
    };
    await sendProjectCommand(handle, { ...report, narrative: '本县已完成' });
    await sendProjectCommand(handle, {
      type: 'return',
      actor: dispatcher,
      milestoneId,
      comment: '请补充分园数据',
    });
    await sendProjectCommand(handle, { ...report, narrative: '已补充分园数据' });
    await sendProjectCommand(handle, { type: 'approve', actor: dispatcher, milestoneId, comment: '同意' });
    await handle.result();
    await recordHistories(suite.stack.client, { 'dispatch-return-approve': handle.workflowId }, dir);
  });
});

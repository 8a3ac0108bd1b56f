import { WorkflowUpdateFailedError } from '@temporalio/client';
import { sendProjectCommand } from '../../app/commands';
import { uniqueId, workerPerSuite } from '../support/temporal';
import { drillCycle, inspector, preschoolPlan, unit } from '../support/scenario';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { projectWorkflowId } from '../../workflows/ids';
import { projectStateQuery } from '../../workflows/messages';
import { readStream } from '../../db/event-store';
import { waitFor } from '../support/wait';

/** The foundation's thin slice: start, submit through an Update, approve through another, all recorded. */
describe('end-to-end slice', () => {
  const suite = workerPerSuite();

  it('starts a project, takes a report from its lead unit, approves it, and records every step', async () => {
    const cycleId = uniqueId('slice');
    // A slow drill (one plan year per hour): nothing times out while the test acts.
    const input = drillCycle(
      cycleId,
      [{ ...preschoolPlan, milestones: [preschoolPlan.milestones[1]!] }],
      3600,
    );
    const cycle = await suite.stack.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue: suite.stack.taskQueue,
      workflowId: `cycle-${cycleId}`,
      args: [input],
    });
    const project = suite.stack.client.workflow.getHandle(projectWorkflowId(cycle.workflowId, 'mp-01'));
    await waitFor(
      async () => (await project.query(projectStateQuery)).state.milestones[0]?.phase === 'assigned',
    );

    const milestoneId = 'mp-01/2017';
    await expect(
      sendProjectCommand(project, {
        type: 'submitReport',
        actor: unit('计财处'),
        milestoneId,
        narrative: '越权报送',
        values: [],
        evidence: [],
      }),
    ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);

    const submitted = await sendProjectCommand(project, {
      type: 'submitReport',
      actor: unit('基教处'),
      milestoneId,
      narrative: '普惠性幼儿园覆盖面已达82%',
      values: [{ targetIndex: 0, value: 82 }],
      evidence: [{ ref: 'doc://2017/preschool-report.pdf', sha256: 'a'.repeat(64) }],
    });
    expect(submitted.state.milestones[0]!.phase).toBe('submitted');

    const approved = await sendProjectCommand(project, {
      type: 'approve',
      actor: inspector,
      milestoneId,
      comment: '同意',
    });
    expect(approved.state.status).toBe('closed');
    expect(approved.state.milestones[0]!.outcome).toBe('met');

    const summary = await cycle.result();
    expect(summary.items[0]).toMatchObject({ projectId: 'mp-01', approved: 1, met: 1, onTime: 1 });

    const events = await readStream(suite.t.db, project.workflowId);
    expect(events.map((e) => e.type)).toEqual([
      'ProjectStarted',
      'MilestoneOpened',
      'AssignmentCreated',
      'AssignmentCreated',
      'AssignmentCreated',
      'AssignmentAcknowledged',
      'ReportSubmitted',
      'ReportApproved',
      'MilestoneClosed',
      'ProjectClosed',
    ]);
    expect(events.find((e) => e.type === 'ReportSubmitted')?.actor).toEqual(unit('基教处'));
    const cycleEvents = await readStream(suite.t.db, cycle.workflowId);
    expect(cycleEvents.map((e) => e.type)).toEqual(['CycleStarted', 'CycleClosed']);
  });
});

/**
 * Records test/histories/v9-local-append (`npx jest -c jest.record.config.js
 * test/record/local-append.record.ts`): appends run as local activities (`patched('local-append')`),
 * in the cycle and in its project, through commands and timers that fire between them, so later
 * workflow changes are replay-tested against them too.
 */
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { recordHistories } from '../../audit/histories';
import { derivedEvents, RECORD_ACTIVITY } from '../../audit/derive';
import { workerPerSuite } from '../support/temporal';
import { oneProjectScenarios } from './one-project';

const dir = path.join(__dirname, '..', 'histories', 'v9-local-append');

describe('record the histories of local appends', () => {
  const suite = workerPerSuite();
  const scenarios = oneProjectScenarios(suite);

  /** Appends through regular activities, local appends completed, and the events the history holds. */
  const appends = async (h: WorkflowHandle) => {
    const history = await h.fetchHistory();
    return {
      activities: history.events!.filter(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === RECORD_ACTIVITY,
      ).length,
      local: history.events!.filter(
        (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
      ).length,
      events: derivedEvents(history).recorded.length,
    };
  };
  const cycleOf = (project: WorkflowHandle) =>
    suite.stack.client.workflow.getHandle(project.workflowId.slice(0, project.workflowId.lastIndexOf('/')));

  it('cycle-local-rework-approve: contribution, sign, report, return, report, approve on a slow drill', async () => {
    const project = await scenarios.reworkApprove();
    const cycle = cycleOf(project);
    // One append at the start and one per command, none of them through the server's queues.
    expect(await appends(project)).toMatchObject({ activities: 0, local: 1 + 6 });
    expect((await appends(cycle)).activities).toBe(0);
    expect((await appends(project)).events).toBeGreaterThan(7);
    await recordHistories(
      suite.stack.client,
      {
        'cycle-local-rework-approve': cycle.workflowId,
        'cycle-local-rework-approve.mp-01': project.workflowId,
      },
      dir,
    );
  });

  it('project-local-reminders: reminders fire between commands, then 转办, then nobody reports', async () => {
    const { project, summary } = await scenarios.remindersThenReassign();
    expect(summary.items[0]).toMatchObject({ missed: 1 });
    expect((await appends(project)).activities).toBe(0);
    await recordHistories(suite.stack.client, { 'project-local-reminders': project.workflowId }, dir);
  });
});

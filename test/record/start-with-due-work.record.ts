/**
 * Records test/histories/v8-start-with-due-work (`npx jest -c jest.record.config.js
 * test/record/start-with-due-work.record.ts`): a project recording what is due at its start in the
 * same append as ProjectStarted (`patched('start-with-due-work')`), then taking commands, and
 * having reminders fire, so later workflow changes are replay-tested against them too.
 */
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { recordHistories } from '../../audit/histories';
import { workerPerSuite } from '../support/temporal';
import { oneProjectScenarios } from './one-project';

const dir = path.join(__dirname, '..', 'histories', 'v8-start-with-due-work');

describe('record the histories of a start with its due work', () => {
  const suite = workerPerSuite();
  const scenarios = oneProjectScenarios(suite);

  const appends = async (h: WorkflowHandle) =>
    (await h.fetchHistory()).events!.filter(
      (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    ).length;

  it('project-start-rework-approve: contribution, sign, report, return, report, approve on a slow drill', async () => {
    const project = await scenarios.reworkApprove();
    // One append at the start (it was two: ProjectStarted, then the milestone's opening) and one
    // per command.
    expect(await appends(project)).toBe(1 + 6);
    await recordHistories(suite.stack.client, { 'project-start-rework-approve': project.workflowId }, dir);
  });

  it('project-start-reminders: reminders fire between commands, then 转办, then nobody reports', async () => {
    const { project, summary } = await scenarios.remindersThenReassign();
    expect(summary.items[0]).toMatchObject({ missed: 1 });
    await recordHistories(suite.stack.client, { 'project-start-reminders': project.workflowId }, dir);
  });
});

/**
 * Records test/histories/v7-steady-timer (`npx jest -c jest.record.config.js
 * test/record/steady-timer.record.ts`): the project loop keeping one timer per wake time
 * (`patched('steady-wake-timer')`), through commands that leave the wake where it was, commands that
 * move it, and timers that fire between commands, so later workflow changes are replay-tested
 * against them too.
 */
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { recordHistories } from '../../audit/histories';
import { workerPerSuite } from '../support/temporal';
import { oneProjectScenarios } from './one-project';

const dir = path.join(__dirname, '..', 'histories', 'v7-steady-timer');

describe('record the histories of the steady wake timer', () => {
  const suite = workerPerSuite();
  const scenarios = oneProjectScenarios(suite);

  const timerEvents = async (h: WorkflowHandle) => {
    const history = await h.fetchHistory();
    const { EventType } = temporal.api.enums.v1;
    const count = (type: number) => history.events!.filter((e) => e.eventType === type).length;
    return {
      started: count(EventType.EVENT_TYPE_TIMER_STARTED),
      cancelled: count(EventType.EVENT_TYPE_TIMER_CANCELED),
    };
  };

  it('project-steady-rework-approve: contribution, sign, report, return, report, approve on a slow drill', async () => {
    const project = await scenarios.reworkApprove();
    // Six commands; the timer is replaced only where a command moved the next wake.
    const timers = await timerEvents(project);
    expect(timers.cancelled).toBeLessThan(6);
    await recordHistories(suite.stack.client, { 'project-steady-rework-approve': project.workflowId }, dir);
  });

  it('project-steady-reminders: reminders fire between commands, then 转办, then nobody reports', async () => {
    const { project, summary } = await scenarios.remindersThenReassign();
    expect(summary.items[0]).toMatchObject({ missed: 1 });
    await recordHistories(suite.stack.client, { 'project-steady-reminders': project.workflowId }, dir);
  });
});

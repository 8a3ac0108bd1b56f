/**
 * Records test/histories/v10-direct-wakes (`npx jest -c jest.record.config.js
 * test/record/direct-wakes.record.ts`): the two one-project scenarios with the loop woken directly
 * by what it waits for (an arrival, its timer) and each Update answered when the loop settles it,
 * instead of conditions the SDK polls. No patch: the commands are those of v9, in the same order,
 * which this test checks event type by event type against the v9 recordings before writing.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { recordHistories } from '../../audit/histories';
import { workerPerSuite } from '../support/temporal';
import { oneProjectScenarios } from './one-project';

const histories = path.join(__dirname, '..', 'histories');
const dir = path.join(histories, 'v10-direct-wakes');
const { EventType } = temporal.api.enums.v1;

/** The history's event types in order, workflow-task bookkeeping left out (its count varies with timing). */
const shape = (types: string[]): string[] =>
  types.filter((t) => !/WORKFLOW_TASK_(SCHEDULED|STARTED|COMPLETED|TIMED_OUT|FAILED)$/.test(t));

const recordedShape = (file: string): string[] =>
  shape(
    (
      JSON.parse(fs.readFileSync(path.join(histories, 'v9-patches-at-start', file), 'utf8')) as {
        events: { eventType: string }[];
      }
    ).events.map((e) => e.eventType),
  );

const liveShape = async (h: WorkflowHandle): Promise<string[]> =>
  shape((await h.fetchHistory()).events!.map((e) => EventType[e.eventType!]));

describe('record the histories of projects whose loop is woken directly', () => {
  const suite = workerPerSuite();
  const scenarios = oneProjectScenarios(suite);

  it('project-direct-rework-approve: contribution, sign, report, return, report, approve on a slow drill', async () => {
    const project = await scenarios.reworkApprove();
    expect(await liveShape(project)).toEqual(recordedShape('project-patched-rework-approve.json'));
    await recordHistories(suite.stack.client, { 'project-direct-rework-approve': project.workflowId }, dir);
  });

  it('project-direct-reminders: reminders fire between commands, then 转办, then nobody reports', async () => {
    const { project, summary } = await scenarios.remindersThenReassign();
    expect(summary.items[0]).toMatchObject({ missed: 1 });
    expect(await liveShape(project)).toEqual(recordedShape('project-patched-reminders.json'));
    await recordHistories(suite.stack.client, { 'project-direct-reminders': project.workflowId }, dir);
  });
});

/**
 * Records test/histories/v9-patches-at-start (`npx jest -c jest.record.config.js
 * test/record/patches-at-start.record.ts`): projects the cycle starts with every patch in force
 * (`PATCHES_AT_START`), whose histories carry no patch marker, taking the commands and reminders of
 * the two one-project scenarios, so later workflow changes are replay-tested against them too.
 */
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { recordHistories } from '../../audit/histories';
import { workerPerSuite } from '../support/temporal';
import { oneProjectScenarios } from './one-project';

const dir = path.join(__dirname, '..', 'histories', 'v9-patches-at-start');
const { EventType } = temporal.api.enums.v1;

describe('record the histories of projects started with their patches in force', () => {
  const suite = workerPerSuite();
  const scenarios = oneProjectScenarios(suite);

  /** Patch markers and search-attribute upserts in the project's history. */
  const counts = async (h: WorkflowHandle) => {
    const events = (await h.fetchHistory()).events!;
    const upserts = events.filter(
      (e) => e.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
    );
    return {
      markers: events.filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED).length,
      changeVersions: upserts.filter(
        (e) =>
          'TemporalChangeVersion' in
          (e.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes!.indexedFields ?? {}),
      ).length,
    };
  };

  it('project-patched-rework-approve: contribution, sign, report, return, report, approve on a slow drill', async () => {
    const project = await scenarios.reworkApprove();
    // The same scenario started without the list recorded three markers and three
    // TemporalChangeVersion upserts (inbox-loop, start-with-due-work, steady-wake-timer: v8).
    expect(await counts(project)).toEqual({ markers: 0, changeVersions: 0 });
    await recordHistories(suite.stack.client, { 'project-patched-rework-approve': project.workflowId }, dir);
  });

  it('project-patched-reminders: reminders fire between commands, then 转办, then nobody reports', async () => {
    const { project, summary } = await scenarios.remindersThenReassign();
    expect(summary.items[0]).toMatchObject({ missed: 1 });
    expect(await counts(project)).toEqual({ markers: 0, changeVersions: 0 });
    await recordHistories(suite.stack.client, { 'project-patched-reminders': project.workflowId }, dir);
  });
});

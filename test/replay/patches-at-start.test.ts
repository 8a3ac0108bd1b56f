import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import type { History } from '@temporalio/common/lib/proto-utils';
import { PATCHES_AT_START, type ProjectWorkflowInput } from '../../workflows/project';
import { bundle, quietRuntime, recorded } from './support';

/** The history with its start's input changed by `edit` (the input is one JSON payload). */
function withInput(history: History, edit: (input: ProjectWorkflowInput) => ProjectWorkflowInput): History {
  const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
  const payload = started.input!.payloads![0]!;
  const input = JSON.parse(Buffer.from(payload.data!).toString('utf8')) as ProjectWorkflowInput;
  const data = new Uint8Array(Buffer.from(JSON.stringify(edit(input)), 'utf8'));
  const events = [...history.events!];
  events[0] = {
    ...history.events![0]!,
    workflowExecutionStartedEventAttributes: {
      ...started,
      input: { payloads: [{ ...payload, data }] },
    },
  };
  return { ...history, events };
}

const replay = async (
  workflowBundle: WorkflowBundleWithSourceMap,
  file: string,
  edit: (input: ProjectWorkflowInput) => ProjectWorkflowInput,
) => {
  const { history, workflowId } = await recorded(file);
  return Worker.runReplayHistory({ workflowBundle, replayName: file }, withInput(history, edit), workflowId);
};

describe('patches in force from the start (PATCHES_AT_START)', () => {
  let workflowBundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    quietRuntime();
    workflowBundle = await bundle();
  });

  // During a rolling upgrade a cycle on an upgraded worker may start a project with the list that
  // a worker not yet upgraded runs first: it asks patched() and records the markers. The upgraded
  // code then trusts the list and asks nothing, and must still replay that history.
  it.each([
    'v8-start-with-due-work/project-start-rework-approve.json',
    'v8-start-with-due-work/project-start-reminders.json',
  ])('a run given the list whose markers an older worker recorded replays: %s', async (file) => {
    await expect(
      replay(workflowBundle, file, (input) => ({ ...input, patches: PATCHES_AT_START })),
    ).resolves.toBeUndefined();
  });

  // What makes a run without markers replay is the list in its start: without it the code asks
  // patched(), finds no marker, and takes the legacy path the history does not show.
  it('a run recorded with the list does not replay without it', async () => {
    await expect(
      replay(workflowBundle, 'v9-patches-at-start/project-patched-rework-approve.json', (input) => {
        const { patches, ...rest } = input;
        expect(patches).toEqual(PATCHES_AT_START);
        return rest;
      }),
    ).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});

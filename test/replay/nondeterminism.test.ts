import path from 'node:path';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundle, historyFiles, quietRuntime, recorded } from './support';

const projectHistories = historyFiles().filter((f) => path.basename(f).startsWith('project-'));

const replay = (workflowBundle: WorkflowBundleWithSourceMap, file: string) =>
  recorded(file).then(({ history, workflowId }) =>
    Worker.runReplayHistory({ workflowBundle, replayName: file }, history, workflowId),
  );

describe('a workflow change without patched() is caught by replaying recorded histories', () => {
  let changed: WorkflowBundleWithSourceMap;
  let versioned: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    quietRuntime();
    [changed, versioned] = await Promise.all([
      bundle(path.join(__dirname, 'changed-workflows')),
      bundle(path.join(__dirname, 'patched-workflows')),
    ]);
  });

  it('fails replay with a DeterminismViolationError naming the divergence', async () => {
    const err = await replay(changed, 'v1/project-rework-approve.json').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeterminismViolationError);
    const message = (err as Error).message;
    // The changed code starts a timer where the recorded history scheduled its first recordEvents
    // activity (event 5, right after the first workflow task completed).
    expect(message).toMatch(/Nondeterminism error/);
    expect(message).toMatch(/timer/i);
    expect(message).toMatch(/ActivityTaskScheduled/);
  });

  it.each(projectHistories)('refuses every recorded project history: %s', async (file) => {
    await expect(replay(changed, file)).rejects.toBeInstanceOf(DeterminismViolationError);
  });

  it.each(historyFiles())('replays the same change behind patched(): %s', async (file) => {
    await expect(replay(versioned, file)).resolves.toBeUndefined();
  });
});

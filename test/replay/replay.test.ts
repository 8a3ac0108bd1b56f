import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundle, historyFiles, quietRuntime, recorded } from './support';

/** Today's workflow code must replay every recorded history: nothing it commands may have changed. */
describe('recorded histories replay against the current workflow code', () => {
  let workflowBundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    quietRuntime();
    workflowBundle = await bundle();
  });

  it('has histories to replay', () => {
    expect(historyFiles().length).toBeGreaterThanOrEqual(4);
  });

  it.each(historyFiles())('%s', async (file) => {
    const { history, workflowId } = await recorded(file);
    await expect(
      Worker.runReplayHistory({ workflowBundle, replayName: file }, history, workflowId),
    ).resolves.toBeUndefined();
  });

  it('replays them all in one replay worker (runReplayHistories)', async () => {
    const histories = await Promise.all(historyFiles().map(recorded));
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowBundle, replayName: 'all-histories' },
      histories,
    )) {
      replayed++;
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(histories.length);
  });
});

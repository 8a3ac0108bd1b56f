import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { freshDatabase, type TestDatabase } from '../support/db';
import { startWorker, testTemporalAddress, uniqueId, type TestStack } from '../support/temporal';
import { waitFor } from '../support/wait';
import { bundle } from '../replay/support';
import { findStuck, recordHealth } from '../../app/health';
import { SA } from '../../workflows/search-attributes';

const cli = path.join(__dirname, '..', '..', 'bin', 'dudao.js');

describe('stuck work is visible, never silently dropped', () => {
  let t: TestDatabase;
  let stack: TestStack;
  beforeAll(async () => {
    t = await freshDatabase();
    stack = await startWorker(t.db, {
      workflowBundle: await bundle(path.join(__dirname, '..', 'support', 'broken-workflows')),
    });
  });
  afterAll(async () => {
    await stack.stop();
    await t.drop();
  });

  it('finds a project whose task keeps failing, records it, shows it in dudao doctor, and clears it once it ends', async () => {
    const cycleId = uniqueId('health');
    const workflowId = `cycle-${cycleId}/mp-01`;
    const handle = await stack.client.workflow.start('majorProjectWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId,
      args: [],
      typedSearchAttributes: [
        { key: SA.cycleId, value: cycleId },
        { key: SA.projectId, value: 'mp-01' },
      ],
    });
    await waitFor(async () => ((await handle.describe()).raw.pendingWorkflowTask?.attempt ?? 0) > 1, 60_000);

    const sweep = await findStuck(stack.client, { cycleId, checkQueries: true });
    expect(sweep.examined).toEqual([workflowId]);
    expect(sweep.stuck).toHaveLength(1);
    expect(sweep.stuck[0]).toMatchObject({ workflowId, cycleId, itemId: 'mp-01', problem: 'task_failing' });
    expect(sweep.stuck[0]!.detail).toMatch(/模拟的工作流缺陷/);
    expect(sweep.stuck[0]!.attempts).toBeGreaterThan(1);

    await recordHealth(t.db, sweep);
    const rows = await t.db.selectFrom('workflow_health').selectAll().execute();
    expect(rows).toMatchObject([{ workflow_id: workflowId, cycle_id: cycleId, problem: 'task_failing' }]);

    const doctor = spawnSync(process.execPath, [cli, 'doctor', '--cycle', cycleId], {
      env: { ...process.env, TEMPORAL_ADDRESS: testTemporalAddress(), DATABASE_URL: t.url },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(doctor.status).toBe(1);
    expect(doctor.stdout).toContain(workflowId);
    expect(doctor.stdout).toContain('工作流任务反复失败');

    await handle.terminate('test over');
    await recordHealth(t.db, await findStuck(stack.client, { cycleId }));
    expect(await t.db.selectFrom('workflow_health').selectAll().execute()).toEqual([]);
  });
});

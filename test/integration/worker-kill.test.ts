import { Connection } from '@temporalio/client';
import { freshDatabase, type TestDatabase } from '../support/db';
import { signedClient, testSigner, testTemporalAddress, uniqueId } from '../support/temporal';
import { drillCycle, preschoolPlan } from '../support/scenario';
import { waitFor } from '../support/wait';
import { bundleFile, killed, workerProcess } from '../support/worker-process';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { liveSource } from '../../audit/source';
import { verifyStreams } from '../../audit/verify';

describe('a worker killed mid-cycle', () => {
  let t: TestDatabase;
  let connection: Connection;
  beforeAll(async () => {
    t = await freshDatabase();
    connection = await Connection.connect({ address: testTemporalAddress() });
  });
  afterAll(async () => {
    await connection.close();
    await t.drop();
  });

  it('is replaced by another, and the record ends with every event exactly once', async () => {
    const client = signedClient(connection, await testSigner(t.db));
    const taskQueue = uniqueId('kill');
    const env = { TEMPORAL_ADDRESS: testTemporalAddress(), DATABASE_URL: t.url, DUDAO_TASK_QUEUE: taskQueue };
    const items = ['mp-01', 'mp-02', 'mp-03'].map((itemId) => ({
      ...preschoolPlan,
      itemId,
      milestones: [preschoolPlan.milestones[1]!],
    }));
    // One plan day per 100 ms from a month before the deadline: reminders and the ladder fire on their own.
    const input = drillCycle(uniqueId('c'), items, 36.5);
    input.window = {
      opensAt: '2017-11-30T16:00:00.000Z',
      submissionDueAt: '2017-12-29T15:59:59.000Z',
      reviewDueAt: '2018-01-20T15:59:59.000Z',
    };
    const cycle = await client.workflow.start(inspectionCycleWorkflow, {
      taskQueue,
      workflowId: `cycle-${input.cycleId}`,
      args: [input],
    });

    const bundle = await bundleFile();
    const first = workerProcess(env, bundle);
    const count = async () =>
      Number(
        (
          await t.db
            .selectFrom('events')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    await waitFor(async () => (await count()) >= 10, 60_000);
    await killed(first);
    const atKill = await count();

    const second = workerProcess(env, bundle);
    try {
      const summary = await cycle.result();
      expect(summary.items).toHaveLength(3);
      expect(await count()).toBeGreaterThan(atKill);
      const { streams } = await verifyStreams(liveSource(client, t.db, { cycleId: input.cycleId }));
      expect(streams).toHaveLength(4);
      expect(streams.flatMap((s) => s.findings)).toEqual([]);
      expect(streams.every((s) => s.pending === 0)).toBe(true);
    } finally {
      second.kill('SIGTERM');
      await new Promise((resolve) => second.once('exit', resolve));
    }
  });
});

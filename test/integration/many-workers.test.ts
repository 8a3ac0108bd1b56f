import os from 'node:os';
import { Connection, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { behaviourFor, nextAction } from '../../cli/demo/simulated-units';
import { sendProjectCommand } from '../../app/commands';
import { listProjectViews } from '../../app/projects';
import { replayAll, replayBundle } from '../../audit/replay';
import { liveSource } from '../../audit/source';
import { verifyStreams } from '../../audit/verify';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { clusterBinariesReady, startTestCluster, type TestCluster } from '../support/cluster';
import { freshDatabase, type TestDatabase } from '../support/db';
import { drillCycle, preschoolPlan } from '../support/scenario';
import { signedClient, testSigner, uniqueId } from '../support/temporal';
import { waitFor } from '../support/wait';
import { bundleFile, killed, workerProcess } from '../support/worker-process';

const EventType = temporal.api.enums.v1.EventType;
type History = temporal.api.history.v1.IHistory;

const completedBy = (history: History): string[] =>
  (history.events ?? [])
    .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
    .map((e) => e.workflowTaskCompletedEventAttributes?.identity ?? '');

/** The worker identity (`pid@host`) that completed the workflow's latest task. */
const lastCompletedBy = async (history: Promise<History>): Promise<string | undefined> =>
  completedBy(await history).at(-1);
const basePort = Number(process.env.DUDAO_TEST_TEMPORAL_PORT ?? 17233);

/*
 * Runs where the real server is built (`.tools/temporal-server-v1.29.1/`, or TEMPORAL_SERVER_BIN
 * and TEMPORAL_SQL_TOOL_BIN; CI builds it before the tests): it never builds it itself.
 * DUDAO_MANY_WORKERS=0 skips it. See the README ("Many workers, tested").
 */
const describeOnCluster =
  process.env.DUDAO_MANY_WORKERS !== '0' && clusterBinariesReady() ? describe : describe.skip;

describeOnCluster('three workers on one task queue, on the real Temporal server on PostgreSQL', () => {
  let t: TestDatabase;
  let server: TestCluster;
  let connection: Connection;
  let client: Client;
  beforeAll(async () => {
    t = await freshDatabase();
    server = await startTestCluster(basePort + 250);
    connection = await Connection.connect(server.cluster.connectionOptions);
    client = signedClient(connection, await testSigner(t.db), server.cluster.namespace);
  }, 180_000);
  afterAll(async () => {
    await connection?.close();
    await server?.stop();
    await t?.drop();
  });

  it('finishes a cycle with one worker SIGKILLed mid-way: every run replays and the log verifies', async () => {
    const taskQueue = uniqueId('three');
    const env = {
      TEMPORAL_ADDRESS: server.cluster.address,
      TEMPORAL_NAMESPACE: server.cluster.namespace,
      DATABASE_URL: t.url,
      DUDAO_TASK_QUEUE: taskQueue,
    };
    const items = ['mp-01', 'mp-02', 'mp-03', 'mp-04', 'mp-05', 'mp-06'].map((itemId) => ({
      ...preschoolPlan,
      itemId,
      milestones: [preschoolPlan.milestones[1]!],
    }));
    // One plan day per 300 ms from a month before the deadline: units act, reminders and the
    // 督办 ladder fire, and every project closes within about fifteen seconds.
    const input = drillCycle(uniqueId('c'), items, 110);
    input.window = {
      opensAt: '2017-11-30T16:00:00.000Z',
      submissionDueAt: '2017-12-29T15:59:59.000Z',
      reviewDueAt: '2018-01-20T15:59:59.000Z',
    };
    const bundle = await bundleFile();
    const workers = [0, 1, 2].map(() => workerProcess(env, bundle));
    const count = async () =>
      Number(
        (
          await t.db
            .selectFrom('events')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    try {
      const cycle = await client.workflow.start(inspectionCycleWorkflow, {
        taskQueue,
        workflowId: `cycle-${input.cycleId}`,
        args: [input],
      });
      // The units and 督导处 act as the demo's do, with signed commands, until the cycle ends.
      let finished = false;
      const result = cycle.result().finally(() => (finished = true));
      let actions = 0;
      const refusals: string[] = [];
      const units = (async () => {
        while (!finished) {
          const views = await listProjectViews(client, { cycleId: input.cycleId }).catch((err: Error) => {
            refusals.push(`list: ${err.message}`);
            return [];
          });
          await Promise.all(
            views.map(async ({ workflowId, view }) => {
              const command = nextAction(
                view,
                behaviourFor(items.findIndex((i) => i.itemId === view.state.projectId)),
              );
              if (!command) return;
              await sendProjectCommand(client.workflow.getHandle(workflowId), command).then(
                () => actions++,
                (err: Error) =>
                  refusals.push(
                    `${command.type}: ${(err.cause as Error | undefined)?.message ?? err.message}`,
                  ),
              );
            }),
          );
          await new Promise((r) => setTimeout(r, 250));
        }
      })();

      await waitFor(async () => (await count()) >= 20, 90_000);
      // The SIGKILL hits the worker that holds the cycle (sticky, it would keep it to the end): the
      // cycle's later tasks must then be taken by another process. Under load one worker can come
      // up first and take every workflow, so killing a fixed one proved nothing and could share none.
      const holder = await lastCompletedBy(cycle.fetchHistory());
      const victim = workers.find((w) => holder === `${w.pid}@${os.hostname()}`);
      expect({ holder, found: victim !== undefined }).toMatchObject({ found: true });
      await killed(victim!);
      const atKill = await count();

      const summary = await result;
      await units;
      expect(summary.items).toHaveLength(items.length);
      expect(await count()).toBeGreaterThan(atKill);
      expect({ actions: actions > 0, refusals: refusals.slice(0, 5) }).toMatchObject({ actions: true });

      const source = liveSource(client, t.db, { cycleId: input.cycleId });
      const { streams } = await verifyStreams(source);
      expect(streams).toHaveLength(items.length + 1);
      expect(streams.flatMap((s) => s.findings)).toEqual([]);
      expect(streams.every((s) => s.pending === 0)).toBe(true);

      const workflows = await source.workflows();
      const verdicts = await replayAll(workflows, await replayBundle());
      expect(verdicts.length).toBeGreaterThanOrEqual(items.length + 1);
      expect(verdicts.filter((v) => !v.deterministic)).toEqual([]);

      // The work really was shared: workflow tasks were completed by more than one worker process.
      const identities = new Set(workflows.flatMap((w) => w.runs.flatMap((r) => completedBy(r.history))));
      expect(identities.size).toBeGreaterThanOrEqual(2);
    } finally {
      for (const w of workers) await killed(w);
    }
  }, 300_000);
});

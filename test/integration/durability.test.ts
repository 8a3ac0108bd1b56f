import fs from 'node:fs';
import { sendProjectCommand } from '../../app/commands';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ensureTemporal, type TemporalEndpoint } from '../../stack/temporal';
import { createWorker } from '../../worker/worker';
import { freePort } from '../../stack/net';
import { freshDatabase, type TestDatabase } from '../support/db';
import { sharedBundle, signedClient, testSigner, uniqueId } from '../support/temporal';
import { drillCycle, inspector, preschoolPlan, unit } from '../support/scenario';
import { waitFor } from '../support/wait';
import { inspectionCycleWorkflow } from '../../workflows/cycle';
import { projectWorkflowId } from '../../workflows/ids';
import { projectStateQuery } from '../../workflows/messages';
import { readStream } from '../../db/event-store';

/** A dev server of this test's own, on the same --db-filename across a restart. */
describe('durability across a Temporal server restart and a worker kill', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-durable-'));
  const dbFile = path.join(dir, 'temporal.db');
  let port: number;
  let t: TestDatabase;

  beforeAll(async () => {
    t = await freshDatabase();
    // The kernel's pick, free now; the restarted server takes the same port again.
    port = await freePort();
  });
  afterAll(async () => {
    await t.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function session(server: TemporalEndpoint, taskQueue: string) {
    const { worker, connection } = await createWorker({
      connectionOptions: server.connectionOptions,
      namespace: 'default',
      taskQueue,
      db: t.db,
      workflowBundle: await sharedBundle(),
    });
    const running = worker.run();
    const clientConnection = await Connection.connect(server.connectionOptions);
    return {
      client: signedClient(clientConnection, await testSigner(t.db)),
      close: async () => {
        worker.shutdown();
        await running;
        await connection.close();
        await clientConnection.close();
      },
    };
  }

  it('finishes a workflow started before the server stopped, and records each event exactly once', async () => {
    const taskQueue = uniqueId('durable');
    const cycleId = uniqueId('c');
    const item = { ...preschoolPlan, milestones: [preschoolPlan.milestones[1]!] };
    const projectId = projectWorkflowId(`cycle-${cycleId}`, item.itemId);

    let server = await ensureTemporal({ port, headless: true, dbFile });
    let s = await session(server, taskQueue);
    await s.client.workflow.start(inspectionCycleWorkflow, {
      taskQueue,
      workflowId: `cycle-${cycleId}`,
      args: [drillCycle(cycleId, [item], 3600)],
    });
    const project = () => s.client.workflow.getHandle(projectId);
    await waitFor(
      async () => (await project().query(projectStateQuery)).state.milestones[0]?.phase === 'assigned',
    );
    await sendProjectCommand(project(), {
      type: 'submitReport',
      actor: unit('基教处'),
      milestoneId: 'mp-01/2017',
      narrative: '已完成',
      values: [{ targetIndex: 0, value: 81 }],
      evidence: [],
    });
    await s.close();
    await server.stop();

    server = await ensureTemporal({ port, headless: true, dbFile });
    s = await session(server, taskQueue);
    try {
      const view = await sendProjectCommand(project(), {
        type: 'approve',
        actor: inspector,
        milestoneId: 'mp-01/2017',
        comment: '同意',
      });
      expect(view.state.milestones[0]).toMatchObject({ outcome: 'met', rounds: 1 });
      const summary = await s.client.workflow.getHandle(`cycle-${cycleId}`).result();
      expect(summary.items[0]).toMatchObject({ met: 1 });
      const events = await readStream(t.db, projectId);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((e) => e.type === 'ReportSubmitted')).toHaveLength(1);
    } finally {
      await s.close();
      await server.stop();
    }
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { Connection } from '@temporalio/client';
import { Client } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { sendProjectCommand } from '../app/commands';
import { ensureKey } from '../app/keys';
import { signingClientOptions } from '../app/signing';
import type { Database } from '../db/database';
import type { CycleItem } from '../domain/cycle';
import { defaultPolicy } from '../domain/policy';
import type { Principal } from '../domain/principal';
import { startCluster } from '../stack/cluster';
import { startDevServer, type TemporalEndpoint } from '../stack/temporal';
import { bundleOptions } from '../worker/bundle';
import { createWorker } from '../worker/worker';
import { inspectionCycleWorkflow } from '../workflows/cycle';
import { projectWorkflowId } from '../workflows/ids';
import { projectStateQuery } from '../workflows/messages';
import { withBenchDatabase } from './bench-db';

const inspector: Principal = { userId: 'bench-inspector', role: 'inspector', unit: '督导处' };
const staff = (unit: string): Principal => ({ userId: `${unit}-bench`, role: 'unit_staff', unit });

/** `count` projects with one 2017 milestone each, led by one of four units. */
const itemsFor = (count: number): CycleItem[] =>
  Array.from({ length: count }, (_, i) => ({
    itemId: `tp-${String(i + 1).padStart(4, '0')}`,
    kind: 'major_project',
    title: `吞吐基准项目 ${i + 1}`,
    section: '（一）基准',
    units: [['基教处', '职成教处', '高教处', '规划处'][i % 4]!, '计财处'],
    targets: [{ metric: '完成率', op: '>=', value: 80, unit: '%', year: 2017 }],
    milestones: [{ year: 2017, text: '完成率达到80%以上' }],
  }));

/** Runs `tasks` with at most `limit` at a time. */
async function pool(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) await tasks[next++]!();
    }),
  );
}

const countEvents = async (db: Kysely<Database>, cycleId: string): Promise<number> =>
  Number(
    (
      await db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('cycle_id', '=', cycleId)
        .executeTakeFirstOrThrow()
    ).n,
  );

export interface Throughput {
  server: string;
  projects: number;
  updates: number;
  events: number;
  seconds: number;
  cycleSeconds: number;
}

/**
 * One cycle's throughput on `server`: P projects start (a slow drill, so no timer competes), then
 * every project's lead unit signs for its assignment, reports and the inspector approves — three
 * signed Updates per project, `concurrency` at a time — until the cycle closes. Updates/s and
 * events/s are over the commands' wall time; events count every event the cycle recorded then.
 */
async function cycleThroughput(
  label: string,
  server: TemporalEndpoint,
  projects: number,
  concurrency: number,
  workflowBundle: Awaited<ReturnType<typeof bundleWorkflowCode>>,
  keysDir: string,
): Promise<Throughput> {
  return withBenchDatabase('throughput', async ({ db }) => {
    const taskQueue = `bench-throughput-${Date.now().toString(36)}`;
    const { worker, connection } = await createWorker({
      connectionOptions: server.connectionOptions,
      namespace: server.namespace,
      taskQueue,
      db,
      workflowBundle,
    });
    const running = worker.run();
    const clientConnection = await Connection.connect(server.connectionOptions);
    const signer = await ensureKey(db, path.join(keysDir, `${label}.json`), 'service', '吞吐基准');
    const client = new Client({
      connection: clientConnection,
      namespace: server.namespace,
      ...signingClientOptions(signer),
    });
    try {
      const cycleId = `tp-${label}-${Date.now().toString(36)}`;
      const items = itemsFor(projects);
      const cycle = await client.workflow.start(inspectionCycleWorkflow, {
        taskQueue,
        workflowId: `cycle-${cycleId}`,
        args: [
          {
            cycleId,
            name: `吞吐基准 ${projects} 个项目`,
            planId: 'bench',
            planVersion: 1,
            scope: { kinds: ['major_project'] },
            window: {
              opensAt: '2016-12-31T16:00:00.000Z',
              submissionDueAt: '2017-12-29T15:59:59.000Z',
              reviewDueAt: '2018-01-31T15:59:59.000Z',
            },
            policy: defaultPolicy(),
            drill: { yearSeconds: 36_000 },
            items,
            startedBy: inspector,
          },
        ],
      });
      const handles = items.map((item) =>
        client.workflow.getHandle(projectWorkflowId(cycle.workflowId, item.itemId)),
      );
      // Every project open for work before the clock starts.
      await pool(
        handles.map((h) => async () => {
          for (;;) {
            const view = await h.query(projectStateQuery).catch(() => null);
            if (view?.state.milestones[0]?.phase === 'assigned') return;
            await new Promise((r) => setTimeout(r, 100));
          }
        }),
        concurrency,
      );
      const eventsBefore = await countEvents(db, cycleId);
      const t0 = performance.now();
      let updates = 0;
      await pool(
        items.map((item, i) => async () => {
          const h = handles[i]!;
          const milestoneId = `${item.itemId}/2017`;
          const lead = staff(item.units[0]!);
          await sendProjectCommand(h, {
            type: 'acknowledge',
            actor: lead,
            assignmentId: `${milestoneId}/lead`,
          });
          await sendProjectCommand(h, {
            type: 'submitReport',
            actor: lead,
            milestoneId,
            narrative: '完成率已达85%',
            values: [{ targetIndex: 0, value: 85 }],
            evidence: [],
          });
          await sendProjectCommand(h, { type: 'approve', actor: inspector, milestoneId, comment: '同意' });
          updates += 3;
        }),
        concurrency,
      );
      const seconds = (performance.now() - t0) / 1000;
      const events = (await countEvents(db, cycleId)) - eventsBefore;
      await cycle.result();
      const cycleSeconds = (performance.now() - t0) / 1000;
      return { server: label, projects, updates, events, seconds, cycleSeconds };
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
      await clientConnection.close();
    }
  });
}

/**
 * Cycle throughput on the embedded dev server and on the real Temporal server on PostgreSQL, side
 * by side in one run, same workload, one in-process worker each. BENCH_CLUSTER_PROJECTS (default
 * 100) projects, BENCH_CLUSTER_CONCURRENCY (default 16) commands in flight.
 */
export async function benchClusterThroughput(
  projects = Number(process.env.BENCH_CLUSTER_PROJECTS ?? 100),
  concurrency = Number(process.env.BENCH_CLUSTER_CONCURRENCY ?? 16),
): Promise<Throughput[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-bench-throughput-'));
  const port = Number(process.env.BENCH_TEMPORAL_PORT ?? 27233) + 10;
  const clusterPort = Number(process.env.BENCH_CLUSTER_PORT ?? 27433);
  const bundle = await bundleWorkflowCode({
    ...bundleOptions(),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
  const results: Throughput[] = [];
  const dev = await startDevServer({ port, headless: true, dbFile: path.join(dir, 'temporal.db') });
  try {
    results.push(await cycleThroughput('dev-server', dev, projects, concurrency, bundle, dir));
  } finally {
    await dev.stop();
  }
  const serverUrl = new URL(
    process.env.BENCH_DATABASE_URL ??
      process.env.DATABASE_URL ??
      'postgres://postgres@127.0.0.1:5432/postgres',
  );
  const temporalDb = `dudao_bench_temporal_${Date.now().toString(36)}`;
  serverUrl.pathname = `/${temporalDb}`;
  const cluster = await startCluster({
    databaseUrl: serverUrl.toString(),
    port: clusterPort,
    logDir: dir,
    log: (line) => console.log(line),
  });
  try {
    results.push(await cycleThroughput('postgresql-server', cluster, projects, concurrency, bundle, dir));
  } finally {
    await cluster.stop();
    serverUrl.pathname = '/postgres';
    const pg = new PgClient({ connectionString: serverUrl.toString() });
    await pg.connect();
    for (const db of [temporalDb, `${temporalDb}_visibility`])
      await pg.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await pg.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `\n周期吞吐：${projects} 个项目，每个项目签收、报送、审定 3 个已签名命令，同时 ${concurrency} 个在途；每种服务一个进程内 worker`,
  );
  console.table(
    Object.fromEntries(
      results.map((r) => [
        r.server === 'dev-server' ? 'Temporal dev server (SQLite)' : 'Temporal server v1.29.1 on PostgreSQL',
        {
          updates: r.updates,
          'updates/s': (r.updates / r.seconds).toFixed(1),
          events: r.events,
          'events/s': (r.events / r.seconds).toFixed(1),
          'commands s': r.seconds.toFixed(2),
          'until cycle closed s': r.cycleSeconds.toFixed(2),
        },
      ]),
    ),
  );
  return results;
}

if (require.main === module) {
  benchClusterThroughput().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

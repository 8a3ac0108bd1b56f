import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { ensureTemporal } from '../stack/temporal';
import { createWorker } from '../worker/worker';
import { withBenchDatabase } from './bench-db';
import { itemsFor } from './seed-items';
import { defaultPolicy } from '../domain/policy';
import { inspectionCycleWorkflow } from '../workflows/cycle';
import { liveSource, type AuditSource } from '../audit/source';
import { replayAll, replayBundle } from '../audit/replay';
import { verifyModels, verifyStreams } from '../audit/verify';
import { ensureKey } from '../app/keys';
import { signingClientOptions } from '../app/signing';

const seconds = async <T>(body: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const value = await body();
  return [value, (performance.now() - t0) / 1000];
};

/**
 * Audit throughput on real histories: a drill cycle of N projects runs to its end on a dev server
 * of the bench's own (reminders, the 督办 ladder, closing), then the histories are replayed by the
 * audit and by `Worker.runReplayHistories` alone (the baseline, same histories, same run), and
 * verified against the event log. Sizes: BENCH_AUDIT_PROJECTS (default "16,1000").
 */
export async function benchAudit(
  sizes = (process.env.BENCH_AUDIT_PROJECTS ?? '16,1000').split(',').map(Number),
): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-bench-temporal-'));
  const port = Number(process.env.BENCH_TEMPORAL_PORT ?? 27233);
  const server = await ensureTemporal({
    port,
    headless: true,
    dbFile: path.join(dir, 'temporal.db'),
    ephemeralDurability: true,
  });
  try {
    const bundle = await replayBundle();
    for (const size of sizes) {
      await withBenchDatabase('audit', async ({ db }) => {
        const taskQueue = `bench-audit-${size}`;
        const { worker, connection } = await createWorker({
          connectionOptions: server.connectionOptions,
          namespace: 'default',
          taskQueue,
          db,
          workflowBundle: bundle,
        });
        const running = worker.run();
        const clientConnection = await Connection.connect(server.connectionOptions);
        const signer = await ensureKey(db, path.join(dir, `keys-${size}`, 'service.json'), 'service', '基准');
        const client = new Client({ connection: clientConnection, ...signingClientOptions(signer) });
        try {
          const cycleId = `bench-${size}-${Date.now().toString(36)}`;
          const [, runSeconds] = await seconds(async () => {
            const cycle = await client.workflow.start(inspectionCycleWorkflow, {
              taskQueue,
              workflowId: `cycle-${cycleId}`,
              args: [
                {
                  cycleId,
                  name: `审计基准 ${size} 个项目`,
                  planId: 'bench',
                  planVersion: 1,
                  scope: { kinds: ['major_project'] },
                  window: {
                    opensAt: '2017-11-30T16:00:00.000Z',
                    submissionDueAt: '2017-12-29T09:00:00.000Z',
                    reviewDueAt: '2018-01-15T09:00:00.000Z',
                  },
                  policy: defaultPolicy(),
                  drill: { yearSeconds: size > 100 ? 365 : 91 },
                  items: itemsFor(size),
                  startedBy: { userId: 'bench', role: 'inspector', unit: '督导处' },
                },
              ],
            });
            await cycle.result();
          });
          const scope = { cycleId };
          const [workflows, fetchSeconds] = await seconds(() => liveSource(client, db, scope).workflows());
          const runs = workflows.flatMap((w) =>
            w.runs.map((r) => ({ workflowId: w.workflowId, history: r.history })),
          );
          const [, baselineSeconds] = await seconds(async () => {
            for await (const result of Worker.runReplayHistories(
              { workflowBundle: bundle, replayName: 'baseline' },
              runs,
            )) {
              if (result.error) throw result.error;
            }
          });
          const [verdicts, replaySeconds] = await seconds(() => replayAll(workflows, bundle));
          if (!verdicts.every((v) => v.deterministic)) throw new Error('replay diverged');
          const prefetched: AuditSource = {
            workflows: async () => workflows,
            log: () => liveSource(client, db, scope).log(),
          };
          const [checked, verifySeconds] = await seconds(() => verifyStreams(prefetched));
          if (!checked.streams.every((s) => s.agrees)) throw new Error('verify disagreed');
          const [, modelSeconds] = await seconds(() => verifyModels(db));
          const events = checked.counts.events;
          const perSecond = (n: number, s: number) => `${(n / s).toFixed(0)}/s`;
          console.log(
            `\n审计基准：${size} 个项目（周期运行 ${runSeconds.toFixed(1)} 秒），${workflows.length} 个工作流、${runs.length} 次运行、${events} 条事件`,
          );
          console.table({
            'fetch histories': {
              seconds: fetchSeconds.toFixed(2),
              histories: perSecond(runs.length, fetchSeconds),
              events: perSecond(events, fetchSeconds),
            },
            'runReplayHistories alone (baseline)': {
              seconds: baselineSeconds.toFixed(2),
              histories: perSecond(runs.length, baselineSeconds),
              events: perSecond(events, baselineSeconds),
            },
            'audit replay': {
              seconds: replaySeconds.toFixed(2),
              histories: perSecond(runs.length, replaySeconds),
              events: perSecond(events, replaySeconds),
              'vs baseline': `${(replaySeconds / baselineSeconds).toFixed(2)}×`,
            },
            'audit verify (events + chains)': {
              seconds: verifySeconds.toFixed(2),
              histories: perSecond(runs.length, verifySeconds),
              events: perSecond(events, verifySeconds),
              'vs baseline': `${(verifySeconds / baselineSeconds).toFixed(2)}×`,
            },
            'verify read models (rebuild + compare)': {
              seconds: modelSeconds.toFixed(2),
              events: perSecond(events, modelSeconds),
            },
          });
        } finally {
          worker.shutdown();
          await running;
          await connection.close();
          await clientConnection.close();
        }
      });
    }
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * npm run chaos — supervision survives faults. Each run starts its own Temporal dev server and
 * PostgreSQL, runs a drill cycle over the seed's 16 major projects with units acting from a
 * process of their own, SIGKILLs the worker at random moments, SIGKILLs and restarts the Temporal
 * server once and restarts PostgreSQL once (immediate shutdown), then checks that the cycle
 * completed, every run replays, the histories and the event log agree, no event is lost,
 * duplicated or out of order, every notice was delivered, and no workflow task failed.
 *
 *   node dist/test/chaos/run.js [--runs 10] [--kills 8] [--year-seconds 15] [--seed N]
 *   node dist/test/chaos/run.js --short        (CI: one run, 3 kills, a faster drill)
 *
 * One line of figures per run; exit code 1 when any run finds a problem.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import {
  DefaultLogger,
  Runtime,
  bundleWorkflowCode,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { connectDatabase } from '../../db/connect';
import { migrateToLatest } from '../../db/migrate';
import { parsePlanBytes } from '../../seeds/parser/parse';
import { importPlan } from '../../seeds/import';
import { defaultPolicy } from '../../domain/policy';
import type { Principal } from '../../domain/principal';
import { buildCycleInput } from '../../app/cycles';
import { cycleWorkflowId } from '../../workflows/ids';
import { bundleOptions } from '../../worker/bundle';
import { checkRun, problemsOf } from './checks';
import { startReceiver } from './receiver';
import { WorkerProcess, sleep, startPostgres, startTemporal } from './services';
import { ensureKey } from '../../app/keys';
import { KeyFileSigner, signingClientOptions } from '../../app/signing';

interface Options {
  runs: number;
  kills: number;
  yearSeconds: number;
  seed: number;
}

const repo = path.join(__dirname, '..', '..', '..');
const NOTICE_LEASE_SECONDS = 10;
const SEED_PLAN = path.join(repo, 'seeds', 'quzhou-education-13th-fyp-task-division.txt');
const inspector: Principal = { userId: '督导处-混沌', role: 'inspector', unit: '督导处' };
/** The drill runs 2016-01-01 to the review deadline of 2021-03-31: 5¼ plan years. */
const PLAN_YEARS = 5.25;

function parseArgs(argv: string[]): Options {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const short = argv.includes('--short');
  return {
    runs: Number(get('runs') ?? (short ? 1 : 10)),
    kills: Number(get('kills') ?? (short ? 3 : 8)),
    yearSeconds: Number(get('year-seconds') ?? (short ? 10 : 15)),
    seed: Number(get('seed') ?? Date.now() % 100_000),
  };
}

/** A small seeded generator, so a run's fault schedule can be repeated from its printed seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Fault {
  at: number;
  kind: 'worker' | 'temporal' | 'postgres';
}

/** Worker kills spread over the cycle, one server kill and one database restart in its middle. */
function faultSchedule(rand: () => number, kills: number, durationMs: number): Fault[] {
  const faults: Fault[] = [];
  for (let i = 0; i < kills; i++) {
    const slot = (durationMs * 0.9) / kills;
    faults.push({ at: 2_000 + slot * i + rand() * slot * 0.8, kind: 'worker' });
  }
  faults.push({ at: durationMs * (0.3 + rand() * 0.2), kind: 'temporal' });
  faults.push({ at: durationMs * (0.55 + rand() * 0.2), kind: 'postgres' });
  return faults.sort((a, b) => a.at - b.at);
}

async function chaosRun(
  n: number,
  opts: Options,
  bundle: WorkflowBundleWithSourceMap,
  bundlePath: string,
): Promise<string[]> {
  const started = Date.now();
  const seed = opts.seed + n;
  const rand = random(seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dudao-chaos-${n}-`));
  const pg = await startPostgres(dir);
  const server = await startTemporal(dir);
  const database = connectDatabase(pg.url, 4);
  const db = database.db;
  const receiver = await startReceiver();
  const connection = await Connection.connect({ address: server.address });
  // The cycle and the units' commands are signed as the web API signs them, with a service key
  // registered once the database is migrated.
  const keyFile = path.join(dir, 'keys', 'service.json');
  const client = new Client({ connection, ...signingClientOptions(new KeyFileSigner(keyFile)) });
  const cycleId = `chaos${n}-${seed}`;
  const env = {
    TEMPORAL_ADDRESS: server.address,
    DATABASE_URL: pg.url,
    DUDAO_TASK_QUEUE: `chaos-${n}`,
    DUDAO_WEBHOOK_URL: receiver.url,
    DUDAO_LOG_LEVEL: 'ERROR',
    // A killed worker strands the notice it was sending until its lease runs out; the drill's
    // lease is short so that retry happens within the run.
    DUDAO_NOTIFIER_LEASE_SECONDS: String(NOTICE_LEASE_SECONDS),
  };
  const worker = new WorkerProcess(env, bundlePath, path.join(dir, 'worker.log'));
  const counts = { temporal: 0, postgres: 0 };
  try {
    await migrateToLatest(db as Kysely<unknown>);
    const parsed = parsePlanBytes(fs.readFileSync(SEED_PLAN));
    if (!parsed.ok) throw new Error(parsed.error);
    const imported = await importPlan(db, parsed.plan, parsed.text, path.basename(SEED_PLAN));
    const input = await buildCycleInput(
      {
        name: '“十三五”重大项目专项督导（混沌演练）',
        cycleId,
        window: {
          opensAt: '2015-12-31T16:00:00.000Z',
          submissionDueAt: '2020-12-31T09:00:00.000Z',
          reviewDueAt: '2021-03-31T09:00:00.000Z',
        },
        scope: { kinds: ['major_project'] },
        policy: defaultPolicy(),
        drill: { yearSeconds: opts.yearSeconds },
        planId: imported.planId,
        planVersion: imported.version,
      },
      inspector,
      db,
    );
    await ensureKey(db, keyFile, 'service', '混沌演练');
    worker.start();
    await client.workflow.start('inspectionCycleWorkflow', {
      taskQueue: env.DUDAO_TASK_QUEUE,
      workflowId: cycleWorkflowId(cycleId),
      args: [input],
    });
    const units = spawn(
      process.execPath,
      [path.join(__dirname, 'units.js'), server.address, cycleId, keyFile],
      {
        stdio: [
          'ignore',
          fs.openSync(path.join(dir, 'units.log'), 'a'),
          fs.openSync(path.join(dir, 'units.log'), 'a'),
        ],
      },
    );

    const durationMs = opts.yearSeconds * PLAN_YEARS * 1000;
    const done = waitForCycle(client, cycleId, durationMs * 3 + 180_000);
    let finished = false;
    void done.finally(() => (finished = true));
    for (const fault of faultSchedule(rand, opts.kills, durationMs)) {
      await sleep(Math.max(0, started + fault.at - Date.now()));
      if (finished) break;
      if (fault.kind === 'worker') {
        await worker.kill();
        await sleep(200 + rand() * 1_800);
        worker.start();
      } else if (fault.kind === 'temporal') {
        await server.killAndRestart(500 + rand() * 2_000);
        counts.temporal++;
      } else {
        await pg.restartImmediately();
        counts.postgres++;
      }
    }
    const status = await done;
    await waitForNotices(db, cycleId);
    units.kill('SIGTERM');
    await worker.stop();

    const findings = await checkRun(client, db, cycleId, bundle, receiver.received, dir);
    const problems = [
      ...(status === 'COMPLETED' ? [] : [`督导周期未完成：${status}`]),
      ...worker.unexpectedExits.map((exit) => `worker 自行退出（${exit}）`),
      ...problemsOf(findings),
    ];
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    console.log(
      `第 ${n} 次（种子 ${seed}）${problems.length ? '❌' : '✅'}  ` +
        `worker 被杀 ${worker.kills} 次 · Temporal 重启 ${counts.temporal} 次 · PostgreSQL 重启 ${counts.postgres} 次 · ` +
        `回放 ${findings.runs - findings.nondeterministic.length}/${findings.runs} 个运行一致 · ` +
        `事件 ${findings.events} · 通知 ${findings.notices}（重复投递 ${findings.duplicateDeliveries}） · 用时 ${seconds} 秒`,
    );
    for (const p of problems.slice(0, 20)) console.log(`    ${p}`);
    return problems;
  } finally {
    await worker.stop().catch(() => undefined);
    await receiver.close();
    await connection.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    await server.stop().catch(() => undefined);
    await pg.stop().catch(() => undefined);
    if (!process.env.DUDAO_CHAOS_KEEP) fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function waitForCycle(client: Client, cycleId: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const { status } = await client.workflow.getHandle(cycleWorkflowId(cycleId)).describe();
      if (status.name !== 'RUNNING') return status.name;
    } catch {
      // the server is down for a moment
    }
    await sleep(1_000);
  }
  return 'TIMED_OUT';
}

/**
 * The notifier delivers shortly after the last event, and a notice stranded by a killed worker once
 * its lease runs out: wait for the outbox to hold nothing pending or sending.
 */
async function waitForNotices(db: Kysely<Database>, cycleId: string): Promise<void> {
  const deadline = Date.now() + 60_000 + NOTICE_LEASE_SECONDS * 1000;
  while (Date.now() < deadline) {
    const pending = await db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('cycle_id', '=', cycleId)
      .where('status', 'in', ['pending', 'sending'])
      .executeTakeFirst()
      .catch(() => undefined);
    if (pending && Number(pending.n) === 0) return;
    await sleep(500);
  }
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
  console.log(
    `混沌演练：${opts.runs} 次，每次 16 个重大项目、演练日历每年 ${opts.yearSeconds} 秒、worker 被杀 ${opts.kills} 次、Temporal 与 PostgreSQL 各重启 1 次（起始种子 ${opts.seed}）`,
  );
  const bundle = await bundleWorkflowCode({
    ...bundleOptions(),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
  const bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-chaos-bundle-'));
  const bundlePath = path.join(bundleDir, 'workflows.js');
  fs.writeFileSync(bundlePath, bundle.code);
  let failed = 0;
  for (let n = 1; n <= opts.runs; n++) {
    const problems = await chaosRun(n, opts, bundle, bundlePath).catch((err: unknown) => {
      console.log(
        `第 ${n} 次 ❌ 运行出错：${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      return ['error'];
    });
    if (problems.length) failed++;
  }
  fs.rmSync(bundleDir, { recursive: true, force: true });
  console.log(`\n混沌演练结束：${opts.runs - failed}/${opts.runs} 次全部检查通过。`);
  // Explicitly: embedded PostgreSQL's exit hook would otherwise end the process with 0.
  process.exit(failed ? 1 : 0);
}

void main();

import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, type ClientOptions, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode } from '@temporalio/worker';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';
import { openProjectFacts, type MilestoneFacts } from '../db/project-views';
import { ensureTemporal, type TemporalEndpoint } from '../stack/temporal';
import { bundleOptions } from '../worker/bundle';
import { withBenchDatabase } from './bench-db';
import { itemsFor } from './seed-items';
import { defaultPolicy } from '../domain/policy';
import type { ProjectCommand } from '../domain/commands';
import { sendProjectCommand } from '../app/commands';
import { inspectionCycleWorkflow } from '../workflows/cycle';
import { projectWorkflowId } from '../workflows/ids';
import { cycleStateQuery, projectStateQuery } from '../workflows/messages';
import { bareAct, bareCycle } from './bare/workflows';
import { ensureKey } from '../app/keys';
import { signingClientOptions } from '../app/signing';

/**
 * The cost of a project (issue 13): human actions per second, their latency, the time to start a
 * cycle, and the worker's memory with projects open — dudao against a bare-Temporal baseline of
 * the same shape (a parent starting children a hundred at a time; each Update runs one activity
 * that inserts one row), on the same server, with the same number of Updates, in the same run.
 * Each worker runs in a process of its own so its memory is its own. Each size runs in rounds
 * (BENCH_COST_ROUNDS), the engines taking turns to go first, and the figures pool the rounds.
 * People act from their inboxes: dudao's projects are found in the read model, as units find them.
 * At 300 projects or more, the same Updates again, paced as people act (BENCH_COST_THINK_MS
 * between a project's actions, default 10 s), for their latency when nothing queues
 * (BENCH_COST_PACED=0 leaves that out, for quicker comparisons of throughput).
 * Sizes: BENCH_COST_PROJECTS (default "100,300"), BENCH_COST_IDLE (default 1000); both workers
 * run workflow code on BENCH_COST_WORKFLOW_THREADS threads (default 1, the SDK's default).
 */
export async function benchProjectCost(): Promise<void> {
  const sizes = (process.env.BENCH_COST_PROJECTS ?? '100,300')
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
  const idle = Number(process.env.BENCH_COST_IDLE ?? 1000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-bench-cost-'));
  try {
    const bundles = await writeBundles(dir);
    await withBenchDatabase('cost', async ({ db, url }) => {
      await sql`CREATE TABLE bench_bare (workflow_id text, n int, PRIMARY KEY (workflow_id, n))`.execute(db);
      // dudao's commands are signed as the web API signs them (a service key registered here).
      const signer = await ensureKey(db, path.join(dir, 'keys', 'service.json'), 'service', '基准');
      const stage: OnStage = (name) => (body) =>
        onFreshServer(dir, name, signingClientOptions(signer), (on) => body({ ...on, db, url, bundles }));
      for (const size of sizes) await updatesAtSize(stage, size);
      // BENCH_COST_IDLE=0 measures only the Updates.
      if (idle > 0) {
        const dudaoIdle = await stage('idle-dudao')((on) => idleMemory(on, idle, 'dudao'));
        console.log(
          `dudao：${idle} 个项目在办，worker 内存 ${dudaoIdle.rssMb.toFixed(0)} MB，启动用时 ${dudaoIdle.startSeconds.toFixed(1)} 秒`,
        );
        const bareIdle = await stage('idle-bare')((on) => idleMemory(on, idle, 'bare'));
        console.log(`\n${idle} 个项目在办（空闲）时 worker 的内存与启动时间`);
        const idleRow = (r: typeof dudaoIdle) => ({
          'RSS MB': r.rssMb.toFixed(0),
          'start s': r.startSeconds.toFixed(1),
          'start CPU ms/project (worker · server · client · PostgreSQL)': [
            r.startCpu.worker,
            r.startCpu.server,
            r.startCpu.client,
            r.startCpu.database,
          ]
            .map((ms) => ms.toFixed(1))
            .join(' · '),
        });
        console.table({
          dudao: idleRow(dudaoIdle),
          'bare Temporal (baseline)': idleRow(bareIdle),
          'dudao ÷ baseline': {
            'RSS MB': `${(dudaoIdle.rssMb / bareIdle.rssMb).toFixed(2)}× (目标 ≤ 1.50×)`,
            'start s': `${(dudaoIdle.startSeconds / bareIdle.startSeconds).toFixed(2)}× (dudao 目标 < 30 秒)`,
          },
        });
      }
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What a stage of the bench runs on: its own Temporal server, the bench's database, the bundles. */
interface Stage {
  server: TemporalEndpoint;
  /** The baseline's client; `signed` signs dudao's commands as the web API does. */
  client: Client;
  signed: Client;
  db: Kysely<Database>;
  url: string;
  bundles: { dudao: string; bare: string };
}

/** Runs a body on a stage of its own, named for its database file. */
type OnStage = (name: string) => <T>(body: (stage: Stage) => Promise<T>) => Promise<T>;

/**
 * Runs `body` on a Temporal dev server of its own, started on an empty database file: the dev
 * server's SQLite store slows as it fills (a start of 1,000 projects took 23 s on a fresh server
 * and 31 s after the Update stages), and it still works through one run's closing tasks when the
 * next begins: no run's leftovers are part of another's cost.
 */
async function onFreshServer<T>(
  dir: string,
  name: string,
  signing: Pick<ClientOptions, 'interceptors'>,
  body: (on: Pick<Stage, 'server' | 'client' | 'signed'>) => Promise<T>,
): Promise<T> {
  const dbFile = path.join(dir, `temporal-${name}.db`);
  const server = await ensureTemporal({
    port: Number(process.env.BENCH_COST_TEMPORAL_PORT ?? 29233),
    headless: true,
    dbFile,
    ephemeralDurability: true,
  });
  const connection = await Connection.connect(server.connectionOptions);
  try {
    return await body({
      server,
      client: new Client({ connection }),
      signed: new Client({ connection, ...signing }),
    });
  } finally {
    await connection.close();
    await server.stop();
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${dbFile}${suffix}`, { force: true });
  }
}

/** Each engine's Updates at `size` projects, in rounds; at 300 or more, paced as people act too. */
async function updatesAtSize(stage: OnStage, size: number): Promise<void> {
  const rounds: { dudao: Run; bare: Run }[] = [];
  // The baseline's projects take as many Updates as dudao's first run gave each project.
  let shape: number[] = [];
  const runDudaoNow = async (round: number, think?: number) => {
    const run = await stage(`updates-${size}-dudao-${round}`)((on) => runDudao(on, size, think));
    if (shape.length === 0) shape = run.updatesPerProject;
    return run;
  };
  const runBareNow = (round: number, think?: number) =>
    stage(`updates-${size}-bare-${round}`)((on) => runBare(on, size, shape, think));
  for (let round = 0; round < ROUNDS; round++) {
    // Each run on a server of its own; the engines still take turns to go first, so that
    // whatever else drifts on the machine weighs on both alike.
    if (round % 2 === 0) {
      const dudao = await runDudaoNow(round);
      rounds.push({ dudao, bare: await runBareNow(round) });
    } else {
      const bare = await runBareNow(round);
      rounds.push({ bare, dudao: await runDudaoNow(round) });
    }
  }
  const dudao = pooled(rounds.map((r) => r.dudao));
  const bare = pooled(rounds.map((r) => r.bare));
  console.log(
    `\n项目成本：${size} 个项目并发办理，${ROUNDS} 轮共 ${dudao.updates} 次人工操作（Update），工作流线程 ${WORKFLOW_THREADS} 个`,
  );
  console.table({
    dudao: row(dudao),
    'bare Temporal (baseline)': row(bare),
    'dudao ÷ baseline': {
      'updates/s': `${(rate(dudao) / rate(bare)).toFixed(2)}× (目标 ≥ 0.80×)`,
      'p99 ms': `${(dudao.p99 / bare.p99).toFixed(2)}×`,
      'start s': `${(dudao.startSeconds / bare.startSeconds).toFixed(2)}×`,
    },
  });
  console.log(`每个项目的历史事件（dudao）：${historyTypes(dudao.history)}`);
  console.log(`每个项目的历史事件（baseline）：${historyTypes(bare.history)}`);
  // The rounds' own rates show whether a ratio moved with one engine or with the machine.
  const rates = (engine: 'dudao' | 'bare') => rounds.map((r) => rate(r[engine]).toFixed(1)).join('、');
  console.log(
    `各轮 updates/s 之比（dudao ÷ baseline）：${rounds.map((r) => (rate(r.dudao) / rate(r.bare)).toFixed(2)).join('、')}` +
      `（dudao ${rates('dudao')}；baseline ${rates('bare')}）`,
  );
  console.log(
    `每次 Update 所有相关进程 CPU 毫秒数之比（baseline ÷ dudao；两核跑满时吞吐之比应接近它）：` +
      `${(cpuTotal(bare) / cpuTotal(dudao)).toFixed(2)}×（dudao ${cpuTotal(dudao).toFixed(1)}，baseline ${cpuTotal(bare).toFixed(1)}；` +
      `各轮 ${rounds.map((r) => (cpuTotal(r.bare) / cpuTotal(r.dudao)).toFixed(2)).join('、')}）`,
  );
  if (size < 300 || process.env.BENCH_COST_PACED === '0') return;
  console.log(`p99 延迟 ${dudao.p99.toFixed(0)} 毫秒（目标 < 2000），失败 ${dudao.failed} 次（目标 0）`);
  // Every project's next Update queued behind all the others' measures the queue (about
  // 300 ÷ Updates/s), the bare engine's too; paced as people act, it measures the service.
  const paced = await runDudaoNow(ROUNDS, THINK_MS);
  const pacedBare = await runBareNow(ROUNDS, THINK_MS);
  console.log(
    `${size} 个项目同时在办、每个项目两次操作间隔 ${THINK_MS / 1000} 秒（约 ${((size / THINK_MS) * 1000).toFixed(0)} 次/秒）：` +
      `p99 延迟 dudao ${paced.p99.toFixed(0)} 毫秒、bare ${pacedBare.p99.toFixed(0)} 毫秒（目标 < 2000），` +
      `p50 ${paced.p50.toFixed(0)} / ${pacedBare.p50.toFixed(0)} 毫秒，失败 ${paced.failed} / ${pacedBare.failed} 次`,
  );
}

interface Run {
  updates: number;
  /** CPU milliseconds per Update in each process while the Updates ran. */
  cpu: CpuPerUpdate;
  updatesPerProject: number[];
  latencies: number[];
  seconds: number;
  p50: number;
  p99: number;
  failed: number;
  startSeconds: number;
  history: HistorySize;
}

/** A project's history once its Updates are done: events and encoded bytes, by event type too. */
type HistorySize = { events: number; bytes: number; byType: Record<string, number> };

/** The mean history of the first `sample` projects (all of them run the same shape). */
async function historySize(handles: WorkflowHandle[], sample = 10): Promise<HistorySize> {
  const picked = handles.slice(0, sample);
  const total: HistorySize = { events: 0, bytes: 0, byType: {} };
  for (const handle of picked) {
    const history = await handle.fetchHistory();
    total.events += history.events?.length ?? 0;
    total.bytes += temporal.api.history.v1.History.encode(history).finish().length;
    for (const event of history.events ?? []) {
      const type = temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? String(event.eventType);
      const name = type.replace(/^EVENT_TYPE_/, '');
      total.byType[name] = (total.byType[name] ?? 0) + 1;
    }
  }
  const n = Math.max(1, picked.length);
  return {
    events: total.events / n,
    bytes: total.bytes / n,
    byType: Object.fromEntries(Object.entries(total.byType).map(([k, v]) => [k, v / n])),
  };
}

/**
 * Runs of each engine at one size (BENCH_COST_ROUNDS, default 3): one run of a few seconds moves
 * by a tenth from one to the next on the same machine, the baseline's too.
 */
const ROUNDS = Math.max(1, Number(process.env.BENCH_COST_ROUNDS ?? 3));

const rate = (r: Run): number => r.updates / r.seconds;

/** Several runs as one: their Updates over their time, latencies and CPU over all their Updates. */
function pooled(runs: Run[]): Run {
  const updates = runs.reduce((n, r) => n + r.updates, 0);
  const cpuOf = (key: keyof CpuPerUpdate) => runs.reduce((n, r) => n + r.cpu[key] * r.updates, 0) / updates;
  return {
    ...summary({
      latencies: runs.flatMap((r) => r.latencies),
      failed: runs.reduce((n, r) => n + r.failed, 0),
      seconds: runs.reduce((n, r) => n + r.seconds, 0),
    }),
    cpu: {
      worker: cpuOf('worker'),
      server: cpuOf('server'),
      client: cpuOf('client'),
      database: cpuOf('database'),
    },
    updatesPerProject: runs[0]!.updatesPerProject,
    history: runs[0]!.history,
    startSeconds: runs.reduce((n, r) => n + r.startSeconds, 0) / runs.length,
  };
}

/** A person's pause between two actions on a project, in the paced run (BENCH_COST_THINK_MS). */
const THINK_MS = Number(process.env.BENCH_COST_THINK_MS ?? 10_000);

/** Threads running workflow code, in dudao's worker and the baseline's alike. */
const WORKFLOW_THREADS = Number(process.env.BENCH_COST_WORKFLOW_THREADS ?? 1);

const row = (r: Run) => ({
  'updates/s': rate(r).toFixed(1),
  'p50 ms': r.p50.toFixed(0),
  'p99 ms': r.p99.toFixed(0),
  failed: r.failed,
  'start s': r.startSeconds.toFixed(1),
  'worker CPU ms/update': r.cpu.worker.toFixed(1),
  'server CPU ms/update': r.cpu.server.toFixed(1),
  'client CPU ms/update': r.cpu.client.toFixed(1),
  'PostgreSQL CPU ms/update': r.cpu.database.toFixed(1),
  'history events/project': r.history.events.toFixed(1),
  'history KB/project': (r.history.bytes / 1024).toFixed(1),
});

/** The event types of a project's history, most frequent first: where two engines' histories differ. */
const historyTypes = (h: HistorySize): string =>
  Object.entries(h.byType)
    .sort((a, b) => b[1] - a[1])
    .map(([type, n]) => `${type} ${n.toFixed(1)}`)
    .join('，');

type CpuPerUpdate = { worker: number; server: number; client: number; database: number };

/** Every measured process's CPU per Update: with the cores saturated, Updates/s is about cores ÷ this. */
const cpuTotal = (r: Run): number => r.cpu.worker + r.cpu.server + r.cpu.client + r.cpu.database;

/** User plus system CPU milliseconds a process has used (Linux /proc; clock ticks of 10 ms). */
const cpuMs = (pid: number): number => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

/**
 * CPU milliseconds of every PostgreSQL process on this host, by pid: the server the bench writes to
 * runs here (on a shared host this counts other users' queries too).
 */
function postgresCpu(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres')
        byPid.set(Number(entry), cpuMs(Number(entry)));
    } catch {
      // the process ended while being read
    }
  }
  return byPid;
}

/** Starts a CPU meter over the worker, the Temporal server, this (client) process and PostgreSQL. */
function cpuMeter(workerPid: number, serverPid: number | undefined): (updates: number) => CpuPerUpdate {
  const clientMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const at = { worker: cpuMs(workerPid), server: serverPid ? cpuMs(serverPid) : 0, client: clientMs() };
  const database = postgresCpu();
  return (updates) => {
    // A backend started since counts whole; one that ended since is lost (the pools keep theirs).
    let databaseMs = 0;
    for (const [pid, ms] of postgresCpu()) databaseMs += ms - (database.get(pid) ?? 0);
    return {
      worker: (cpuMs(workerPid) - at.worker) / updates,
      server: serverPid ? (cpuMs(serverPid) - at.server) / updates : 0,
      client: (clientMs() - at.client) / updates,
      database: databaseMs / updates,
    };
  };
}

async function writeBundles(dir: string): Promise<{ dudao: string; bare: string }> {
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
  const dudao = await bundleWorkflowCode({ ...bundleOptions(), logger: quiet });
  const bare = await bundleWorkflowCode({
    workflowsPath: require.resolve('./bare/workflows'),
    logger: quiet,
  });
  const files = { dudao: path.join(dir, 'dudao.js'), bare: path.join(dir, 'bare.js') };
  fs.writeFileSync(files.dudao, dudao.code);
  fs.writeFileSync(files.bare, bare.code);
  return files;
}

/** A worker process; resolves once it polls. */
async function workerProcess(
  kind: 'dudao' | 'bare',
  address: string,
  taskQueue: string,
  url: string,
  bundle: string,
) {
  const child = fork(
    path.join(__dirname, 'cost-worker.js'),
    [kind, address, taskQueue, url, bundle, String(WORKFLOW_THREADS)],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`${kind} worker exited ${code}`)));
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const rssMb = (pid: number): number => {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
};

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

const inspector = { userId: 'bench', role: 'inspector' as const, unit: '督导处' };
const staff = (unit: string) => ({ userId: `${unit}-bench`, role: 'unit_staff' as const, unit });

/** A one-year cycle on a slow drill (no timer fires while the bench runs): only people act. */
function cycleInput(cycleId: string, size: number) {
  return {
    cycleId,
    name: `项目成本基准 ${size}`,
    planId: 'bench',
    planVersion: 1,
    scope: { kinds: ['major_project' as const] },
    window: {
      opensAt: '2016-12-31T16:00:00.000Z',
      submissionDueAt: '2017-12-29T09:00:00.000Z',
      reviewDueAt: '2018-01-31T09:00:00.000Z',
    },
    policy: defaultPolicy(),
    drill: { yearSeconds: 36_000 },
    items: itemsFor(size),
    startedBy: inspector,
  };
}

/** Starts a cycle and waits until every project has started and opened its milestone. */
async function startCycle(
  client: Client,
  taskQueue: string,
  size: number,
): Promise<{ cycle: WorkflowHandle; cycleId: string; seconds: number }> {
  const input = cycleInput(`cost-${size}-${Date.now().toString(36)}`, size);
  const t0 = performance.now();
  const cycle = await client.workflow.start(inspectionCycleWorkflow, {
    taskQueue,
    workflowId: `cycle-${input.cycleId}`,
    args: [input],
  });
  await until(async () => (await cycle.query(cycleStateQuery)).projects.length === size);
  return { cycle, cycleId: input.cycleId, seconds: (performance.now() - t0) / 1000 };
}

async function runDudao(
  { signed: client, db, server, url, bundles }: Stage,
  size: number,
  thinkMs = 0,
): Promise<Run> {
  const taskQueue = `cost-dudao-${size}${thinkMs ? '-paced' : ''}`;
  const worker = await workerProcess('dudao', server.address, taskQueue, url, bundles.dudao);
  try {
    const { cycle, cycleId, seconds: startSeconds } = await startCycle(client, taskQueue, size);
    const plans = (await assignedWork(db, cycleId, size)).map(({ itemId, milestone }) => ({
      handle: client.workflow.getHandle(projectWorkflowId(cycle.workflowId, itemId)),
      commands: commandsFor(milestone),
    }));
    const meter = cpuMeter(worker.pid!, server.pid);
    const acted = await act(
      plans.map(({ handle, commands }) =>
        commands.map((command) => () => sendProjectCommand(handle, command)),
      ),
      thinkMs,
    );
    const cpu = meter(acted.latencies.length);
    const history = await historySize(plans.map((p) => p.handle));
    await cycle.terminate('bench over').catch(() => undefined);
    return {
      ...summary(acted),
      cpu,
      updatesPerProject: plans.map((p) => p.commands.length),
      startSeconds,
      history,
    };
  } finally {
    await stop(worker);
  }
}

/**
 * Each project's open milestone as its units find it: in the read model their inboxes read (one
 * query for the cycle), once every project has assigned its milestone. A live query of each
 * project would make its first Update wait a turn (the task guard refuses an Update in the task
 * after a query, `workflows/task-guard.ts`), which is the cost of a project's detail page, not of
 * an action taken from an inbox.
 */
async function assignedWork(
  db: Kysely<Database>,
  cycleId: string,
  size: number,
): Promise<{ itemId: string; milestone: MilestoneFacts }[]> {
  let work: { itemId: string; milestone: MilestoneFacts }[] = [];
  await until(async () => {
    work = (await openProjectFacts(db, { cycleId })).flatMap((p) =>
      p.milestones
        .filter((m) => m.phase === 'assigned')
        .map((milestone) => ({ itemId: p.itemId, milestone })),
    );
    return work.length === size;
  });
  return work;
}

/** What people do on one project: co-units contribute, the lead signs, reports, 督导处 approves. */
function commandsFor(m: MilestoneFacts): ProjectCommand[] {
  const lead = m.assignments.find((a) => a.role === 'lead')!;
  return [
    ...m.assignments
      .filter((a) => a.role === 'co')
      .map((a): ProjectCommand => ({
        type: 'submitContribution',
        actor: staff(a.unit),
        assignmentId: a.assignmentId,
        narrative: '配合材料',
        values: [],
        evidence: [],
      })),
    { type: 'acknowledge', actor: staff(lead.unit), assignmentId: lead.assignmentId },
    {
      type: 'submitReport',
      actor: staff(lead.unit),
      milestoneId: m.milestoneId,
      narrative: '进展报告',
      values: m.targets.map((t, targetIndex) => ({ targetIndex, value: t.value })),
      evidence: [],
    },
    { type: 'approve', actor: inspector, milestoneId: m.milestoneId, comment: '同意' },
  ];
}

async function runBare(
  { client, server, url, bundles }: Stage,
  size: number,
  perProject: number[],
  thinkMs = 0,
): Promise<Run> {
  const taskQueue = `cost-bare-${size}${thinkMs ? '-paced' : ''}`;
  const worker = await workerProcess('bare', server.address, taskQueue, url, bundles.bare);
  try {
    const t0 = performance.now();
    const parent = await client.workflow.start(bareCycle, {
      taskQueue,
      workflowId: `bare-${size}-${Date.now().toString(36)}`,
      args: [size],
    });
    const children = Array.from({ length: size }, (_, i) =>
      client.workflow.getHandle(`${parent.workflowId}/${i}`),
    );
    await allStarted(children);
    const startSeconds = (performance.now() - t0) / 1000;
    const meter = cpuMeter(worker.pid!, server.pid);
    const acted = await act(
      children.map((child, i) => {
        const count = perProject[i] ?? 4;
        return Array.from(
          { length: count },
          (_, n) => () => child.executeUpdate(bareAct, { args: [{ last: n + 1 === count }] }),
        );
      }),
      thinkMs,
    );
    const cpu = meter(acted.latencies.length);
    const history = await historySize(children);
    // A child whose last Update failed never ends: end the parent as dudao's bench ends its cycle.
    await parent.terminate('bench over').catch(() => undefined);
    return { ...summary(acted), cpu, updatesPerProject: perProject, startSeconds, history };
  } finally {
    await stop(worker);
  }
}

/**
 * Runs each project's Updates in sequence, every project at once. With `thinkMs`, a project pauses
 * that long between its Updates, as a person does, and the projects' first Updates are spread over
 * one such pause: the offered rate is then projects ÷ pause, and latency is the service's, not a
 * queue of every project's next Update behind all the others'.
 */
async function act(
  projects: (() => Promise<unknown>)[][],
  thinkMs = 0,
): Promise<{ latencies: number[]; failed: number; seconds: number }> {
  const latencies: number[] = [];
  let failed = 0;
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const t0 = performance.now();
  await Promise.all(
    projects.map(async (updates, i) => {
      if (thinkMs > 0) await pause((i / projects.length) * thinkMs);
      for (const [n, update] of updates.entries()) {
        if (thinkMs > 0 && n > 0) await pause(thinkMs);
        const t = performance.now();
        try {
          await update();
        } catch (err) {
          failed++;
          if (process.env.BENCH_DEBUG) console.error(err);
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, failed, seconds: (performance.now() - t0) / 1000 };
}

const summary = ({
  latencies,
  failed,
  seconds,
}: {
  latencies: number[];
  failed: number;
  seconds: number;
}) => ({
  updates: latencies.length,
  latencies,
  seconds,
  p50: percentile(latencies, 50),
  p99: percentile(latencies, 99),
  failed,
});

/** A cycle of `size` projects (or the bare parent of `size` children) started and left open. */
async function idleMemory(
  stage: Stage,
  size: number,
  kind: 'dudao' | 'bare',
): Promise<{ rssMb: number; startSeconds: number; startCpu: CpuPerUpdate }> {
  const taskQueue = `cost-idle-${kind}-${size}`;
  const client = kind === 'dudao' ? stage.signed : stage.client;
  const worker = await workerProcess(kind, stage.server.address, taskQueue, stage.url, stage.bundles[kind]);
  try {
    const meter = cpuMeter(worker.pid!, stage.server.pid);
    let startSeconds: number;
    let done: () => Promise<unknown>;
    if (kind === 'dudao') {
      const { cycle, seconds } = await startCycle(client, taskQueue, size);
      startSeconds = seconds;
      // Quiescent: the last project has opened its milestone and sleeps on its timers.
      const last = client.workflow.getHandle(
        projectWorkflowId(cycle.workflowId, cycleInput('x', size).items.at(-1)!.itemId),
      );
      await until(async () =>
        (await last.query(projectStateQuery)).state.milestones.some((m) => m.phase === 'assigned'),
      );
      done = () => cycle.terminate('bench over');
    } else {
      const t0 = performance.now();
      const parent = await client.workflow.start(bareCycle, {
        taskQueue,
        workflowId: `bare-idle-${Date.now().toString(36)}`,
        args: [size],
      });
      await allStarted(
        Array.from({ length: size }, (_, i) => client.workflow.getHandle(`${parent.workflowId}/${i}`)),
      );
      startSeconds = (performance.now() - t0) / 1000;
      done = () => parent.terminate('bench over');
    }
    // Per project: where the start's time goes (the one process that runs out of CPU first).
    const startCpu = meter(size);
    await new Promise((r) => setTimeout(r, 3_000));
    const rss = rssMb(worker.pid!);
    await done();
    return { rssMb: rss, startSeconds, startCpu };
  } finally {
    await stop(worker);
  }
}

/**
 * Waits until every child exists, one describe in flight at a time (children start in order): a
 * poll per child every 200 ms, a thousand at once, would load the server the start is timed on.
 */
async function allStarted(children: WorkflowHandle[]): Promise<void> {
  for (const child of children) await until(async () => (await child.describe().catch(() => null)) !== null);
}

async function until(check: () => Promise<boolean>, timeoutMs = 900_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error('bench condition not reached in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

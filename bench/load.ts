import type { AddressInfo } from 'node:net';
// First: the HTTP application extends zod with OpenAPI metadata before any schema is built.
import { createApp } from '../http/app';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { connectDatabase } from '../db/connect';
import { rebuildInto } from '../db/projections/rebuild';
import { LIVE_SCHEMA } from '../db/projections/read-model';
import type { DomainEvent } from '../domain/events';
import { createUser } from '../app/identity/users';
import { eventRows, insertRows, withBenchDatabase } from './bench-db';
import { syntheticCycle } from './synthetic';
import { benchCli } from './command-line';
import { targetVerdict } from './target';

const TARGET_P95_MS = 200;
const PASSWORD = 'bench-load-password';
const UNITS = [
  '基教处',
  '职成处',
  '规划处',
  '财务处',
  '人事处',
  '高教处',
  '督导室',
  '体卫艺处',
  '民教处',
  '安全处',
];

/**
 * The workspace API under BENCH_LOAD_SESSIONS (50) signed-in sessions of a cycle of
 * BENCH_LOAD_PROJECTS (1,000) open projects: half are 督导处 polling the board, half unit staff
 * polling their inbox. The read models are seeded directly (synthetic streams cut before their
 * first approval, so every project is open, then a rebuild); the server is the real HTTP
 * application on the web role, with no Temporal server (the views never ask one). Each figure is
 * set beside a baseline of the same shape in the same run: the same sessions on `GET /api/me`
 * (authentication and a row, no view). Two loads: every session polling every 3 s, as the pages
 * do, and back to back (as fast as the server answers). Then the CLI on the same database
 * (`bench/command-line.ts`).
 */
export async function benchLoad(): Promise<void> {
  const projects = Number(process.env.BENCH_LOAD_PROJECTS ?? 1000);
  const sessions = Number(process.env.BENCH_LOAD_SESSIONS ?? 50);
  const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
  await withBenchDatabase('load', async (handle) => {
    const cycleId = await seed(handle, projects);
    const web = connectDatabase(handle.url, 10, 'web');
    // A client whose connection is never opened: the board and inbox must not need Temporal.
    const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const app = createApp({
      db: web.db,
      client,
      taskQueue: 'bench',
      dataDir: '.data/bench',
      log: () => undefined,
    });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const signedIn = await signIn(handle.db, base, sessions);
      const views = signedIn.map((s) => ({
        cookie: s.cookie,
        path: s.role === 'inspector' ? `/api/board?cycle=${cycleId}` : `/api/inbox?cycle=${cycleId}`,
      }));
      const me = signedIn.map((s) => ({ cookie: s.cookie, path: '/api/me' }));
      console.log(
        `负载基准：${projects} 个进行中项目的周期，${sessions} 个已登录会话（${views.filter((v) => v.path.startsWith('/api/board')).length} 个看督导看板，其余看单位待办），每项 ${seconds} 秒`,
      );
      // Pages that have been open a while: each session's view has been built once already.
      await Promise.all(
        [...views, me[0]!].map((v) =>
          fetch(`${base}${v.path}`, { headers: { cookie: v.cookie } }).then((r) => r.arrayBuffer()),
        ),
      );
      const pollRate = Math.max(1, Math.round(sessions / 3));
      for (const [label, rate] of [
        [`每个会话每 3 秒轮询一次（约 ${pollRate} 次/秒）`, pollRate],
        ['背靠背（服务器能答多快就发多快）', undefined],
      ] as const) {
        const baseline = await load(base, me, seconds, rate);
        const measured = await load(base, views, seconds, rate);
        console.log(`  ${label}：`);
        console.log(`    基线 GET /api/me：${describe(baseline)}`);
        console.log(`    看板与待办：      ${describe(measured)}`);
        console.log(
          `    p95 ${measured.p95.toFixed(0)} ms（目标 < ${TARGET_P95_MS} ms：${targetVerdict(measured.p95 < TARGET_P95_MS)}），为基线的 ${(measured.p95 / Math.max(baseline.p95, 0.1)).toFixed(1)} 倍`,
        );
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await web.close();
    }
    await benchCli(handle.url, cycleId, projects, UNITS[0]!);
  });
}

/** A cycle of `projects` open projects in the read models; returns its id. */
async function seed(handle: Parameters<Parameters<typeof withBenchDatabase>[1]>[0], projects: number) {
  const events = openProjects(syntheticCycle(0, projects));
  const rows = eventRows(events);
  for (let i = 0; i < rows.length; i += 5000) await insertRows(handle, 'events', rows.slice(i, i + 5000));
  await rebuildInto(handle.db, LIVE_SCHEMA);
  await sql`ANALYZE`.execute(handle.db);
  return events[0]!.cycleId;
}

/**
 * Each stream up to its first approval: every project is still open, its first milestone in work
 * (assigned, in review or returned), so inboxes and the review queue have something in them.
 */
function openProjects(events: readonly DomainEvent[]): DomainEvent[] {
  const closed = new Set<string>();
  return events.filter((e) => {
    if (closed.has(e.streamId)) return false;
    if (
      e.type === 'ReportApproved' ||
      e.type === 'MilestoneClosed' ||
      e.type === 'ProjectClosed' ||
      e.type === 'CycleClosed'
    ) {
      closed.add(e.streamId);
      return false;
    }
    return true;
  });
}

async function signIn(
  db: Parameters<typeof createUser>[0],
  base: string,
  sessions: number,
): Promise<{ role: 'inspector' | 'unit_staff'; cookie: string }[]> {
  const inspectors = Math.ceil(sessions / 2);
  const users = [
    ...Array.from({ length: inspectors }, (_, i) => ({
      username: `insp${i}`,
      role: 'inspector' as const,
      unit: '督导处',
    })),
    ...Array.from({ length: sessions - inspectors }, (_, i) => ({
      username: `staff${i}`,
      role: 'unit_staff' as const,
      unit: UNITS[i % UNITS.length]!,
    })),
  ];
  return Promise.all(
    users.map(async (u) => {
      await createUser(
        db,
        { username: u.username, displayName: u.username, role: u.role, unit: u.unit, password: PASSWORD },
        'bench',
      );
      const res = await fetch(`${base}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: u.username, password: PASSWORD }),
      });
      if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
      return { role: u.role, cookie: res.headers.get('set-cookie')!.split(';')[0]! };
    }),
  );
}

interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  kilobytes: number;
}

/** One autocannon run: a connection per session, each sending its own session's request. */
async function load(
  base: string,
  sessions: { cookie: string; path: string }[],
  seconds: number,
  overallRate?: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections: sessions.length,
        duration: seconds,
        ...(overallRate ? { overallRate } : {}),
        setupClient: (client) => {
          const s = sessions[next++ % sessions.length]!;
          // As a browser asks: with the session cookie, accepting gzip.
          client.setRequests([
            { method: 'GET', path: s.path, headers: { cookie: s.cookie, 'accept-encoding': 'gzip' } },
          ]);
        },
      },
      (err, done) => (err ? reject(err as Error) : resolve(done)),
    );
    // autocannon's histogram has no 95th percentile: the latencies are kept to compute it.
    instance.on('response', (_client, status, _bytes, responseTime) => {
      latencies.push(responseTime);
      if (status !== 200) errors++;
    });
  });
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    requests: latencies.length,
    perSecond: latencies.length / seconds,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    errors: errors + result.errors + result.timeouts,
    kilobytes: result.throughput.total / 1024 / Math.max(1, latencies.length),
  };
}

const describe = (r: LoadResult): string =>
  `${r.requests} 次请求（${r.perSecond.toFixed(1)} 次/秒），p50 ${r.p50.toFixed(0)} ms，p95 ${r.p95.toFixed(0)} ms，p99 ${r.p99.toFixed(0)} ms，平均响应 ${r.kilobytes.toFixed(0)} KB，失败 ${r.errors}`;

if (require.main === module)
  benchLoad().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });

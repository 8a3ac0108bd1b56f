import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { targetVerdict } from './target';

const execFileAsync = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const DUDAO = path.join(ROOT, 'bin', 'dudao.js');
const RUNS = 7;

/** The targets of a command's whole time, process start to exit. */
const TARGET_HELP_MS = 500;
const TARGET_LIST_MS = 1000;

/**
 * The CLI as a person runs it, on the database the load stage seeded (`projects` open projects):
 * `dudao --help` and `dudao task list --unit …`, each a fresh `node` process, timed from spawn to
 * exit (median of RUNS, the two programs alternating so both see the same machine). Each beside a
 * baseline of the same shape: a `node` process that loads commander and prints a help text, and
 * one that opens a PostgreSQL connection and prints the unit's assignment rows. No Temporal server
 * runs: a listing must not need one.
 */
export async function benchCli(databaseUrl: string, cycleId: string, projects: number, unit: string) {
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    NO_COLOR: '1',
  };
  const help = await alternate(
    () => timed(process.execPath, [DUDAO, '--help'], env),
    () => timed(process.execPath, ['-e', HELP_BASELINE], env),
  );
  const list = await alternate(
    () => timed(process.execPath, [DUDAO, 'task', 'list', '--unit', unit, '--cycle', cycleId], env),
    () => timed(process.execPath, ['-e', LIST_BASELINE, databaseUrl, unit, cycleId], env),
  );
  console.log(`命令行（${projects} 个进行中项目；每条命令都是新启动的 node 进程，取 ${RUNS} 次中位数）：`);
  for (const [label, r, target] of [
    ['dudao --help', help, TARGET_HELP_MS],
    [`dudao task list --unit ${unit}`, list, TARGET_LIST_MS],
  ] as const)
    console.log(
      `  ${label}：${r.measured.toFixed(0)} ms（目标 < ${target} ms：${targetVerdict(r.measured < target)}），` +
        `基线 ${r.baseline.toFixed(0)} ms，为基线的 ${(r.measured / r.baseline).toFixed(2)} 倍`,
    );
  if (list.lines < 2) throw new Error(`task list printed ${list.lines} lines: the seeded unit has no work`);
}

/** The medians of RUNS runs of each, alternating. */
async function alternate(
  measured: () => Promise<{ ms: number; lines: number }>,
  baseline: () => Promise<{ ms: number; lines: number }>,
): Promise<{ measured: number; baseline: number; lines: number }> {
  const a: number[] = [];
  const b: number[] = [];
  let lines = 0;
  for (let i = 0; i < RUNS; i++) {
    const m = await measured();
    a.push(m.ms);
    lines = m.lines;
    b.push((await baseline()).ms);
  }
  return { measured: median(a), baseline: median(b), lines };
}

async function timed(file: string, args: string[], env: NodeJS.ProcessEnv) {
  const started = process.hrtime.bigint();
  const { stdout } = await execFileAsync(file, args, { env, cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, lines: stdout.split('\n').length };
}

const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

/** A commander program of one command printing its help: Node's start and the parser's load. */
const HELP_BASELINE = `
const { Command } = require('commander');
new Command('baseline').description('基线').command('list').description('列表');
new Command('baseline').description('基线').outputHelp();
`;

/** A connection and one query of the unit's open assignments, printed: the least a listing does. */
const LIST_BASELINE = `
const { Client } = require('pg');
const [url, unit, cycle] = process.argv.slice(1);
const client = new Client({ connectionString: url });
client.connect()
  .then(() => client.query(
    "SELECT * FROM assignments WHERE unit = $1 AND cycle_id = $2 ORDER BY due_at", [unit, cycle]))
  .then((r) => { for (const row of r.rows) console.log(JSON.stringify(row)); return client.end(); });
`;

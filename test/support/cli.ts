import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { generateKey } from '../../app/keys';
import { testTemporalAddress } from './temporal';

const cli = path.join(__dirname, '..', '..', 'bin', 'dudao.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The compiled CLI (`npm run build` first) as a child process, so the test's own worker keeps
 * answering while it runs; `env` is added to the test's environment.
 */
export const runCli = (env: Record<string, string>, ...args: string[]): Promise<CliRun> =>
  runNode(env, cli, ...args);

/** `node <args>` as a child process, its output collected; `env` is added to the test's environment. */
export const runNode = (env: Record<string, string>, ...args: string[]): Promise<CliRun> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });

/**
 * The CLI against a test's own database, task queue and data directory, read when it runs (they are
 * set up in the test's beforeAll), on the tests' dev server.
 */
export const cliAgainst =
  (target: () => { url: string; taskQueue: string; dataDir: string }) =>
  (...args: string[]): Promise<CliRun> => {
    const { url, taskQueue, dataDir } = target();
    return runCli(
      {
        TEMPORAL_ADDRESS: testTemporalAddress(),
        DATABASE_URL: url,
        DUDAO_TASK_QUEUE: taskQueue,
        DUDAO_DATA_DIR: dataDir,
      },
      ...args,
    );
  };

/** A scratch data directory with the operator key `dudao keys generate` makes: `--as` needs it. */
export async function operatorDataDir(db: Kysely<Database>, prefix: string): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  await generateKey(db, path.join(dataDir, 'keys', 'operator.json'), 'operator', '测试操作员');
  return dataDir;
}

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { bundleOptions } from '../../worker/bundle';

const cli = path.join(__dirname, '..', '..', 'bin', 'dudao.js');
const bundles = new Map<string, Promise<string>>();

/**
 * The workflow bundle of the real workflows, or of a variant entry, as a file a worker process
 * loads at start (bundling once per test file instead of once per process).
 */
export function bundleFile(workflowsPath?: string): Promise<string> {
  const key = workflowsPath ?? '';
  let file = bundles.get(key);
  if (!file) {
    file = bundleWorkflowCode({
      ...bundleOptions(),
      ...(workflowsPath ? { workflowsPath: require.resolve(workflowsPath) } : {}),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
    }).then(({ code }) => {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-bundle-')), 'workflows.js');
      fs.writeFileSync(out, code);
      return out;
    });
    bundles.set(key, file);
  }
  return file;
}

/** `dudao worker` as its own process, so a test can kill it the hard way (SIGKILL). */
export function workerProcess(env: Record<string, string>, workflowBundle: string): ChildProcess {
  return spawn(process.execPath, [cli, 'worker', '--no-notifier', '--workflow-bundle', workflowBundle], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
}

export const killed = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

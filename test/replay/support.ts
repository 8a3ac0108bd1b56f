import fs from 'node:fs';
import path from 'node:path';
import {
  DefaultLogger,
  Runtime,
  bundleWorkflowCode,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { bundleOptions } from '../../worker/bundle';

import { MANIFEST, loadHistory, type Manifest } from '../../audit/histories';
import type { History } from '@temporalio/common/lib/proto-utils';

export const historiesDir = path.join(__dirname, '..', 'histories');

/**
 * Every recorded history, as `<generation>/<file>`: one folder per generation of the workflow code
 * that recorded it (`v1`: before any patch; `v2-inbox-loop`: the loop behind patched('inbox-loop')).
 */
export const historyFiles = (): string[] =>
  fs
    .readdirSync(historiesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      fs
        .readdirSync(path.join(historiesDir, d.name))
        .filter((f) => f.endsWith('.json') && f !== MANIFEST)
        .map((f) => `${d.name}/${f}`),
    )
    .sort();

const manifest = (generation: string): Manifest =>
  JSON.parse(fs.readFileSync(path.join(historiesDir, generation, MANIFEST), 'utf8')) as Manifest;

/** A recorded history and the workflow id it ran under (replay must run it under the same id). */
export async function recorded(file: string): Promise<{ history: History; workflowId: string }> {
  const [generation, name] = file.split('/') as [string, string];
  const entry = manifest(generation)[name];
  if (!entry) throw new Error(`${file} is not in ${generation}/${MANIFEST}`);
  return { history: await loadHistory(path.join(historiesDir, file)), workflowId: entry.workflowId };
}

let installed = false;
/** Replay needs no server, only Core's runtime; the failed replays the tests provoke log no warnings. */
export function quietRuntime(): void {
  if (installed) return;
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
  installed = true;
}

const quietLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: console.error,
  log: () => undefined,
};

/**
 * A workflow bundle built the way the worker builds its own (`bundleOptions()`, chinese-days alias
 * included): of the real workflows, or of the variant at `workflowsPath`.
 */
export const bundle = (workflowsPath?: string): Promise<WorkflowBundleWithSourceMap> =>
  bundleWorkflowCode({
    ...bundleOptions(),
    ...(workflowsPath ? { workflowsPath: require.resolve(workflowsPath) } : {}),
    logger: quietLogger,
  });

import fs from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { rowToEvent, type RecordedEvent } from '../db/event-store';
import type { ModelChecksum } from '../db/projections/rebuild';
import { historyFromJSON, historyToJSON, listRuns, type History } from './histories';

/** One workflow's execution record: every run of it, oldest first. */
export interface WorkflowHistories {
  workflowId: string;
  runs: { runId: string; history: History }[];
}

/** What an audit reads: histories from Temporal (or a bundle), the event log from Postgres (or a bundle). */
export interface AuditSource {
  workflows(onProgress?: (done: number, total: number) => void): Promise<WorkflowHistories[]>;
  /** The log's rows for the audited scope, by stream. */
  log(): Promise<Map<string, RecordedEvent[]>>;
}

export type AuditScope = { workflowId: string } | { cycleId: string } | { all: true };

const quote = (v: string) => `'${v.replace(/'/g, "\\'")}'`;

/** Reads straight from the Temporal cluster and the database: list, describe and fetch only. */
export function liveSource(client: Client, db: Kysely<Database>, scope: AuditScope): AuditSource {
  return {
    async workflows(onProgress) {
      const ids = await workflowIdsOf(client, scope);
      const out: WorkflowHistories[] = [];
      for (const [i, workflowId] of ids.entries()) {
        const runs = await listRuns(client, workflowId);
        out.push({
          workflowId,
          runs: await Promise.all(
            runs.map(async ({ runId }) => ({
              runId,
              history: await client.workflow.getHandle(workflowId, runId).fetchHistory(),
            })),
          ),
        });
        onProgress?.(i + 1, ids.length);
      }
      return out;
    },
    async log() {
      let query = db.selectFrom('events').selectAll().orderBy('stream_id').orderBy('seq');
      if ('workflowId' in scope) query = query.where('stream_id', '=', scope.workflowId);
      if ('cycleId' in scope) query = query.where('cycle_id', '=', scope.cycleId);
      return byStream((await query.execute()).map(rowToEvent));
    },
  };
}

async function workflowIdsOf(client: Client, scope: AuditScope): Promise<string[]> {
  if ('workflowId' in scope) return [scope.workflowId];
  const query =
    'cycleId' in scope
      ? `DudaoCycleId = ${quote(scope.cycleId)} OR WorkflowId = ${quote(`cycle-${scope.cycleId}`)}`
      : `WorkflowType = 'majorProjectWorkflow' OR WorkflowType = 'inspectionCycleWorkflow'`;
  const ids = new Set<string>();
  for await (const wf of client.workflow.list({ query })) ids.add(wf.workflowId);
  return [...ids].sort();
}

const byStream = (events: RecordedEvent[]): Map<string, RecordedEvent[]> => {
  const streams = new Map<string, RecordedEvent[]>();
  for (const e of events) streams.set(e.streamId, [...(streams.get(e.streamId) ?? []), e]);
  return streams;
};

// ───────────────────────────── offline bundles ─────────────────────────────

export interface BundleManifest {
  format: 'dudao-audit-bundle/1';
  scope: AuditScope;
  exportedAt: string;
  histories: { file: string; workflowId: string; runId: string }[];
  events: { file: string; count: number };
  /** Row count and checksum of each live read model over the scope, at export. */
  models: Record<string, ModelChecksum> | null;
  /** SHA-256 of every file in the bundle, so a bundle altered after export is caught. */
  sha256: Record<string, string>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Writes histories (Temporal's JSON history format), the log slice and a manifest with hashes. */
export async function exportBundle(
  source: AuditSource,
  scope: AuditScope,
  dir: string,
  onProgress?: (d: number, t: number) => void,
  models: Record<string, ModelChecksum> | null = null,
): Promise<BundleManifest> {
  await fs.mkdir(path.join(dir, 'histories'), { recursive: true });
  const hashes: Record<string, string> = {};
  const write = async (file: string, text: string) => {
    await fs.writeFile(path.join(dir, file), text);
    hashes[file] = sha256(text);
  };
  const histories: BundleManifest['histories'] = [];
  let n = 0;
  for (const wf of await source.workflows(onProgress)) {
    for (const run of wf.runs) {
      const file = `histories/${String(++n).padStart(5, '0')}.json`;
      await write(file, `${historyToJSON(run.history)}\n`);
      histories.push({ file, workflowId: wf.workflowId, runId: run.runId });
    }
  }
  const events = [...(await source.log()).values()].flat();
  await write('events.jsonl', events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : ''));
  const manifest: BundleManifest = {
    format: 'dudao-audit-bundle/1',
    scope,
    exportedAt: new Date().toISOString(),
    histories,
    events: { file: 'events.jsonl', count: events.length },
    models,
    sha256: hashes,
  };
  await fs.writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Reads a bundle back, refusing one whose files no longer match the manifest's hashes. */
export async function bundleSource(dir: string): Promise<AuditSource & { manifest: BundleManifest }> {
  const manifest = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as BundleManifest;
  if (manifest.format !== 'dudao-audit-bundle/1')
    throw new Error(`${dir} 不是 dudao 审计包（manifest.json 格式不符）`);
  const read = async (file: string) => {
    const text = await fs.readFile(path.join(dir, file), 'utf8');
    if (sha256(text) !== manifest.sha256[file])
      throw new Error(`审计包文件 ${file} 与清单中的哈希不符：审计包在导出后被修改过`);
    return text;
  };
  return {
    manifest,
    async workflows(onProgress) {
      const byId = new Map<string, WorkflowHistories>();
      for (const [i, h] of manifest.histories.entries()) {
        const history = historyFromJSON(JSON.parse(await read(h.file)));
        const wf = byId.get(h.workflowId) ?? { workflowId: h.workflowId, runs: [] };
        wf.runs.push({ runId: h.runId, history });
        byId.set(h.workflowId, wf);
        onProgress?.(i + 1, manifest.histories.length);
      }
      return [...byId.values()];
    },
    async log() {
      const text = await read(manifest.events.file);
      return byStream(
        text
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as RecordedEvent),
      );
    },
  };
}

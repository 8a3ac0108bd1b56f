import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { readStream, type RecordedEvent } from '../db/event-store';
import { chainFindings, findingLabel } from '../audit/compare';
import { exportBundle, liveSource, type AuditSource } from '../audit/source';
import { replayAll, replayBundle } from '../audit/replay';
import { tarGzDirectory } from '../audit/archive';
import { verifyStreams } from '../audit/verify';

export interface Verdict {
  ok: boolean;
  /** `history`: the workflow's Temporal history against the log and its hash chain; `log`: the chain alone. */
  checked: 'history' | 'log';
  events: number;
  /** Each disagreement, in Chinese. */
  findings: string[];
  lastHash: string | null;
}

/**
 * The auditor's verify verdict for one stream, as `dudao audit verify` reaches it. When the history
 * is gone (retention) or unreachable, the log's own hash chain is still checked.
 */
async function verdictOf(client: Client, db: Kysely<Database>, events: RecordedEvent[]): Promise<Verdict> {
  const base = { events: events.length, lastHash: events.at(-1)?.hash ?? null };
  const streamId = events[0]!.streamId;
  try {
    const { streams } = await verifyStreams(liveSource(client, db, { workflowId: streamId }));
    const findings = streams.flatMap((s) => s.findings).map(findingLabel);
    return { ...base, ok: findings.length === 0, checked: 'history', findings };
  } catch {
    const findings = chainFindings(events).map(findingLabel);
    return { ...base, ok: findings.length === 0, checked: 'log', findings };
  }
}

export async function timeline(client: Client, db: Kysely<Database>, streamId: string) {
  const events = await readStream(db, streamId);
  return { streamId, events, verdict: events.length ? await verdictOf(client, db, events) : null };
}

/** What the auditor page shows after checking a whole cycle. */
export interface CycleCheck {
  agrees: boolean;
  workflows: number;
  runs: number;
  events: number;
  /** Runs the current workflow code does not replay, with the first divergence. */
  nondeterministic: { workflowId: string; runId: string; divergence: string }[];
  /** Streams whose history and log disagree, with each finding in Chinese. */
  disagreements: { streamId: string; findings: string[] }[];
}

export type CheckStage = '读取执行历史' | '回放' | '核对事件日志';

/** The workflow code bundled once per process for replay (webpack takes seconds). */
let bundle: ReturnType<typeof replayBundle> | null = null;

/**
 * `dudao audit replay` and `audit verify` (without the read-model rebuild, which needs the owner
 * role) for one cycle, reporting progress as it goes. Reading only.
 */
export async function checkCycle(
  client: Client,
  db: Kysely<Database>,
  cycleId: string,
  onProgress: (stage: CheckStage, done: number, total: number) => void,
): Promise<CycleCheck> {
  const source = liveSource(client, db, { cycleId });
  const workflows = await source.workflows((d, t) => onProgress('读取执行历史', d, t));
  // A failed bundling is not kept: the next check tries again.
  bundle ??= replayBundle().catch((err: unknown) => {
    bundle = null;
    throw err;
  });
  const verdicts = await replayAll(workflows, await bundle, (d, t) => onProgress('回放', d, t));
  onProgress('核对事件日志', 0, 1);
  const cached: AuditSource = { workflows: async () => workflows, log: () => source.log() };
  const { streams, counts } = await verifyStreams(cached);
  onProgress('核对事件日志', 1, 1);
  const nondeterministic = verdicts
    .filter((v) => !v.deterministic)
    .map((v) => ({ workflowId: v.workflowId, runId: v.runId, divergence: v.divergence ?? '' }));
  const disagreements = streams
    .filter((s) => !s.agrees)
    .map((s) => ({ streamId: s.streamId, findings: s.findings.map(findingLabel) }));
  return {
    agrees: nondeterministic.length === 0 && disagreements.length === 0,
    ...counts,
    nondeterministic,
    disagreements,
  };
}

/** The cycle's offline audit bundle (`dudao audit export`) as one .tar.gz. */
export async function cycleBundleArchive(
  client: Client,
  db: Kysely<Database>,
  cycleId: string,
): Promise<{ fileName: string; archive: Buffer }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dudao-audit-bundle-'));
  const root = `dudao-audit-${cycleId}`;
  try {
    await exportBundle(liveSource(client, db, { cycleId }), { cycleId }, dir);
    return { fileName: `${root}.tar.gz`, archive: await tarGzDirectory(dir, root) };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import {
  compareModels,
  dropScratchSchema,
  rebuildInto,
  type ModelComparison,
} from '../db/projections/rebuild';
import { compareStream, type StreamVerdict } from './compare';
import { derivedStream } from './derive';
import type { AuditSource } from './source';

export interface AuditVerdict {
  agrees: boolean;
  streams: StreamVerdict[];
  /** Read models rebuilt from the log into a scratch schema vs the live ones; null offline. */
  models: ModelComparison[] | null;
  counts: { workflows: number; runs: number; events: number };
}

/**
 * Checks the two records against each other: for each workflow, the events its history says it
 * recorded against the log's rows (and every stream in the log against some workflow), then the
 * log's hash chains. Reading only: nothing is appended and no workflow is signalled.
 */
export async function verifyStreams(
  source: AuditSource,
  onProgress?: (d: number, t: number) => void,
): Promise<Omit<AuditVerdict, 'models' | 'agrees'>> {
  const workflows = await source.workflows(onProgress);
  const log = await source.log();
  const streams: StreamVerdict[] = [];
  for (const wf of workflows) {
    const derived = derivedStream(wf.runs.map((r) => r.history));
    streams.push(
      compareStream(wf.workflowId, derived.recorded, derived.pending, log.get(wf.workflowId) ?? []),
    );
  }
  const known = new Set(workflows.map((w) => w.workflowId));
  for (const [streamId, rows] of log) {
    if (!known.has(streamId)) streams.push(compareStream(streamId, [], [], rows));
  }
  return {
    streams,
    counts: {
      workflows: workflows.length,
      runs: workflows.reduce((n, w) => n + w.runs.length, 0),
      events: [...log.values()].reduce((n, rows) => n + rows.length, 0),
    },
  };
}

/** Rebuilds every read model from the log into a scratch schema and compares it with the live one. */
export async function verifyModels(db: Kysely<Database>): Promise<ModelComparison[]> {
  const scratch = `audit_${Date.now().toString(36)}`;
  try {
    await rebuildInto(db, scratch);
    return await compareModels(db, 'public', scratch);
  } finally {
    await dropScratchSchema(db, scratch);
  }
}

/**
 * Both checks: the records against each other, then the read models (`models`: the live or the
 * offline comparison, or null to skip it).
 */
export async function verify(
  source: AuditSource,
  models: (() => Promise<ModelComparison[]>) | null,
  onProgress?: (d: number, t: number) => void,
): Promise<AuditVerdict> {
  const { streams, counts } = await verifyStreams(source, onProgress);
  const compared = models ? await models() : null;
  return {
    agrees: streams.every((s) => s.agrees) && (compared ?? []).every((m) => m.equal),
    streams,
    models: compared,
    counts,
  };
}

import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { readStream, type RecordedEvent } from '../../db/event-store';
import { chainFindings, findingLabel } from '../../audit/compare';
import { liveSource } from '../../audit/source';
import { verifyStreams } from '../../audit/verify';

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

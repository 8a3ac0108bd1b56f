import { canonicalJson } from '../domain/canonical-json';
import type { DomainEvent } from '../domain/events';
import { chainHash, GENESIS_HASH, type RecordedEvent } from '../db/event-store';

/** One disagreement between a workflow's history and the event log, or inside the log's chain. */
export type Finding =
  | { kind: 'missing'; seq: number; eventId: string; type: string }
  | { kind: 'extra'; seq: number; eventId: string; type: string }
  | { kind: 'altered'; seq: number; eventId: string; fields: string[] }
  | { kind: 'reordered'; eventId: string; historySeq: number; logSeq: number }
  | { kind: 'hash_mismatch'; seq: number; eventId: string }
  | { kind: 'chain_broken'; seq: number; eventId: string }
  | { kind: 'gap'; seq: number };

export interface StreamVerdict {
  streamId: string;
  agrees: boolean;
  historyEvents: number;
  logEvents: number;
  pending: number;
  findings: Finding[];
}

/** The envelope and payload as the workflow emitted them, without what the log adds. */
const emitted = (e: DomainEvent | RecordedEvent): Record<string, unknown> => {
  const { position: _p, hash: _h, prevHash: _ph, ...rest } = e as RecordedEvent;
  return JSON.parse(
    canonicalJson({ ...rest, at: new Date(e.at).toISOString(), schemaVersion: e.schemaVersion ?? 1 }),
  );
};

/**
 * Compares a stream's events derived from its Temporal history with the log's rows: each event
 * must be recorded once, at its sequence, unaltered; the log's hash chain must hold on its own.
 * Events whose activity had not completed yet (`pending`) may or may not be in the log.
 */
export function compareStream(
  streamId: string,
  history: DomainEvent[],
  pending: DomainEvent[],
  log: RecordedEvent[],
): StreamVerdict {
  const findings: Finding[] = [];
  const logBySeq = new Map(log.map((e) => [e.seq, e]));
  const logSeqOf = new Map(log.map((e) => [e.eventId, e.seq]));
  const historySeqOf = new Map([...history, ...pending].map((e) => [e.eventId, e.seq]));

  for (const h of history) {
    const l = logBySeq.get(h.seq);
    const elsewhere = logSeqOf.get(h.eventId);
    if (elsewhere !== undefined && elsewhere !== h.seq) {
      findings.push({ kind: 'reordered', eventId: h.eventId, historySeq: h.seq, logSeq: elsewhere });
    } else if (!l) {
      findings.push({ kind: 'missing', seq: h.seq, eventId: h.eventId, type: h.type });
    } else if (l.eventId === h.eventId) {
      const fields = differingFields(emitted(h), emitted(l));
      if (fields.length) findings.push({ kind: 'altered', seq: h.seq, eventId: h.eventId, fields });
    }
  }
  for (const l of log) {
    if (!historySeqOf.has(l.eventId))
      findings.push({ kind: 'extra', seq: l.seq, eventId: l.eventId, type: l.type });
  }
  findings.push(...chainFindings(log));
  return {
    streamId,
    agrees: findings.length === 0,
    historyEvents: history.length,
    logEvents: log.length,
    pending: pending.length,
    findings,
  };
}

/** Checks the log's own hash chain: each row's hash covers its predecessor's hash and its content. */
export function chainFindings(log: RecordedEvent[]): Finding[] {
  const findings: Finding[] = [];
  const sorted = [...log].sort((a, b) => a.seq - b.seq);
  let previous: RecordedEvent | undefined;
  for (const row of sorted) {
    const expectedSeq = (previous?.seq ?? 0) + 1;
    if (row.seq !== expectedSeq) findings.push({ kind: 'gap', seq: expectedSeq });
    const linkedTo = previous?.hash ?? GENESIS_HASH;
    if (row.seq === expectedSeq && row.prevHash !== linkedTo)
      findings.push({ kind: 'chain_broken', seq: row.seq, eventId: row.eventId });
    const { position: _p, hash, prevHash, ...event } = row;
    if (chainHash(prevHash, event as DomainEvent) !== hash)
      findings.push({ kind: 'hash_mismatch', seq: row.seq, eventId: row.eventId });
    previous = row;
  }
  return findings;
}

function differingFields(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const out: string[] = [];
  for (const k of keys) {
    if (k === 'data' && typeof a.data === 'object' && typeof b.data === 'object') {
      out.push(
        ...differingFields(a.data as Record<string, unknown>, b.data as Record<string, unknown>).map(
          (f) => `data.${f}`,
        ),
      );
    } else if (canonicalJson(a[k]) !== canonicalJson(b[k])) out.push(k);
  }
  return out;
}

export const findingLabel = (f: Finding): string => {
  switch (f.kind) {
    case 'missing':
      return `缺失：第 ${f.seq} 号事件（${f.type}）在执行历史中有、在事件日志中没有`;
    case 'extra':
      return `多出：事件日志第 ${f.seq} 号（${f.type}）在执行历史中不存在`;
    case 'altered':
      return `篡改：第 ${f.seq} 号事件的 ${f.fields.join('、')} 与执行历史不一致`;
    case 'reordered':
      return `顺序错乱：事件 ${f.eventId} 在执行历史中为第 ${f.historySeq} 号，在日志中为第 ${f.logSeq} 号`;
    case 'hash_mismatch':
      return `哈希不符：第 ${f.seq} 号事件的哈希与其内容不一致`;
    case 'chain_broken':
      return `哈希链断裂：第 ${f.seq} 号事件未指向前一事件的哈希`;
    case 'gap':
      return `序号缺口：缺少第 ${f.seq} 号事件`;
  }
};

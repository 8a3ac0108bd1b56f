import { syntheticCycle } from '../../../bench/synthetic';
import type { DomainEvent } from '../../../domain/events';
import { readModels } from '../../../db/projections/models';
import { foldEvent, type Row, type ScopeStates } from '../../../db/projections/read-model';
import { logPage, PartitionFold, type TableRows, type TextRow } from '../../../db/projections/rebuild-fold';
import { demoCycle } from '../../support/event-builder';

/**
 * A rebuild's fold in shares (one per thread) must give exactly the rows of the plain fold: every
 * event of the log folded in log order, as the live append path folds them.
 */
describe('a rebuild folded in shares', () => {
  // Three cycles; the demo's is sorted first or last by id depending on the synthetic names.
  const log: DomainEvent[] = [...demoCycle().events, ...syntheticCycle(0, 4), ...syntheticCycle(1, 3)];
  const names = readModels.map((m) => m.name);

  // The log's rows as the rebuild selects them, in (cycle, position) order.
  const rows: TextRow[] = log
    .map((e, i) => ({
      position: String(i + 1),
      event_id: e.eventId,
      stream_id: e.streamId,
      seq: e.seq,
      schema_version: e.schemaVersion,
      type: e.type,
      payload: JSON.stringify(e.data),
      actor: JSON.stringify(e.actor),
      occurred_at: new Date(e.at).toISOString(),
      cycle_id: e.cycleId,
      project_id: e.projectId,
      milestone_id: e.milestoneId,
      causation_id: e.causationId,
    }))
    .sort((a, b) =>
      a.cycle_id < b.cycle_id ? -1 : a.cycle_id > b.cycle_id ? 1 : Number(a.position) - Number(b.position),
    );

  /** Every row the shares hand over, per table, in a stable order. */
  function foldInShares(parts: number, pageSize: number, batchSize: number) {
    const out: Record<string, string[]> = {};
    const perShare: number[] = [];
    for (let part = 0; part < parts; part++) {
      const fold = new PartitionFold({ write: names, fold: names, part, parts, batchSize });
      const handed: TableRows[] = [];
      for (let i = 0; i < rows.length; i += pageSize)
        handed.push(...(fold.page(logPage(rows.slice(i, i + pageSize))) ?? []));
      handed.push(...fold.end());
      let count = 0;
      for (const { table, json } of handed)
        for (const row of JSON.parse(json) as Row[]) {
          (out[table] ??= []).push(JSON.stringify(row));
          count++;
        }
      perShare.push(count);
    }
    for (const list of Object.values(out)) list.sort();
    return { out, perShare };
  }

  function plainFold(): Record<string, string[]> {
    const states: ScopeStates = new Map();
    for (const e of log) foldEvent(readModels, states, e);
    const out: Record<string, string[]> = {};
    for (const state of states.values())
      for (const [table, byKey] of Object.entries(state))
        for (const row of Object.values(byKey ?? {}))
          (out[table] ??= []).push(JSON.stringify(JSON.parse(JSON.stringify(row))));
    for (const list of Object.values(out)) list.sort();
    return out;
  }

  it('gives the plain fold’s rows in one share, across pages that split cycles', () => {
    const { out } = foldInShares(1, 17, 40);
    expect(out).toEqual(plainFold());
    expect(Object.keys(out).length).toBeGreaterThan(5);
  });

  it('gives the same rows in two and three shares, each share writing its own part', () => {
    const one = foldInShares(1, 500, 20_000).out;
    for (const parts of [2, 3]) {
      const { out, perShare } = foldInShares(parts, 23, 30);
      expect(out).toEqual(one);
      // Every share has projects of its own (else the split proved nothing).
      expect(perShare.every((n) => n > 0)).toBe(true);
    }
  });

  it('names a damaged log row instead of failing inside a model', () => {
    const fold = new PartitionFold({ write: names, fold: names, part: 0, parts: 1, batchSize: 10 });
    const [first] = rows;
    expect(() => fold.page(logPage([{ ...first!, payload: 'null' }]))).toThrow(
      /事件日志第 \d+ 条记录格式不对/,
    );
  });
});

import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';
import type { Database } from '../db/database';
import { EventStore } from '../db/event-store';
import type { DomainEvent } from '../domain/events';
import type { DatabaseHandle } from '../db/connect';
import { eventRows, insertRows, withBenchDatabase } from './bench-db';
import { eventsPerProjectEstimate, syntheticCycle } from './synthetic';
import { targetVerdict } from './target';

/** Issue 13: an append at least half as fast as plain INSERTs of the same batches, one transaction each. */
const TARGET_PER_BATCH_RATIO = 0.5;

type Rows = Record<string, unknown>[];

/** Calls per alternating slice of a figure and its baseline. */
const SLICE = 250;

/**
 * Append throughput, each figure beside a baseline of the same shape measured in the same run:
 *  - EventStore.append (hash chain, idempotency check, outbox, every read model, one transaction
 *    per call of 1–6 events, as a workflow appends), one caller at a time, with the round trips
 *    per call counted at the driver;
 *  - plain INSERTs of the same rows into a copy of the events table: the same batches with one
 *    transaction each (the fair baseline), and multi-row INSERTs of 1,000 rows;
 *  - BENCH_APPEND_CALLERS concurrent callers (default 16), each appending its own streams: the
 *    store group-commits them, against the same batches inserted by as many concurrent callers.
 * Size: BENCH_APPEND_EVENTS (default 20,000).
 */
export async function benchAppend(
  size = Number(process.env.BENCH_APPEND_EVENTS ?? 20_000),
  callers = Number(process.env.BENCH_APPEND_CALLERS ?? 16),
): Promise<void> {
  const projects = Math.max(1, Math.round(size / eventsPerProjectEstimate));
  await withBenchDatabase('append', async (handle) => {
    const counted = countingDb(handle.url);
    try {
      // Each figure and its baseline run in alternating slices, so both see the same machine
      // (other work on a shared host moves the absolute figures minute by minute).
      await sql`CREATE TABLE plain_events (LIKE events INCLUDING ALL)`.execute(handle.db);
      const sequential = callsOf(syntheticCycle(0, projects));
      const events = sequential.flat();
      const rows = eventRows(events); // hash-chained per stream, as the log holds them
      const batches = new Map<DomainEvent[], Rows>();
      let offset = 0;
      for (const call of sequential) batches.set(call, rows.slice(offset, (offset += call.length)));
      const store = new EventStore(counted.db);
      let appendSeconds = 0;
      let perBatchSeconds = 0;
      let statements = 0;
      for (let i = 0; i < sequential.length; i += SLICE) {
        const slice = sequential.slice(i, i + SLICE);
        const before = counted.queries;
        appendSeconds += await timed(async () => {
          for (const call of slice) await store.append(call);
        });
        statements += counted.queries - before;
        perBatchSeconds += await timed(async () => {
          for (const call of slice) await insertInTransaction(handle, batches.get(call)!);
        });
      }
      const roundTrips = statements / sequential.length;
      await sql`TRUNCATE plain_events`.execute(handle.db);
      const multiRowSeconds = await timed(async () => {
        for (let i = 0; i < rows.length; i += 1000)
          await insertRows(handle, 'plain_events', rows.slice(i, i + 1000));
      });

      await sql`TRUNCATE plain_events`.execute(handle.db);
      const concurrent = callsOf(syntheticCycle(1, projects));
      const concurrentRows = eventRows(concurrent.flat());
      offset = 0;
      for (const call of concurrent) batches.set(call, concurrentRows.slice(offset, (offset += call.length)));
      const grouped = new EventStore(counted.db);
      await grouped.append(concurrent[0]!);
      await insertInTransaction(handle, batches.get(concurrent[0]!)!);
      let groupSeconds = 0;
      let plainConcurrentSeconds = 0;
      let groupStatements = 0;
      for (const slice of streamSlices(concurrent.slice(1), Math.ceil(concurrent.length / (SLICE * 4)))) {
        const before = counted.queries;
        groupSeconds += await timed(() => inParallel(slice, callers, (call) => grouped.append(call)));
        groupStatements += counted.queries - before;
        plainConcurrentSeconds += await timed(() =>
          inParallel(slice, callers, (call) => insertInTransaction(handle, batches.get(call)!)),
        );
      }

      const rate = (n: number, s: number) => n / s;
      const appendRate = rate(events.length, appendSeconds);
      const perBatchRate = rate(events.length, perBatchSeconds);
      const multiRowRate = rate(events.length, multiRowSeconds);
      const concurrentEvents = concurrent.slice(1).flat().length;
      const groupRate = rate(concurrentEvents, groupSeconds);
      const plainConcurrentRate = rate(concurrentEvents, plainConcurrentSeconds);
      console.log(
        `追加基准：${events.length} 条事件，${sequential.length} 次追加调用（平均每次 ${(events.length / sequential.length).toFixed(1)} 条）`,
      );
      console.log(
        `  EventStore.append（哈希链、幂等、通知、全部读模型；逐次调用）：${appendRate.toFixed(0)} 条/秒（${appendSeconds.toFixed(1)} 秒），每次调用 ${roundTrips.toFixed(2)} 次数据库往返`,
      );
      console.log(
        `  基线：同样批次的普通 INSERT，每批一个事务：${perBatchRate.toFixed(0)} 条/秒；比值 append/基线 = ${(appendRate / perBatchRate).toFixed(2)}（目标 ≥ ${TARGET_PER_BATCH_RATIO}：${targetVerdict(appendRate / perBatchRate >= TARGET_PER_BATCH_RATIO)}）`,
      );
      console.log(
        `  基线：普通多行 INSERT（每批1000行）：${multiRowRate.toFixed(0)} 条/秒；比值 append/基线 = ${(appendRate / multiRowRate).toFixed(3)}`,
      );
      console.log(
        `  组提交：${callers} 个并发调用方，${concurrent.length - 1} 次调用合为 ${groupStatements} 条语句：${groupRate.toFixed(0)} 条/秒（逐次调用的 ${(groupRate / appendRate).toFixed(1)} 倍）；同样 ${callers} 个并发调用方的普通 INSERT（每批一个事务）：${plainConcurrentRate.toFixed(0)} 条/秒，比值 ${(groupRate / plainConcurrentRate).toFixed(2)}`,
      );
    } finally {
      await counted.db.destroy();
    }
  });
}

/** A workflow appends what one decision produced: consecutive events of one stream, 1–6 at a time. */
function callsOf(events: readonly DomainEvent[]): DomainEvent[][] {
  const calls: DomainEvent[][] = [];
  for (const e of events) {
    const last = calls[calls.length - 1];
    if (last && last[0]!.streamId === e.streamId && last.length < 6 && last[last.length - 1]!.at === e.at)
      last.push(e);
    else calls.push([e]);
  }
  return calls;
}

/** Calls grouped by stream, the streams dealt into `n` slices (each stream whole, in order). */
function streamSlices(calls: DomainEvent[][], n: number): DomainEvent[][][] {
  const streams = new Map<string, DomainEvent[][]>();
  for (const call of calls) streams.set(call[0]!.streamId, [...(streams.get(call[0]!.streamId) ?? []), call]);
  const queues = [...streams.values()];
  const size = Math.ceil(queues.length / n);
  return Array.from({ length: n }, (_, i) => queues.slice(i * size, (i + 1) * size).flat()).filter(
    (slice) => slice.length > 0,
  );
}

/**
 * `callers` concurrent callers, each taking whole streams: a stream's calls stay in order, as its
 * workflow makes them one after another.
 */
async function inParallel<T>(
  calls: DomainEvent[][],
  callers: number,
  run: (call: DomainEvent[]) => Promise<T>,
): Promise<void> {
  const streams = new Map<string, DomainEvent[][]>();
  for (const call of calls) streams.set(call[0]!.streamId, [...(streams.get(call[0]!.streamId) ?? []), call]);
  const queues = [...streams.values()];
  await Promise.all(
    Array.from({ length: callers }, async () => {
      for (let queue = queues.shift(); queue; queue = queues.shift())
        for (const call of queue) await run(call);
    }),
  );
}

/** The fair baseline: one batch, one transaction, as an append is. */
async function insertInTransaction(handle: DatabaseHandle, rows: Rows): Promise<void> {
  await handle.db.transaction().execute(async (trx) => {
    await sql`
      INSERT INTO plain_events (event_id, stream_id, seq, type, schema_version, payload, actor, occurred_at,
                                cycle_id, project_id, milestone_id, causation_id, prev_hash, hash)
      SELECT event_id, stream_id, seq, type, schema_version, payload, actor, occurred_at,
             cycle_id, project_id, milestone_id, causation_id, prev_hash, hash
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
        event_id text, stream_id text, seq int, type text, schema_version int, payload jsonb, actor jsonb,
        occurred_at timestamptz, cycle_id text, project_id text, milestone_id text, causation_id text,
        prev_hash text, hash text)`.execute(trx);
  });
}

/** A handle whose every statement is counted at the driver: a statement is one round trip. */
function countingDb(url: string): { db: Kysely<Database>; queries: number } {
  const counted = {
    queries: 0,
    db: new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new Pool({ connectionString: url, max: 4 }) }),
      log: () => {
        counted.queries++;
      },
    }),
  };
  return counted;
}

const timed = async (body: () => Promise<unknown>): Promise<number> => {
  const t0 = performance.now();
  await body();
  return (performance.now() - t0) / 1000;
};

if (require.main === module) void benchAppend();

import { appendEvents } from '../db/event-store';
import { sql } from 'kysely';
import { eventRows, insertRows, withBenchDatabase } from './bench-db';
import { eventsPerProjectEstimate, syntheticCycle } from './synthetic';

/**
 * Append throughput: appendEvents (idempotency check, hash chain, outbox, all projections, one
 * transaction per call of a few events, as workflows append) against plain multi-row INSERTs of
 * the same rows into a copy of the events table, in the same run. Size: BENCH_APPEND_EVENTS.
 */
export async function benchAppend(size = Number(process.env.BENCH_APPEND_EVENTS ?? 20_000)): Promise<void> {
  const events = syntheticCycle(0, Math.max(1, Math.round(size / eventsPerProjectEstimate)));
  await withBenchDatabase('append', async (handle) => {
    // A workflow appends what one decision produced: consecutive events of one stream, 1–6 at a time.
    const calls: (typeof events)[] = [];
    for (const e of events) {
      const last = calls[calls.length - 1];
      if (last && last[0]!.streamId === e.streamId && last.length < 6 && last[last.length - 1]!.at === e.at)
        last.push(e);
      else calls.push([e]);
    }
    const t0 = performance.now();
    for (const call of calls) await appendEvents(handle.db, call);
    const appendSeconds = (performance.now() - t0) / 1000;

    await sql`CREATE TABLE plain_events (LIKE events INCLUDING ALL)`.execute(handle.db);
    const rows = eventRows(events);
    const t1 = performance.now();
    for (let i = 0; i < rows.length; i += 1000)
      await insertRows(handle, 'plain_events', rows.slice(i, i + 1000));
    const plainSeconds = (performance.now() - t1) / 1000;

    const appendRate = events.length / appendSeconds;
    const plainRate = events.length / plainSeconds;
    console.log(
      `追加基准：${events.length} 条事件，${calls.length} 次 appendEvents 调用（平均每次 ${(events.length / calls.length).toFixed(1)} 条）`,
    );
    console.log(
      `  appendEvents（含全部投影）：${appendRate.toFixed(0)} 条/秒（${appendSeconds.toFixed(1)} 秒）`,
    );
    console.log(
      `  普通多行 INSERT（每批1000行）：${plainRate.toFixed(0)} 条/秒（${plainSeconds.toFixed(1)} 秒）`,
    );
    console.log(`  比值：普通 INSERT 是 appendEvents 的 ${(plainRate / appendRate).toFixed(1)} 倍`);
  });
}

if (require.main === module) void benchAppend();

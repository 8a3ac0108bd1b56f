import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { syntheticCycle } from '../../bench/synthetic';
import { compareModels, dropScratchSchema, rebuildInto, rebuildLive } from '../../db/projections/rebuild';
import type { Db } from '../../db/projections/read-model';
import { freshDatabase, type TestDatabase } from '../support/db';
import { appendInOrder, demoCycle } from '../support/event-builder';

/** Index name and definition per table of a schema, the schema's name left out. */
async function indexesOf(db: Db, schema: string): Promise<string[]> {
  const { rows } = await sql<{ def: string }>`
    SELECT tablename || ' ' || replace(indexdef, ${`${schema}.`}, '') AS def
    FROM pg_indexes WHERE schemaname = ${schema} ORDER BY 1`.execute(db);
  return rows.map((r) => r.def);
}

/**
 * A rebuild of a big log (from `bulkFrom` events) loads the tables without their secondary indexes,
 * builds them after, and folds in shares on worker threads: the same rows and indexes as the small
 * path, here on a small log of three cycles with the threshold lowered.
 */
describe('the big-load path of a rebuild', () => {
  let t: TestDatabase;
  const log = [...demoCycle().events, ...syntheticCycle(0, 4), ...syntheticCycle(1, 3)];

  beforeAll(async () => {
    t = await freshDatabase();
    await appendInOrder(t.db, log);
    await rebuildInto(t.db, 'small_path', { bulkFrom: Number.MAX_SAFE_INTEGER });
  });
  afterAll(async () => {
    await dropScratchSchema(t.db, 'small_path');
    await t.drop();
  });

  it('gives the small path’s rows, and every index back', async () => {
    expect((await compareModels(t.db, 'public', 'small_path')).filter((c) => !c.equal)).toEqual([]);
    // Pages and write batches smaller than a cycle, so cycles straddle both.
    await rebuildInto(t.db, 'bulk_path', { bulkFrom: 1, batchSize: 25 });
    try {
      const comparison = await compareModels(t.db, 'small_path', 'bulk_path');
      expect(comparison.filter((c) => !c.equal)).toEqual([]);
      expect(comparison.filter((c) => c.a.rows > 0).length).toBeGreaterThan(5);
      const indexes = await indexesOf(t.db, 'small_path');
      expect(indexes.filter((d) => !/_pkey |UNIQUE/.test(d)).length).toBeGreaterThan(5);
      expect(await indexesOf(t.db, 'bulk_path')).toEqual(indexes);
    } finally {
      await dropScratchSchema(t.db, 'bulk_path');
    }
  });

  it('rebuilds the live models in place by the big-load path, indexes and all', async () => {
    const before = await indexesOf(t.db, 'public');
    const { comparison } = await rebuildLive(t.db, { bulkFrom: 1, batchSize: 40 });
    expect(comparison.filter((c) => !c.equal)).toEqual([]);
    expect(await indexesOf(t.db, 'public')).toEqual(before);
  });

  it('folds on two worker threads from the compiled build (needs dist/: npm run build)', async () => {
    const rebuild = path.join(__dirname, '..', '..', 'dist', 'db', 'projections', 'rebuild.js');
    const connect = path.join(__dirname, '..', '..', 'dist', 'db', 'connect.js');
    // Counts the threads started, to know the fold did not fall back to this thread.
    const script = `
      const threads = require('node:worker_threads');
      const Base = threads.Worker;
      let started = 0;
      threads.Worker = class extends Base { constructor(...a) { super(...a); started++; } };
      const { rebuildInto } = require(${JSON.stringify(rebuild)});
      const handle = require(${JSON.stringify(connect)}).connectDatabase(process.env.DATABASE_URL, 2);
      rebuildInto(handle.db, 'thread_path', { bulkFrom: 1, batchSize: 30, threads: 2 })
        .then((r) => console.log(JSON.stringify({ events: r.events, started })))
        .finally(() => handle.close());`;
    const r = spawnSync(process.execPath, ['-e', script], {
      env: { ...process.env, DATABASE_URL: t.url },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ events: log.length, started: 2 });
    try {
      expect((await compareModels(t.db, 'small_path', 'thread_path')).filter((c) => !c.equal)).toEqual([]);
      expect(await indexesOf(t.db, 'thread_path')).toEqual(await indexesOf(t.db, 'small_path'));
    } finally {
      await dropScratchSchema(t.db, 'thread_path');
    }
  });
});

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../database';
import { CONTEXT_MODEL, LIVE_SCHEMA, type Db, type ReadModel } from './read-model';
import { readModelNamed, readModels } from './models';
import {
  logPage,
  PartitionFold,
  type FoldPlan,
  type LogPage,
  type TableRows,
  type TextRow,
} from './rebuild-fold';
import type { FoldReply, FoldRequest } from './rebuild-worker';

export interface ReplayRange {
  /** Replay events up to and including this global position. */
  upToPosition?: string;
  /** Replay only events whose plan time (occurred_at) is at or before this instant. */
  upToTime?: string;
}

export interface RebuildOptions extends ReplayRange {
  /** Model names to rebuild; all when absent. */
  only?: readonly string[];
  batchSize?: number;
  /** From this many events the tables are loaded without their secondary indexes, built after. */
  bulkFrom?: number;
  /** Threads folding a bulk load (default: one fewer than the cores, at least one); 0 folds on this one. */
  threads?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ModelChecksum {
  rows: number;
  checksum: string;
}

export interface ModelComparison {
  name: string;
  a: ModelChecksum;
  b: ModelChecksum;
  equal: boolean;
}

const DEFAULT_BATCH = 20_000;
/** From this many events the tables are loaded without their secondary indexes, built after. */
const BULK_EVENTS = 20_000;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const selected = (only?: readonly string[]): readonly ReadModel[] =>
  only && only.length > 0 ? only.map(readModelNamed) : readModels;
const tablesOf = (models: readonly ReadModel[]): string[] => models.flatMap((m) => Object.keys(m.tables));

export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`模式名“${schema}”不合法：只能用小写字母、数字和下划线`);
}

/**
 * Rebuilds read models into `schema` from the log. A scratch schema gets fresh copies of the live
 * tables (same columns, keys and indexes); the live schema is rebuilt in place. Everything runs in
 * one transaction, so readers see the old models until the new ones are complete, and a live
 * rebuild holds off appends meanwhile (their projections would otherwise race the replay).
 */
export async function rebuildInto(
  db: Kysely<Database>,
  schema: string,
  options: RebuildOptions = {},
): Promise<{ events: number }> {
  assertSchemaName(schema);
  const models = selected(options.only);
  return db.transaction().execute(async (trx) => {
    if (schema === LIVE_SCHEMA) await lockAppends(trx);
    else await createScratchTables(trx, schema, models);
    return { events: await replay(trx, schema, models, options) };
  });
}

/**
 * Rebuilds the live models in place and checks the result equals what was live before: the
 * snapshot is taken inside the rebuild's transaction, after appends are held off.
 */
export async function rebuildLive(
  db: Kysely<Database>,
  options: RebuildOptions = {},
): Promise<{ events: number; comparison: ModelComparison[] }> {
  const models = selected(options.only);
  return db.transaction().execute(async (trx) => {
    await lockAppends(trx);
    const before = await checksums(trx, LIVE_SCHEMA, models);
    const events = await replay(trx, LIVE_SCHEMA, models, options);
    const after = await checksums(trx, LIVE_SCHEMA, models);
    return { events, comparison: compare(models, before, after) };
  });
}

/** Per model, row count and checksum in two schemas, and whether they agree. */
export async function compareModels(
  db: Db,
  schemaA: string,
  schemaB: string,
  only?: readonly string[],
): Promise<ModelComparison[]> {
  const models = selected(only);
  return compare(models, await checksums(db, schemaA, models), await checksums(db, schemaB, models));
}

/** Row count and checksum of every model in `schema`, optionally only one cycle's rows. */
export async function modelChecksums(
  db: Db,
  schema: string,
  cycleId?: string,
): Promise<Record<string, ModelChecksum>> {
  return Object.fromEntries(await checksums(db, schema, readModels, cycleId));
}

/** Live models whose rows were built by another version of their projection than the code's. */
export async function staleModels(db: Db): Promise<{ name: string; built: number; current: number }[]> {
  const rows = await db.selectFrom('projection_checkpoints').select(['name', 'version']).execute();
  const built = new Map(rows.map((r) => [r.name, r.version]));
  return readModels
    .filter((m) => built.has(m.name) && built.get(m.name) !== m.version)
    .map((m) => ({ name: m.name, built: built.get(m.name)!, current: m.version }));
}

/** Drops a scratch schema made by an as-of or verification rebuild. */
export async function dropScratchSchema(db: Db, schema: string): Promise<void> {
  assertSchemaName(schema);
  if (schema === LIVE_SCHEMA) throw new Error('不能删除正式读模型所在的模式');
  await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db);
}

/** The highest position at or before a plan time, for naming and reporting an as-of rebuild. */
export async function positionAt(db: Db, time: string): Promise<string> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.max('position').as('position'))
    .where('occurred_at', '<=', new Date(time))
    .executeTakeFirst();
  return String(row?.position ?? '0');
}

async function lockAppends(trx: Db): Promise<void> {
  // SHARE blocks INSERT (ROW EXCLUSIVE) but not SELECT: appends wait, reports keep reading.
  await sql`LOCK TABLE events IN SHARE MODE`.execute(trx);
}

async function createScratchTables(trx: Db, schema: string, models: readonly ReadModel[]): Promise<void> {
  await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(trx);
  for (const table of ['projection_checkpoints', ...tablesOf(models)]) {
    await sql`DROP TABLE IF EXISTS ${sql.id(schema, table)}`.execute(trx);
    await sql`CREATE TABLE ${sql.id(schema, table)} (LIKE ${sql.id(LIVE_SCHEMA, table)} INCLUDING ALL)`.execute(
      trx,
    );
  }
}

async function replay(
  trx: Db,
  schema: string,
  models: readonly ReadModel[],
  options: RebuildOptions,
): Promise<number> {
  for (const table of tablesOf(models)) await sql`TRUNCATE ${sql.id(schema, table)}`.execute(trx);
  await trx
    .withSchema(schema)
    .deleteFrom('projection_checkpoints')
    .where(
      'name',
      'in',
      models.map((m) => m.name),
    )
    .execute();

  const range = [
    ...(options.upToPosition !== undefined ? [sql`position <= ${options.upToPosition}::bigint`] : []),
    ...(options.upToTime !== undefined ? [sql`occurred_at <= ${new Date(options.upToTime)}`] : []),
  ];
  const where = range.length > 0 ? sql.join(range, sql` AND `) : sql`true`;
  const { rows: counted } = await sql<{ n: string }>`SELECT count(*) AS n FROM events WHERE ${where}`.execute(
    trx,
  );
  const total = Number(counted[0]!.n);
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  // Every model folds in memory (with the model it takes context from), and its final rows are
  // written once, in bulk: no row is read back or written twice. An event reads and changes only
  // rows of its own cycle, so the log is read cycle by cycle (each in log order, which gives the
  // same rows as the whole log in order) and a cycle's rows are written as soon as it is folded:
  // PostgreSQL writes one batch of cycles while the next ones fold, and memory holds a few cycles.
  const folded = readModels.filter(
    (m) => models.includes(m) || (m.name === CONTEXT_MODEL && models.some((x) => x.contextOf)),
  );
  // Payloads and actors come as text: the fold parses them, off this thread when it runs on its own.
  const page = (after: TextRow | null) =>
    sql<TextRow>`
      SELECT position, event_id, stream_id, seq, schema_version, type, payload::text AS payload,
             actor::text AS actor,
             to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
             cycle_id, project_id, milestone_id, causation_id
      FROM events
      WHERE ${where} ${after === null ? sql`` : sql`AND (cycle_id, position) > (${after.cycle_id}, ${after.position}::bigint)`}
      ORDER BY cycle_id, position
      LIMIT ${batchSize}`.execute(trx);
  const bulkFrom = options.bulkFrom ?? BULK_EVENTS;
  const indexes = total >= bulkFrom ? await dropSecondaryIndexes(trx, schema, models) : [];
  const threads = total >= bulkFrom ? (options.threads ?? defaultThreads()) : 0;
  const folds = await startFolds(
    {
      write: models.map((m) => m.name),
      fold: folded.map((m) => m.name),
      batchSize,
    },
    threads,
  );
  // Writes under way, one at a time and in order (a failure is reported by the next step).
  let writing: Promise<void> = Promise.resolve();
  let failed: unknown;
  const write = (rows: TableRows[]) => {
    if (rows.length === 0) return;
    writing = writing.then(() => writeRows(trx, schema, rows));
    writing.catch((err: unknown) => (failed ??= err));
  };
  const handOver = (replies: Promise<(TableRows[] | null)[]>) =>
    replies.then((parts) => parts.forEach((rows) => rows && write(rows)));
  let top = 0n;
  let done = 0;
  try {
    options.onProgress?.(0, total);
    // The next page is on its way while this one folds, and a fold has at most two pages queued.
    let next = page(null);
    let folding: Promise<void> = Promise.resolve();
    for (;;) {
      const { rows } = await next.catch((err: unknown) => {
        throw failed ?? err;
      });
      if (rows.length === 0) break;
      next = page(rows[rows.length - 1]!);
      // Awaited in turn below; until then a failure must not count as unhandled.
      next.catch(() => {});
      const previous = folding;
      const logp = logPage(rows);
      folding = handOver(Promise.all(folds.map((f) => f.page(logp))));
      folding.catch(() => {});
      await previous;
      if (failed) throw failed;
      // Positions rise within a cycle: each cycle's last is its highest.
      for (let i = 0; i < rows.length; i++)
        if (i === rows.length - 1 || rows[i + 1]!.cycle_id !== rows[i]!.cycle_id) {
          const position = BigInt(rows[i]!.position);
          if (position > top) top = position;
        }
      done += rows.length;
      options.onProgress?.(done, total);
    }
    await folding;
    await handOver(Promise.all(folds.map((f) => f.end())));
    await writing;
  } finally {
    await Promise.all(folds.map((f) => f.close()));
  }
  await restoreIndexes(trx, indexes);
  if (done > 0)
    await trx
      .withSchema(schema)
      .insertInto('projection_checkpoints')
      .values(models.map((m) => ({ name: m.name, version: m.version, position: String(top) })))
      .execute();
  return done;
}

/** A share of the fold, on its own thread or on this one. */
interface Fold {
  page(page: LogPage): Promise<TableRows[] | null>;
  end(): Promise<TableRows[]>;
  close(): Promise<void>;
}

// One core is left to this thread (reading, writing) and PostgreSQL. On two cores one fold thread
// is the shortest path: measured at 200,000 events, the fold thread takes 31 µs of CPU an event
// and this one 9, where two shares take 19 each but 72 in all (each share parses every event and
// folds the cycle-scoped models), against 63 for one. More shares pay off with more cores only.
const defaultThreads = (): number => Math.min(4, Math.max(1, os.availableParallelism() - 1));

/**
 * A fold makes short-lived objects by the million (parsed payloads, each event's new rows): with
 * V8's default young generation most of them outlive a scavenge and are promoted, then collected
 * again by the old generation's marking. Measured at 400,000 events on two cores: 32,966 events/s
 * with the default, 40,847 with 64 MB (256 MB no better); at 1M, 28,804 → 35,504.
 */
const FOLD_YOUNG_GENERATION_MB = 64;

/**
 * The compiled worker beside this module; none when running from TypeScript sources (the tests,
 * through @swc/jest), where the fold runs on this thread.
 */
function workerScript(): string | null {
  if (!__filename.endsWith('.js')) return null;
  const script = path.join(__dirname, 'rebuild-worker.js');
  return existsSync(script) ? script : null;
}

async function startFolds(plan: Omit<FoldPlan, 'part' | 'parts'>, threads: number): Promise<Fold[]> {
  const script = threads > 0 ? workerScript() : null;
  if (script === null) {
    const fold = new PartitionFold({ ...plan, part: 0, parts: 1 });
    return [
      {
        page: async (logp) => fold.page(logp),
        end: async () => fold.end(),
        close: async () => {},
      },
    ];
  }
  return Array.from({ length: threads }, (_, part) => threadFold(script, { ...plan, part, parts: threads }));
}

function threadFold(script: string, plan: FoldPlan): Fold {
  const worker = new Worker(script, {
    workerData: plan,
    resourceLimits: { maxYoungGenerationSizeMb: FOLD_YOUNG_GENERATION_MB },
  });
  const waiting: { resolve: (rows: TableRows[] | null) => void; reject: (err: Error) => void }[] = [];
  let broken: Error | null = null;
  const fail = (err: Error) => {
    broken ??= err;
    for (const w of waiting.splice(0)) w.reject(broken);
  };
  worker.on('message', (reply: FoldReply) => {
    const w = waiting.shift()!;
    if (reply.ok) w.resolve(reply.rows);
    else w.reject(new Error(reply.message));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`重建读模型的折叠线程意外退出（代码 ${code}）`)));
  const ask = (request: FoldRequest) =>
    new Promise<TableRows[] | null>((resolve, reject) => {
      if (broken) return reject(broken);
      waiting.push({ resolve, reject });
      worker.postMessage(request);
    });
  return {
    page: (logp) => ask({ kind: 'page', page: logp }),
    end: async () => (await ask({ kind: 'end' })) ?? [],
    close: async () => {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}

/**
 * Folded rows in one statement (a data-modifying WITH per table and share): one round trip,
 * whatever the number of tables, so a write under way never waits on the fold for its next part.
 */
async function writeRows(trx: Db, schema: string, rows: readonly TableRows[]) {
  const inserts = rows.map(({ table, json }, i) => {
    const target = sql.table(`${schema}.${table}`);
    return sql`${sql.id(`w${i}`)} AS (
          INSERT INTO ${target} SELECT * FROM jsonb_populate_recordset(NULL::${target}, ${json}::jsonb))`;
  });
  if (inserts.length > 0) await sql`WITH ${sql.join(inserts)} SELECT 1`.execute(trx);
}

/**
 * A big log's rows are loaded with the tables' secondary indexes (not their keys') dropped, and
 * those are built after: one sort per index instead of a million inserts into it. The tables are
 * already locked exclusively (truncated in this transaction), so no reader sees them without.
 */
async function dropSecondaryIndexes(
  trx: Db,
  schema: string,
  models: readonly ReadModel[],
): Promise<string[]> {
  const { rows: indexes } = await sql<{ name: string; definition: string }>`
    SELECT i.indexname AS name, i.indexdef AS definition
    FROM pg_indexes i
    WHERE i.schemaname = ${schema} AND i.tablename = ANY(${tablesOf(models)}::text[])
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                      WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)`.execute(trx);
  for (const index of indexes) await sql`DROP INDEX ${sql.id(schema, index.name)}`.execute(trx);
  return indexes.map((i) => i.definition);
}

async function restoreIndexes(trx: Db, definitions: readonly string[]): Promise<void> {
  for (const definition of definitions) await sql.raw(definition).execute(trx);
}

async function checksums(
  db: Db,
  schema: string,
  models: readonly ReadModel[],
  cycleId?: string,
): Promise<Map<string, ModelChecksum>> {
  // Row text of a timestamptz depends on the session's time zone: digests are taken in UTC, in
  // one transaction, so two servers (the office's and an auditor's embedded one) agree.
  const digest = async (trx: Db) => {
    await sql`SET LOCAL TIME ZONE 'UTC'`.execute(trx);
    const where = cycleId === undefined ? sql`` : sql`WHERE t.cycle_id = ${cycleId}`;
    const out = new Map<string, ModelChecksum>();
    for (const model of models) {
      let rows = 0;
      const parts: string[] = [];
      for (const [table, key] of Object.entries(model.tables) as [string, readonly string[]][]) {
        // Rows in key order, as text: any difference in any column changes the digest.
        const result = await sql<{ n: string; digest: string }>`
          SELECT count(*) AS n,
                 md5(coalesce(string_agg(t::text, E'\n' ORDER BY ${sql.join(key.map((k) => sql.ref(`t.${k}`)))}), '')) AS digest
          FROM ${sql.id(schema, table)} AS t ${where}`.execute(trx);
        rows += Number(result.rows[0]!.n);
        parts.push(result.rows[0]!.digest);
      }
      out.set(model.name, { rows, checksum: parts.length === 1 ? parts[0]! : md5Join(parts) });
    }
    return out;
  };
  return db.isTransaction ? digest(db) : (db as Kysely<Database>).transaction().execute(digest);
}

// A model of several tables gets one digest over its tables' digests.
const md5Join = (parts: string[]): string => createHash('md5').update(parts.join('\n')).digest('hex');

function compare(
  models: readonly ReadModel[],
  a: Map<string, ModelChecksum>,
  b: Map<string, ModelChecksum>,
): ModelComparison[] {
  return models.map((m) => {
    const x = a.get(m.name)!;
    const y = b.get(m.name)!;
    return { name: m.name, a: x, b: y, equal: x.rows === y.rows && x.checksum === y.checksum };
  });
}

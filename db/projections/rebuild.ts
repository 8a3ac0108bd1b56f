import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../database';
import { rowToEvent } from '../event-store';
import type { Selectable } from 'kysely';
import type { EventsTable } from '../tables/events';

type EventRow = Selectable<EventsTable>;
import {
  CONTEXT_MODEL,
  foldPage,
  LIVE_SCHEMA,
  SCOPE_SEP,
  type Db,
  type ModelTable,
  type ReadModel,
  type Row,
  type ScopeStates,
} from './read-model';
import { readModelNamed, readModels } from './models';

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

  const inRange = () => {
    let q = trx.selectFrom('events');
    if (options.upToPosition !== undefined) q = q.where('position', '<=', options.upToPosition);
    if (options.upToTime !== undefined) q = q.where('occurred_at', '<=', new Date(options.upToTime));
    return q;
  };
  const total = Number(
    (
      await inRange()
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  // Every model folds in memory (with the model it takes context from), and its final rows are
  // written once, in bulk: no row is read back or written twice. An event reads and changes only
  // rows of its own cycle, so the log is read cycle by cycle (each in log order, which gives the
  // same rows as the whole log in order) and a cycle's rows are written as soon as it is folded:
  // PostgreSQL writes one cycle while the next one folds here, and memory holds one cycle's rows.
  const folded = readModels.filter(
    (m) => models.includes(m) || (m.name === CONTEXT_MODEL && models.some((x) => x.contextOf)),
  );
  const page = (after: EventRow | null) =>
    inRange()
      .select([
        'position',
        'event_id',
        'stream_id',
        'seq',
        'schema_version',
        'type',
        'payload',
        'actor',
        'occurred_at',
        'cycle_id',
        'project_id',
        'milestone_id',
        'causation_id',
      ])
      .$if(after !== null, (q) =>
        q.where(sql<boolean>`(cycle_id, position) > (${after!.cycle_id}, ${after!.position})`),
      )
      .orderBy('cycle_id')
      .orderBy('position')
      .limit(batchSize)
      .execute();
  const indexes = total >= BULK_EVENTS ? await dropSecondaryIndexes(trx, schema, models) : [];
  // Finished cycles not yet written, and the writes under way (one at a time, in order).
  let ready: ScopeStates = new Map();
  let readyEvents = 0;
  let writing: Promise<void> = Promise.resolve();
  let failed: unknown;
  const write = () => {
    const rows = ready;
    ready = new Map();
    readyEvents = 0;
    writing = writing.then(() => writeRows(trx, schema, models, rows));
    // Awaited at the end; a failure before that is what the next page's failure reports.
    writing.catch((err: unknown) => (failed ??= err));
  };
  let states: ScopeStates = new Map();
  let cycle: string | null = null;
  let top = 0n;
  let done = 0;
  options.onProgress?.(0, total);
  // The next page is on its way while this one folds.
  let next = page(null);
  for (;;) {
    const rows = (await next.catch((err: unknown) => {
      throw failed ?? err;
    })) as EventRow[];
    if (rows.length === 0) break;
    next = page(rows[rows.length - 1]!);
    for (let from = 0; from < rows.length;) {
      const id = rows[from]!.cycle_id;
      let to = from;
      while (to < rows.length && rows[to]!.cycle_id === id) to++;
      if (id !== cycle) {
        for (const [k, v] of states) ready.set(k, v);
        states = new Map();
        cycle = id;
        if (readyEvents >= batchSize) write();
      }
      const events = rows.slice(from, to).map(rowToEvent);
      foldPage(folded, states, events);
      // Positions rise within a cycle: the run's last is its highest.
      const position = BigInt(rows[to - 1]!.position);
      if (position > top) top = position;
      readyEvents += to - from;
      done += to - from;
      from = to;
    }
    options.onProgress?.(done, total);
  }
  for (const [k, v] of states) ready.set(k, v);
  write();
  await writing;
  await restoreIndexes(trx, indexes);
  if (done > 0)
    await trx
      .withSchema(schema)
      .insertInto('projection_checkpoints')
      .values(models.map((m) => ({ name: m.name, version: m.version, position: String(top) })))
      .execute();
  return done;
}

/**
 * The folded rows of `models` in one statement (a data-modifying WITH per table): one round trip,
 * whatever the number of tables, so a write under way never waits on the fold for its next part.
 */
async function writeRows(trx: Db, schema: string, models: readonly ReadModel[], states: ScopeStates) {
  const inserts = [];
  for (const model of models) {
    const prefix = `${model.name}${SCOPE_SEP}`;
    for (const table of Object.keys(model.tables) as ModelTable[]) {
      const rows: Row[] = [];
      for (const [id, state] of states)
        if (id.startsWith(prefix)) for (const row of Object.values(state[table] ?? {})) rows.push(row);
      if (rows.length === 0) continue;
      const target = sql.table(`${schema}.${table}`);
      inserts.push(
        sql`${sql.id(`w${inserts.length}`)} AS (
          INSERT INTO ${target} SELECT * FROM jsonb_populate_recordset(NULL::${target}, ${JSON.stringify(rows)}::jsonb))`,
      );
    }
  }
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

import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../database';
import type { DomainEvent } from '../../domain/events';
import type { ReadModelTables } from '../tables/read-models';
import type { Projection } from './registry';

export type Db = Kysely<Database> | Transaction<Database>;
export type ModelTable = Exclude<keyof ReadModelTables, 'projection_checkpoints'>;
export type Row = Record<string, unknown>;
/** A model's state: per table, its rows by key. Plain objects, never Map: states are JSON. */
export type TablesState = Partial<Record<ModelTable, Record<string, Row>>>;

/**
 * One read model: a pure `evolve` over the rows of one scope (a project's or a cycle's), the
 * tables it owns with their key columns, and optionally context it reads but does not own.
 * Events of one scope only ever touch that scope's rows, so the writer loads exactly those.
 */
export interface ReadModel<S extends TablesState = TablesState, C = unknown> {
  name: string;
  version: number;
  scope: 'projectId' | 'cycleId';
  tables: { [K in keyof S & ModelTable]: readonly string[] };
  evolve(state: S, event: DomainEvent, context: C): S;
  /** Context per scope id, read before evolving (e.g. the cycle's policy for the RAG rules). */
  loadContext?(db: Db, schema: string, events: DomainEvent[]): Promise<(scopeId: string) => C>;
}

export const keyOf = (row: Row, key: readonly string[]): string =>
  key.map((k) => String(row[k])).join('\u0001');

/** Rows are kept with times as UTC ISO strings so a loaded row compares equal to an evolved one. */
export const iso = (value: string): string => new Date(value).toISOString();

const normalize = (row: Row): Row => {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = v instanceof Date ? v.toISOString() : v;
  return out;
};

// Table names are dynamic here; the typed interfaces live in db/tables/read-models.ts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;
const untyped = (db: Db, schema: string): AnyDb => (db as unknown as AnyDb).withSchema(schema);

/**
 * The rows an event may touch. A project is an item of the plan in one cycle: the same item in
 * two cycles is two projects, so a project's scope is (cycle, item), never the item alone.
 */
export const SCOPE_SEP = '\u0001';
const scopeIdOf = (model: ReadModel, event: DomainEvent): string | null =>
  model.scope === 'cycleId'
    ? event.cycleId
    : event.projectId === null
      ? null
      : `${event.cycleId}${SCOPE_SEP}${event.projectId}`;
/** Within one project's scope, rows are known by their own ids; the cycle is the scope's. */
const stateKey = (model: ReadModel, key: readonly string[]): readonly string[] =>
  model.scope === 'projectId' ? key.filter((k) => k !== 'cycle_id') : key;
const scopeIdOfRow = (model: ReadModel, row: Row): string =>
  model.scope === 'cycleId'
    ? String(row.cycle_id)
    : `${String(row.cycle_id)}${SCOPE_SEP}${String(row.project_id)}`;

async function loadStates(
  db: Db,
  schema: string,
  model: ReadModel,
  scopeIds: string[],
): Promise<Map<string, TablesState>> {
  const states = new Map<string, TablesState>(scopeIds.map((id) => [id, {}]));
  for (const [table, key] of Object.entries(model.tables) as [ModelTable, readonly string[]][]) {
    for (const id of scopeIds) states.get(id)![table] = {};
    const rows = await untyped(db, schema)
      .selectFrom(table)
      .selectAll()
      .where((eb) =>
        model.scope === 'cycleId'
          ? eb('cycle_id', 'in', scopeIds)
          : eb.or(
              scopeIds.map((id) => {
                const [cycleId, projectId] = id.split(SCOPE_SEP);
                return eb.and([eb('cycle_id', '=', cycleId), eb('project_id', '=', projectId)]);
              }),
            ),
      )
      .execute();
    for (const raw of rows) {
      const row = normalize(raw as Row);
      states.get(scopeIdOfRow(model, row))![table]![keyOf(row, stateKey(model, key))] = row;
    }
  }
  return states;
}

const UPSERT_CHUNK = 1000;
const toColumn = (v: unknown): unknown => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v);

async function upsert(
  db: Db,
  schema: string,
  table: ModelTable,
  key: readonly string[],
  rows: Row[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
    const chunk = rows
      .slice(i, i + UPSERT_CHUNK)
      .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toColumn(v)])));
    const columns = Object.keys(chunk[0]!).filter((c) => !key.includes(c));
    await untyped(db, schema)
      .insertInto(table)
      .values(chunk)
      .onConflict((oc) =>
        oc
          .columns(key as string[])
          .doUpdateSet(Object.fromEntries(columns.map((c) => [c, sql.ref(`excluded.${c}`)]))),
      )
      .execute();
  }
}

/**
 * Applies events to one read model in `schema`: loads the rows of the scopes they touch, folds
 * the pure evolve, upserts the rows that changed and advances the checkpoint. With
 * `skipApplied`, events at or below the checkpoint are ignored (rebuild and catch-up read the
 * committed log in position order). The live path passes only events its own transaction just
 * inserted, which cannot have been applied, and must not filter: positions are allocated before
 * commit, so a concurrent append may commit a higher position first.
 */
export async function applyToModel(
  db: Db,
  schema: string,
  model: ReadModel,
  events: readonly (DomainEvent & { position: string })[],
  options: { skipApplied: boolean; advance?: boolean },
): Promise<void> {
  if (events.length === 0) return;
  const applied = options.skipApplied ? await checkpointOf(db, schema, model.name) : -1n;
  const todo = events.filter((e) => BigInt(e.position) > applied);
  if (todo.length === 0) return;

  const scoped = todo.filter((e) => scopeIdOf(model, e) !== null);
  if (scoped.length > 0) {
    const scopeIds = [...new Set(scoped.map((e) => scopeIdOf(model, e)!))].sort();
    // Streams append concurrently, and a cycle-scoped model's rows are shared by every project of
    // the cycle: read-modify-write them one transaction at a time (in a fixed order, no deadlock).
    // A project's rows are written by its own stream only, which the append already serializes.
    for (const id of model.scope === 'cycleId' ? scopeIds : []) {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`${schema}.${model.name}`}), hashtext(${id}))`.execute(
        db,
      );
    }
    const states = await loadStates(db, schema, model, scopeIds);
    const before = new Map([...states].map(([id, s]) => [id, snapshot(s)]));
    const context = model.loadContext ? await model.loadContext(db, schema, scoped) : () => undefined;
    for (const event of scoped) {
      const id = scopeIdOf(model, event)!;
      states.set(id, model.evolve(states.get(id)!, event, context(id)));
    }
    for (const [table, key] of Object.entries(model.tables) as [ModelTable, readonly string[]][]) {
      const changed = [...states].flatMap(([id, s]) =>
        Object.entries(s[table] ?? {})
          .filter(([k, row]) => before.get(id)![table]?.[k] !== JSON.stringify(row))
          .map(([, row]) => row),
      );
      if (changed.length > 0) await upsert(db, schema, table, key, changed);
    }
  }
  if (options.advance !== false)
    await advanceCheckpoints(db, schema, [model], todo[todo.length - 1]!.position);
}

const snapshot = (s: TablesState): Partial<Record<ModelTable, Record<string, string>>> =>
  Object.fromEntries(
    Object.entries(s).map(([t, rows]) => [
      t,
      Object.fromEntries(Object.entries(rows).map(([k, r]) => [k, JSON.stringify(r)])),
    ]),
  );

export async function checkpointOf(db: Db, schema: string, name: string): Promise<bigint> {
  const row = await db
    .withSchema(schema)
    .selectFrom('projection_checkpoints')
    .select('position')
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? BigInt(row.position) : 0n;
}

async function advanceCheckpoints(
  db: Db,
  schema: string,
  models: readonly ReadModel[],
  position: string,
): Promise<void> {
  await db
    .withSchema(schema)
    .insertInto('projection_checkpoints')
    .values(models.map((m) => ({ name: m.name, version: m.version, position })))
    // The version stays the one the rows were first built with: only a rebuild (which starts the
    // checkpoint afresh) makes rows of an older projection version current again.
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({
        position: sql<string>`GREATEST(projection_checkpoints.position, excluded.position)`,
      }),
    )
    .execute();
}

/** The pure fold, for tests and for explaining a state: evolve every event of one scope in order. */
export function foldModel<S extends TablesState, C>(
  model: ReadModel<S, C>,
  events: readonly DomainEvent[],
  context: C,
  initial: S = {} as S,
): S {
  return events.reduce((s, e) => model.evolve(s, e, context), initial);
}

/** The live schema every appended event is projected into, in the append's own transaction. */
export const LIVE_SCHEMA = 'public';

/**
 * Every read model as one projection of the event store: each applied to the freshly appended
 * events in the append's transaction, then all checkpoints advanced in one statement.
 */
export const liveReadModels = (models: readonly ReadModel[]): Projection => ({
  name: 'read-models',
  version: 1,
  apply: async (trx, events) => {
    if (events.length === 0) return;
    for (const model of models)
      await applyToModel(trx, LIVE_SCHEMA, model, events, { skipApplied: false, advance: false });
    await advanceCheckpoints(trx, LIVE_SCHEMA, models, events[events.length - 1]!.position);
  },
});

import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../database';
import type { DomainEvent } from '../../domain/events';
import type { ReadModelTables } from '../tables/read-models';

export type Db = Kysely<Database> | Transaction<Database>;
export type ModelTable = Exclude<keyof ReadModelTables, 'projection_checkpoints'>;
export type Row = Record<string, unknown>;
/** A model's state: per table, its rows by key. Plain objects, never Map: states are JSON. */
export type TablesState = Partial<Record<ModelTable, Record<string, Row>>>;

/**
 * One read model: a pure `evolve` over the rows of one scope (a project's or a cycle's) and the
 * tables it owns with their key columns. The same `evolve` builds the rows live (the event store
 * folds it over the scope's current rows, then writes what changed) and in a rebuild (folded in
 * memory over the whole log, then written in bulk): the rules live here and nowhere else.
 */
export interface ReadModel<S extends TablesState = TablesState, C = unknown> {
  name: string;
  version: number;
  /**
   * Whose rows these are. A project's rows are written by its own stream only; a cycle's rows are
   * shared by every stream of the cycle, so the live writer sends their numeric columns as
   * increments and their other columns only when changed (see `rowWrites`).
   */
  scope: 'projectId' | 'cycleId';
  tables: { [K in keyof S & ModelTable]: readonly string[] };
  evolve(state: S, event: DomainEvent, context: C): S;
  /**
   * The state after several events of one scope, the same as `evolve` over them in order (and as
   * pure), for a rebuild: a model whose rules change a working copy (draft.ts) copies its rows once
   * for all of them. `contextAt(i)` is the context at the i-th event.
   */
  evolveAll?(state: S, events: readonly DomainEvent[], contextAt: (i: number) => C): S;
  /** Context from the state of the `cycles` model for the event's cycle (e.g. its RAG policy). */
  contextOf?(cycleState: TablesState): C;
}

/** The model whose per-cycle state other models take their context from. */
export const CONTEXT_MODEL = 'cycles';

export const keyOf = (row: Row, key: readonly string[]): string =>
  key.map((k) => String(row[k])).join('\u0001');

/** Rows are kept with times as UTC ISO strings so a loaded row compares equal to an evolved one. */
export const iso = (value: string): string =>
  // Most times already are (a rebuild folds millions of them): only the others are re-parsed.
  value.length === 24 && value.charCodeAt(23) === 90 /* Z */ && value.charCodeAt(10) === 84 /* T */
    ? value
    : new Date(value).toISOString();

/**
 * The rows an event may touch. A project is an item of the plan in one cycle: the same item in
 * two cycles is two projects, so a project's scope is (cycle, item), never the item alone.
 */
export const SCOPE_SEP = '\u0001';
export const scopeIdOf = (model: ReadModel, event: DomainEvent): string | null =>
  model.scope === 'cycleId'
    ? event.cycleId
    : event.projectId === null
      ? null
      : `${event.cycleId}${SCOPE_SEP}${event.projectId}`;
/** Within one project's scope, rows are known by their own ids; the cycle is the scope's. */
export const stateKey = (model: ReadModel, key: readonly string[]): readonly string[] =>
  model.scope === 'projectId' ? key.filter((k) => k !== 'cycle_id') : key;
export const scopeIdOfRow = (model: ReadModel, row: Row): string =>
  model.scope === 'cycleId'
    ? String(row.cycle_id)
    : `${String(row.cycle_id)}${SCOPE_SEP}${String(row.project_id)}`;

/** States of several models and scopes, keyed `model SEP scope`. */
export type ScopeStates = Map<string, TablesState>;
export const stateId = (model: ReadModel, scopeId: string): string => `${model.name}${SCOPE_SEP}${scopeId}`;

const contextId = (event: DomainEvent): string => `${CONTEXT_MODEL}${SCOPE_SEP}${event.cycleId}`;

/**
 * Each model's context per state of the context model. That state changes only with the cycle's
 * own events, so in a rebuild one context serves a cycle's many project events (and stays one
 * object, which lets `project_status` reuse its colours).
 */
const contextCache = new WeakMap<TablesState, Map<string, unknown>>();
const NO_CYCLE: TablesState = Object.freeze({});
function contextOf(model: ReadModel, cycleState: TablesState): unknown {
  let byModel = contextCache.get(cycleState);
  if (!byModel) contextCache.set(cycleState, (byModel = new Map()));
  if (!byModel.has(model.name)) byModel.set(model.name, model.contextOf!(cycleState));
  return byModel.get(model.name);
}

/**
 * Folds one event into `states` for every model, in model order (the context model first, so the
 * others see its state after the event, as they would read its table). Pure apart from `states`.
 */
export function foldEvent(
  models: readonly ReadModel[],
  states: ScopeStates,
  event: DomainEvent,
  contextState?: TablesState,
): void {
  for (const model of models) {
    const scopeId = scopeIdOf(model, event);
    if (scopeId === null) continue;
    const id = stateId(model, scopeId);
    const context = model.contextOf
      ? contextOf(model, contextState ?? states.get(contextId(event)) ?? NO_CYCLE)
      : undefined;
    states.set(id, model.evolve(states.get(id) ?? {}, event, context));
  }
}

/**
 * Folds a page of the log with the same result as `foldEvent` over it in order, for a rebuild:
 * cycle-scoped models first, in order, noting the context each event sees; then each project's
 * events together, so a project's rows are replaced while they are still young (over a whole log
 * the garbage collector then does a fraction of the work). A scope's states are looked up once
 * per page, not once per event and model: over millions of events, building and hashing those
 * keys costs as much as some models' evolve.
 */
export function foldPage(
  models: readonly ReadModel[],
  states: ScopeStates,
  events: readonly DomainEvent[],
  /** The project scopes to fold (all when absent); the cycle-scoped models fold every event. */
  owns?: (projectScope: string) => boolean,
): void {
  const shared = models.filter((m) => m.scope === 'cycleId');
  const owned = models.filter((m) => m.scope === 'projectId');
  const contexts: TablesState[] = [];
  const byProject = new Map<string, number[]>();
  const cycles = new Map<string, TablesState[]>();
  const contextAt = shared.findIndex((m) => m.name === CONTEXT_MODEL);
  // The context model's state of the event's cycle as it stands (a page may fold others only).
  const contextIn = (event: DomainEvent, cycle: TablesState[]): TablesState =>
    contextAt >= 0 ? cycle[contextAt]! : (states.get(contextId(event)) ?? NO_CYCLE);
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    let cycle = cycles.get(event.cycleId);
    if (!cycle)
      cycles.set(event.cycleId, (cycle = shared.map((m) => states.get(stateId(m, event.cycleId)) ?? {})));
    // The context model is the first of the cycle-scoped ones, so each later one sees its state
    // after the event, as foldEvent gives it.
    for (let k = 0; k < shared.length; k++) {
      const model = shared[k]!;
      const context = model.contextOf ? contextOf(model, contextIn(event, cycle)) : undefined;
      cycle[k] = model.evolve(cycle[k]!, event, context);
    }
    contexts.push(contextIn(event, cycle));
    if (event.projectId === null) continue;
    const scope = `${event.cycleId}${SCOPE_SEP}${event.projectId}`;
    if (owns && !owns(scope)) continue;
    const list = byProject.get(scope);
    if (list) list.push(i);
    else byProject.set(scope, [i]);
  }
  for (const [cycleId, cycle] of cycles) shared.forEach((m, k) => states.set(stateId(m, cycleId), cycle[k]!));
  for (const [scope, list] of byProject) {
    // A project's models are independent of each other: each folds all the project's events.
    const projectEvents = list.map((i) => events[i]!);
    for (const model of owned) {
      const id = stateId(model, scope);
      const contextAt = model.contextOf
        ? (j: number) => contextOf(model, contexts[list[j]!]!)
        : () => undefined;
      let state = states.get(id) ?? {};
      if (model.evolveAll) state = model.evolveAll(state, projectEvents, contextAt);
      else for (let j = 0; j < list.length; j++) state = model.evolve(state, projectEvents[j]!, contextAt(j));
      states.set(id, state);
    }
  }
}

/** Places loaded rows into their scopes' states (a scope with no rows gets an empty state). */
export function statesFromRows(
  model: ReadModel,
  scopeIds: readonly string[],
  rowsByTable: Partial<Record<ModelTable, Row[]>>,
  into: ScopeStates,
): void {
  for (const id of scopeIds) into.set(stateId(model, id), {});
  for (const [table, key] of Object.entries(model.tables) as [ModelTable, readonly string[]][]) {
    for (const id of scopeIds) into.get(stateId(model, id))![table] = {};
    for (const row of rowsByTable[table] ?? []) {
      const state = into.get(stateId(model, scopeIdOfRow(model, row)));
      if (state) state[table]![keyOf(row, stateKey(model, key))] = row;
    }
  }
}

/** A write of one row: a whole row to upsert, or, for a shared row, the changes to apply to it. */
export type RowWrite =
  { kind: 'upsert'; row: Row } | { kind: 'patch'; key: Row; set: Row; inc: Record<string, number> };

/**
 * What changed between two states of one scope, as row writes. A project's rows are exact (its
 * stream alone writes them), so a changed row is written whole. A cycle's rows are shared by
 * concurrent streams whose states may lag each other's: a changed row becomes a patch, numeric
 * columns as increments (every stream's +1 counts) and other columns only where this change set
 * them, so one stream never writes back another's stale values.
 */
export function rowWrites(
  model: ReadModel,
  before: TablesState,
  after: TablesState,
): Partial<Record<ModelTable, RowWrite[]>> {
  const out: Partial<Record<ModelTable, RowWrite[]>> = {};
  for (const [table, key] of Object.entries(model.tables) as [ModelTable, readonly string[]][]) {
    const was = before[table] ?? {};
    const writes: RowWrite[] = [];
    for (const [k, row] of Object.entries(after[table] ?? {})) {
      const old = was[k];
      if (old === row) continue;
      if (old === undefined || model.scope === 'projectId') {
        if (old === undefined || !sameRow(old, row)) writes.push({ kind: 'upsert', row });
        continue;
      }
      const set: Row = {};
      const inc: Record<string, number> = {};
      for (const [column, value] of Object.entries(row)) {
        const prior = old[column];
        if (sameValue(prior, value)) continue;
        if (typeof value === 'number' && typeof prior === 'number') inc[column] = value - prior;
        else set[column] = value;
      }
      if (Object.keys(set).length + Object.keys(inc).length > 0)
        writes.push({ kind: 'patch', key: Object.fromEntries(key.map((c) => [c, row[c]])), set, inc });
    }
    if (writes.length > 0) out[table] = writes;
  }
  return out;
}

const sameValue = (a: unknown, b: unknown): boolean =>
  a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
const sameRow = (a: Row, b: Row): boolean => Object.keys(b).every((c) => sameValue(a[c], b[c]));

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
 * The log position a model's rows reflect. A live model's row holds where it was built to (its
 * first append, or a rebuild) and the log's head then; appends write the live models in their own
 * transaction but no checkpoint (migration 0120), so once the log has grown past that head the
 * model is at the log's head.
 */
export async function checkpointOf(db: Db, schema: string, name: string): Promise<bigint> {
  if (schema === LIVE_SCHEMA) {
    const row = await db
      .selectFrom('projection_checkpoints')
      .select(
        sql<string>`CASE WHEN dudao_log_head() > log_head THEN dudao_log_head() ELSE position END`.as(
          'position',
        ),
      )
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? BigInt(row.position) : 0n;
  }
  const row = await db
    .withSchema(schema)
    .selectFrom('projection_checkpoints')
    .select('position')
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? BigInt(row.position) : 0n;
}

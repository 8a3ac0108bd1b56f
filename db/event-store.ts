import { createHash } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from './database';
import type { EventsTable } from './tables/events';
import { DomainEvent } from '../domain/events';
import { canonicalJson } from '../domain/canonical-json';
import { notificationFor } from './notification-outbox';
import { liveModels } from './projections/registry';
import {
  foldEvent,
  iso,
  keyOf,
  rowWrites,
  scopeIdOf,
  stateId,
  statesFromRows,
  SCOPE_SEP,
  type ModelTable,
  type ReadModel,
  type Row,
  type RowWrite,
  type ScopeStates,
  type TablesState,
} from './projections/read-model';

export const GENESIS_HASH = '0'.repeat(64);

/** An event as the log holds it: the domain event plus its global position and chain hash. */
export type RecordedEvent = DomainEvent & { position: string; hash: string; prevHash: string };

/** Raised when a different event is offered at a position the log already holds: never retried. */
export class EventConflictError extends Error {
  constructor(
    readonly streamId: string,
    readonly seq: number,
    detail: string,
  ) {
    super(`event log conflict at ${streamId}#${seq}: ${detail}`);
    this.name = 'EventConflictError';
  }
}

/** The hash of one event given its predecessor's: covers everything but position and recorded time. */
export function chainHash(prevHash: string, event: DomainEvent): string {
  const canonical = canonicalJson({ ...event, at: new Date(event.at).toISOString() });
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

export interface AppendResult {
  appended: number;
  duplicates: number;
}

export interface EventStoreOptions {
  /** Streams whose head and read-model rows are kept in memory (least recently used go first). */
  maxStreams?: number;
  /** Most calls written in one statement. */
  maxGroup?: number;
}

/** What this process knows of one stream: its head, and the rows of the scopes it owns. */
interface StreamView {
  seq: number;
  hash: string;
  /** Rows of every read-model scope this stream owns (its project's; a cycle stream's cycle). */
  states: ScopeStates;
  /** Known from the stream's first event on: a scope it owns but never touched has no rows. */
  complete: boolean;
}

interface Call {
  streamId: string;
  events: DomainEvent[];
  settled: boolean;
  /** The log disagreed with what this process believed of the stream: read it before planning. */
  reload: boolean;
  resolve(result: AppendResult): void;
  reject(err: unknown): void;
}

interface Loaded {
  /** Per stream: recorded hashes from the call's first seq − 1 on, and the last recorded seq. */
  hashes: Map<string, Map<number, string>>;
  heads: Map<string, number>;
  states: ScopeStates;
}

interface Plan {
  call: Call;
  fresh: number;
  events: { event: DomainEvent; hash: string; prevHash: string }[];
  duplicates: number;
  view: StreamView;
  shared: ScopeStates;
  /** Cycle scopes whose shared rows the call writes: locked, in one order, before writing. */
  scopes: string[];
  writes: Map<ModelTable, { model: ReadModel; writes: RowWrite[] }[]>;
}

const MAX_ATTEMPTS = 5;
const ENDS_STREAM = new Set(['ProjectClosed', 'CycleClosed', 'CycleCancelled']);

/**
 * The event log's writer. An append is one statement (`dudao_append`, migration 0006): the events
 * with their hash chain, the notification outbox and every read model's changed rows, computed
 * here by folding each model's pure `evolve` over the rows the stream's scopes hold. Those rows and
 * the stream's head are remembered from the previous append of the stream in this process, so the
 * steady state is one round trip per call; a stream this process has not followed (another worker
 * appended it, a restart) costs one read first. The statement writes nothing unless the log is
 * exactly where this process believes each stream to be, so a stale memory is never written.
 *
 * Concurrent calls are group-committed: while a statement is in flight, new calls queue, and the
 * next statement carries all of them (one per stream, in arrival order), each with its own result.
 */
export class EventStore {
  private readonly streams = new Map<string, StreamView>();
  /** Cycle-scoped rows as last seen, for streams that only add to them (a project's +1s). */
  private readonly shared: ScopeStates = new Map();
  private timestampColumns?: Map<string, Set<string>>;
  private readonly queue: Call[] = [];
  private flushing = false;
  private readonly maxStreams: number;
  private readonly maxGroup: number;
  private readonly byName: Map<string, ReadModel>;
  /** The models' names and versions as `dudao_append` takes them: the same on every call. */
  private readonly modelsJson: string;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly models: readonly ReadModel[] = liveModels,
    options: EventStoreOptions = {},
  ) {
    this.maxStreams = options.maxStreams ?? 2000;
    this.maxGroup = options.maxGroup ?? 256;
    this.byName = new Map(models.map((m) => [m.name, m]));
    this.modelsJson = JSON.stringify(models.map((m) => ({ name: m.name, version: m.version })));
  }

  /**
   * Appends a stream's events in order, idempotently on (stream, seq): an event already recorded
   * identically is skipped, a different one at a recorded position raises EventConflictError.
   * Projections (and the notification outbox) are written in the same transaction.
   */
  async append(input: DomainEvent[]): Promise<AppendResult> {
    if (input.length === 0) return { appended: 0, duplicates: 0 };
    const events = input.map((e) => DomainEvent.parse(e));
    const streamId = events[0]!.streamId;
    events.forEach((e, i) => {
      if (e.streamId !== streamId) throw new Error('appendEvents takes one stream per call');
      if (i > 0 && e.seq !== events[i - 1]!.seq + 1) throw new Error(`events must be consecutive (${e.seq})`);
    });
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ streamId, events, settled: false, reload: false, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.flushing || this.queue.length === 0) return;
    // One call per stream per statement: a stream's next call builds on its previous one's result.
    const group: Call[] = [];
    const taken = new Set<string>();
    for (let i = 0; i < this.queue.length && group.length < this.maxGroup;) {
      const call = this.queue[i]!;
      if (taken.has(call.streamId)) {
        i++;
        continue;
      }
      taken.add(call.streamId);
      group.push(call);
      this.queue.splice(i, 1);
    }
    this.flushing = true;
    void this.flush(group).finally(() => {
      this.flushing = false;
      this.kick();
    });
  }

  private async flush(group: Call[]): Promise<void> {
    try {
      await this.write(group);
    } catch (err) {
      // An unexpected failure of a group is retried call by call, so it reaches only its cause.
      const open = group.filter((c) => !c.settled);
      if (open.length === 1) fail(open[0]!, err);
      else
        for (const call of open) {
          try {
            await this.write([call]);
          } catch (e) {
            fail(call, e);
          }
        }
    }
  }

  private async write(calls: Call[]): Promise<void> {
    let pending = calls.filter((c) => !c.settled);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === MAX_ATTEMPTS) throw new Error('事件日志在追加期间反复变化，请重试');
      const unknown = pending.filter((c) => !this.knows(c));
      const loaded = unknown.length > 0 ? await this.load(unknown) : null;
      const plans: Plan[] = [];
      for (const call of pending) {
        try {
          const plan = this.plan(call, loaded);
          if (plan) plans.push(plan);
        } catch (err) {
          fail(call, err);
        }
      }
      if (plans.length === 0) return;
      const stale = await this.send(plans);
      if (stale.length === 0) {
        for (const plan of plans) this.commit(plan);
        return;
      }
      // Nothing was written: forget what the stale streams' views said and plan them afresh.
      for (const i of stale) {
        this.streams.delete(plans[i]!.call.streamId);
        plans[i]!.call.reload = true;
      }
      pending = plans.map((p) => p.call);
    }
  }

  /** Whether this process can plan the call without reading: it follows the stream and its scopes. */
  private knows(call: Call): boolean {
    const first = call.events[0]!.seq;
    const view = this.streams.get(call.streamId);
    if (call.reload || (!view ? first !== 1 : view.seq !== first - 1)) return false;
    return call.events.every((e) =>
      this.models.every((model) => {
        const scopeId = scopeIdOf(model, e);
        if (scopeId === null) return true;
        const id = stateId(model, scopeId);
        return owns(model, e) ? !view || view.complete || view.states.has(id) : this.shared.has(id);
      }),
    );
  }

  /** Reads, in one statement, the heads of the calls' streams and every scope their events touch. */
  private async load(calls: Call[]): Promise<Loaded> {
    const streams = calls.map((c) => c.streamId);
    const froms = calls.map((c) => c.events[0]!.seq - 1);
    const projectScopes = new Map<string, [string, string]>();
    const cycleScopes = new Set<string>();
    for (const e of calls.flatMap((c) => c.events)) {
      cycleScopes.add(e.cycleId);
      if (e.projectId !== null)
        projectScopes.set(`${e.cycleId}${SCOPE_SEP}${e.projectId}`, [e.cycleId, e.projectId]);
    }
    const cycles = [...projectScopes.values()].map(([c]) => c);
    const projects = [...projectScopes.values()].map(([, p]) => p);
    const tables = this.models.flatMap((m) =>
      (Object.keys(m.tables) as ModelTable[]).map((table) => ({ model: m, table })),
    );
    const needColumns = this.timestampColumns === undefined;
    const { rows } = await sql<Record<string, unknown>>`
      SELECT
        (SELECT coalesce(json_agg(json_build_array(r.s, e.seq, e.hash)), '[]')
           FROM unnest(${streams}::text[], ${froms}::int[]) AS r(s, f)
           CROSS JOIN LATERAL (SELECT seq, hash FROM events WHERE stream_id = r.s AND seq >= r.f OFFSET 0) AS e) AS hashes,
        (SELECT json_agg(json_build_array(r.s, (SELECT coalesce(max(seq), 0) FROM events WHERE stream_id = r.s)))
           FROM unnest(${streams}::text[]) AS r(s)) AS heads,
        ${
          needColumns
            ? sql`(SELECT json_agg(json_build_array(c.relname, a.attname))
                     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                    WHERE c.relnamespace = current_schema()::regnamespace
                      AND c.relname = ANY(${tables.map((t) => t.table)}::text[])
                      AND a.atttypid = 'timestamptz'::regtype AND a.attnum > 0 AND NOT a.attisdropped)`
            : sql`NULL`
        } AS timestamps,
        ${sql.join(
          tables.map(
            ({ model, table }) =>
              // Scope by scope (OFFSET 0 keeps each an index lookup, whatever the table's size).
              sql`(SELECT coalesce(json_agg(t), '[]') FROM ${
                model.scope === 'cycleId'
                  ? sql`unnest(${[...cycleScopes]}::text[]) AS s(c)
                        CROSS JOIN LATERAL (SELECT * FROM ${sql.table(table)} WHERE cycle_id = s.c OFFSET 0) AS t`
                  : sql`unnest(${cycles}::text[], ${projects}::text[]) AS s(c, p)
                        CROSS JOIN LATERAL (SELECT * FROM ${sql.table(table)}
                                            WHERE cycle_id = s.c AND project_id = s.p OFFSET 0) AS t`
              }) AS ${sql.id(table)}`,
          ),
        )}`.execute(this.db);
    const result = rows[0]!;
    if (needColumns) {
      this.timestampColumns = new Map();
      for (const [table, column] of (result.timestamps ?? []) as [string, string][]) {
        if (!this.timestampColumns.has(table)) this.timestampColumns.set(table, new Set());
        this.timestampColumns.get(table)!.add(column);
      }
    }
    const hashes = new Map<string, Map<number, string>>(streams.map((s) => [s, new Map()]));
    for (const [s, seq, hash] of result.hashes as [string, number, string][]) hashes.get(s)!.set(seq, hash);
    const states: ScopeStates = new Map();
    for (const model of this.models) {
      const scopeIds = model.scope === 'cycleId' ? [...cycleScopes] : [...projectScopes.keys()];
      const rowsByTable: Partial<Record<ModelTable, Row[]>> = {};
      for (const table of Object.keys(model.tables) as ModelTable[])
        rowsByTable[table] = (result[table] as Row[]).map((r) => this.normalize(table, r));
      statesFromRows(model, scopeIds, rowsByTable, states);
    }
    // Shared rows as read are what later calls of any stream add to.
    for (const [id, state] of states) if (isShared(this.modelOf(id))) this.remember(id, state);
    return { hashes, heads: new Map(result.heads as [string, number][]), states };
  }

  /** The model of a state id (`stateId`: the model's name, SCOPE_SEP, the scope). */
  private modelOf(id: string): ReadModel {
    return this.byName.get(id.slice(0, id.indexOf(SCOPE_SEP)))!;
  }

  /** A row read as JSON, with times as UTC ISO strings like the rows evolve produces. */
  private normalize(table: string, row: Row): Row {
    const times = this.timestampColumns?.get(table);
    if (!times) return row;
    for (const column of times) {
      const v = row[column];
      if (typeof v === 'string') row[column] = iso(v);
    }
    return row;
  }

  /**
   * Hash-chains the call's events and folds the read models over them, from what this process
   * knows of the stream or from what was just read. Settles the call itself when nothing is to be
   * written (all recorded already) or it must fail (a different event recorded, a gap).
   */
  private plan(call: Call, loaded: Loaded | null): Plan | null {
    const { streamId, events } = call;
    const first = events[0]!.seq;
    let view: StreamView;
    let head: number;
    let prevHash: string;
    let recorded: Map<number, string> | undefined;
    if (loaded?.heads.has(streamId)) {
      head = loaded.heads.get(streamId)!;
      recorded = loaded.hashes.get(streamId)!;
      const before = first === 1 ? GENESIS_HASH : recorded.get(first - 1);
      if (before === undefined)
        throw new EventConflictError(streamId, first, `gap: the log ends at #${head}`);
      prevHash = before;
      view = {
        seq: head,
        hash: head === 0 ? GENESIS_HASH : recorded.get(head)!,
        states: ownedStates(this.models, events, loaded.states),
        complete: false,
      };
    } else {
      view = this.streams.get(streamId) ?? { seq: 0, hash: GENESIS_HASH, states: new Map(), complete: true };
      head = view.seq;
      prevHash = view.hash;
    }

    const chained: Plan['events'] = [];
    for (const event of events) {
      const hash = chainHash(prevHash, event);
      if (event.seq <= head && recorded?.get(event.seq) !== hash)
        throw new EventConflictError(streamId, event.seq, 'a different event is recorded there');
      chained.push({ event, hash, prevHash });
      prevHash = hash;
    }
    const fresh = chained.filter((c) => c.event.seq > head);
    const duplicates = events.length - fresh.length;
    if (fresh.length === 0) {
      this.keep(streamId, view);
      succeed(call, { appended: 0, duplicates });
      return null;
    }

    // Fold from copies of the known states: only a committed statement changes what is known.
    const working: ScopeStates = new Map(view.states);
    const before: ScopeStates = new Map();
    const owned = new Set<string>();
    for (const { event } of fresh)
      for (const model of this.models) {
        const scopeId = scopeIdOf(model, event);
        if (scopeId === null) continue;
        const id = stateId(model, scopeId);
        if (owns(model, event)) owned.add(id);
        else if (!working.has(id)) working.set(id, this.shared.get(id) ?? {});
        if (!working.has(id)) working.set(id, {});
        if (!before.has(id)) before.set(id, working.get(id)!);
      }
    for (const { event } of fresh) foldEvent(this.models, working, event);

    const writes: Plan['writes'] = new Map();
    const states = new Map(view.states);
    const shared: ScopeStates = new Map();
    for (const [id, was] of before) {
      const model = this.modelOf(id);
      const now = working.get(id)!;
      if (owned.has(id)) states.set(id, now);
      else shared.set(id, now);
      if (now === was) continue; // an unchanged state has nothing to write
      for (const [table, list] of Object.entries(rowWrites(model, was, now)) as [ModelTable, RowWrite[]][]) {
        if (!owned.has(id) && list.some((w) => w.kind !== 'patch' || Object.keys(w.set).length > 0))
          throw new Error(
            `read model ${model.name}: a project's event may only add to its cycle's numbers (${table})`,
          );
        writes.set(table, [...(writes.get(table) ?? []), { model, writes: list }]);
      }
    }
    const last = fresh[fresh.length - 1]!;
    return {
      call,
      fresh: fresh[0]!.event.seq,
      events: chained,
      duplicates,
      view: { ...view, seq: last.event.seq, hash: last.hash, states },
      shared,
      scopes: [...before.keys()].filter((id) => isShared(this.modelOf(id))),
      writes,
    };
  }

  /** The group as one `dudao_append` statement; returns the indexes of calls found stale. */
  private async send(plans: Plan[]): Promise<number[]> {
    const locks = new Set<string>();
    const outbox: unknown[] = [];
    const calls = plans.map((plan) => {
      locks.add(`stream${SCOPE_SEP}${plan.call.streamId}`);
      for (const id of plan.scopes) locks.add(`scope${SCOPE_SEP}${id}`);
      for (const { event } of plan.events) {
        if (event.seq < plan.fresh) continue;
        const n = notificationFor(event);
        if (n) outbox.push(n);
      }
      return {
        stream: plan.call.streamId,
        fresh: plan.fresh,
        events: plan.events.map(({ event: e, hash, prevHash }) => ({
          event_id: e.eventId,
          stream_id: e.streamId,
          seq: e.seq,
          type: e.type,
          schema_version: e.schemaVersion,
          payload: e.data,
          actor: e.actor,
          occurred_at: e.at,
          cycle_id: e.cycleId,
          project_id: e.projectId,
          milestone_id: e.milestoneId,
          causation_id: e.causationId,
          prev_hash: prevHash,
          hash,
        })),
      };
    });
    const { rows } = await sql<{ result: { stale: number[] } }>`
      SELECT dudao_append(${[...locks].sort()}::text[], ${JSON.stringify(calls)}::jsonb,
                          ${JSON.stringify(outbox)}::jsonb, ${JSON.stringify(tableWrites(plans))}::jsonb,
                          ${this.modelsJson}::jsonb) AS result`.execute(this.db);
    return rows[0]!.result.stale;
  }

  private commit(plan: Plan): void {
    for (const [id, state] of plan.shared) this.remember(id, state);
    for (const [id, state] of plan.view.states) if (isShared(this.modelOf(id))) this.remember(id, state);
    const lastEvent = plan.events[plan.events.length - 1]!.event;
    if (ENDS_STREAM.has(lastEvent.type)) this.streams.delete(plan.call.streamId);
    else this.keep(plan.call.streamId, plan.view);
    succeed(plan.call, { appended: plan.events.length - plan.duplicates, duplicates: plan.duplicates });
  }

  private keep(streamId: string, view: StreamView): void {
    this.streams.delete(streamId);
    this.streams.set(streamId, view);
    if (this.streams.size > this.maxStreams) this.streams.delete(this.streams.keys().next().value!);
  }

  /** A cycle's shared rows, for the streams that add to them; an absent cycle is read again. */
  private remember(id: string, state: TablesState): void {
    if (Object.values(state).some((rows) => Object.keys(rows ?? {}).length > 0)) this.shared.set(id, state);
  }
}

/** Whether a model's rows of an event's scope belong to the event's stream (see ReadModel.scope). */
const owns = (model: ReadModel, event: DomainEvent): boolean =>
  model.scope === 'projectId' || event.projectId === null;

function ownedStates(models: readonly ReadModel[], events: DomainEvent[], loaded: ScopeStates): ScopeStates {
  const out: ScopeStates = new Map();
  for (const e of events)
    for (const model of models) {
      const scopeId = scopeIdOf(model, e);
      if (scopeId === null || !owns(model, e)) continue;
      const id = stateId(model, scopeId);
      out.set(id, loaded.get(id) ?? {});
    }
  return out;
}

const isShared = (model: ReadModel): boolean => model.scope === 'cycleId';

function succeed(call: Call, result: AppendResult): void {
  call.settled = true;
  call.resolve(result);
}

function fail(call: Call, err: unknown): void {
  call.settled = true;
  call.reject(err);
}

/** The group's row writes per table: whole rows (one per key, the last) and merged patches. */
function tableWrites(plans: Plan[]): unknown[] {
  const upserts: unknown[] = [];
  const patches: unknown[] = [];
  const tables = new Set(plans.flatMap((p) => [...p.writes.keys()]));
  for (const table of tables) {
    const entries = plans.flatMap((p) => p.writes.get(table) ?? []);
    const key = entries[0]!.model.tables[table as never] as readonly string[];
    const rows = new Map<string, Row>();
    const merged = new Map<string, { key: Row; set: Row; inc: Record<string, number> }>();
    for (const { writes } of entries)
      for (const w of writes) {
        if (w.kind === 'upsert') {
          rows.set(keyOf(w.row, key), w.row);
          continue;
        }
        const k = keyOf(w.key, key);
        const m = merged.get(k) ?? { key: w.key, set: {}, inc: {} };
        Object.assign(m.set, w.set);
        for (const [c, d] of Object.entries(w.inc)) m.inc[c] = (m.inc[c] ?? 0) + d;
        merged.set(k, m);
      }
    if (rows.size > 0) {
      const columns = Object.keys(rows.values().next().value!).filter((c) => !key.includes(c));
      upserts.push({ table, key, columns, rows: [...rows.values()] });
    }
    if (merged.size > 0) {
      const columns = [
        ...new Set([...merged.values()].flatMap((m) => [...Object.keys(m.set), ...Object.keys(m.inc)])),
      ];
      patches.push({ table, key, columns, patches: [...merged.values()] });
    }
  }
  // Whole rows first: a patch may add to a row created in the same statement.
  return [...upserts, ...patches];
}

const stores = new WeakMap<Kysely<Database>, EventStore>();

/** The event store of a database handle: one per handle, so its calls group-commit together. */
export function eventStoreFor(db: Kysely<Database>): EventStore {
  let store = stores.get(db);
  if (!store) {
    store = new EventStore(db);
    stores.set(db, store);
  }
  return store;
}

/** Appends one stream's events through the handle's event store (see EventStore.append). */
export function appendEvents(db: Kysely<Database>, input: DomainEvent[]): Promise<AppendResult> {
  return eventStoreFor(db).append(input);
}

/** Reads a stream back as recorded, in order. */
export async function readStream(db: Kysely<Database>, streamId: string): Promise<RecordedEvent[]> {
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .where('stream_id', '=', streamId)
    .orderBy('seq')
    .execute();
  return rows.map(rowToEvent);
}

type EventRow = Selectable<EventsTable>;

export function rowToEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    seq: row.seq,
    schemaVersion: row.schema_version,
    type: row.type,
    data: row.payload,
    actor: row.actor,
    at: new Date(row.occurred_at).toISOString(),
    cycleId: row.cycle_id,
    projectId: row.project_id,
    milestoneId: row.milestone_id,
    causationId: row.causation_id,
    position: String(row.position),
    hash: row.hash,
    prevHash: row.prev_hash,
  } as RecordedEvent;
}

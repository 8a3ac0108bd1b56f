import type { Selectable } from 'kysely';
import { EventBody, type DomainEvent } from '../../domain/events';
import type { EventsTable } from '../tables/events';
import { readModelNamed } from './models';
import {
  foldPage,
  SCOPE_SEP,
  type ModelTable,
  type ReadModel,
  type Row,
  type ScopeStates,
} from './read-model';

/**
 * What one fold of a rebuild folds and writes: the models to write, the models to fold (those and
 * the model they take context from), and which share of the projects it owns.
 */
export interface FoldPlan {
  write: readonly string[];
  fold: readonly string[];
  /** This fold's share: projects whose ordinal in their cycle is `part` modulo `parts`. */
  part: number;
  parts: number;
  /** Finished cycles are handed over for writing once they hold this many events. */
  batchSize: number;
}

/** Rows of one table as a JSON array, as jsonb_populate_recordset takes them. */
export interface TableRows {
  table: ModelTable;
  json: string;
}

/**
 * A page of the log by column, as it crosses to a fold's thread: flat arrays and two JSON texts
 * (the payloads and actors as PostgreSQL printed them, parsed once on the fold's side), which
 * copy between threads far more cheaply than rows of nested objects.
 */
export interface LogPage {
  position: string[];
  event_id: string[];
  stream_id: string[];
  seq: number[];
  schema_version: number[];
  type: string[];
  /** JSON arrays of the payloads and actors, in page order. */
  payloads: string;
  actors: string;
  /** Plan times as ISO strings in UTC with milliseconds, as an event's `at` is written. */
  occurred_at: string[];
  cycle_id: string[];
  project_id: (string | null)[];
  milestone_id: (string | null)[];
  causation_id: (string | null)[];
}

type EventRow = Selectable<EventsTable>;
/**
 * A log row as the rebuild selects it: the payload and actor left as text, the plan time as the
 * ISO text of an event's `at` (PostgreSQL prints it as cheaply as a timestamp, and neither thread
 * then parses a date).
 */
export type TextRow = Omit<
  EventRow,
  'payload' | 'actor' | 'hash' | 'prev_hash' | 'recorded_at' | 'occurred_at'
> & {
  payload: string;
  actor: string;
  occurred_at: string;
};

/** The page of `rows`, by column. */
export function logPage(rows: readonly TextRow[]): LogPage {
  // Filled by push, not preallocated: an array with holes crosses to the fold's thread element by
  // element (a key and a value each), a packed one as a run of values, in half the time both ways.
  const page: LogPage = {
    position: [],
    event_id: [],
    stream_id: [],
    seq: [],
    schema_version: [],
    type: [],
    payloads: '',
    actors: '',
    occurred_at: [],
    cycle_id: [],
    project_id: [],
    milestone_id: [],
    causation_id: [],
  };
  const payloads: string[] = [];
  const actors: string[] = [];
  for (const r of rows) {
    page.position.push(String(r.position));
    page.event_id.push(r.event_id);
    page.stream_id.push(r.stream_id);
    page.seq.push(r.seq);
    page.schema_version.push(r.schema_version);
    page.type.push(r.type);
    payloads.push(r.payload);
    actors.push(r.actor);
    page.occurred_at.push(r.occurred_at);
    page.cycle_id.push(r.cycle_id);
    page.project_id.push(r.project_id);
    page.milestone_id.push(r.milestone_id);
    page.causation_id.push(r.causation_id);
  }
  page.payloads = `[${payloads.join(',')}]`;
  page.actors = `[${actors.join(',')}]`;
  return page;
}

/**
 * One share of a rebuild's fold, fed the log's pages in (cycle, position) order. Every share
 * folds every event into the cycle-scoped models, so each sees the context (the cycle's policy)
 * at every event as a single fold would; a project's models are folded by the one share that owns
 * the project, and the cycle-scoped rows are written by share 0 alone. Shares therefore produce
 * disjoint rows whose union is the single fold's, and can run on separate threads.
 */
export class PartitionFold {
  private readonly folded: readonly ReadModel[];
  private readonly written: ReadonlyMap<string, ReadModel>;
  private states: ScopeStates = new Map();
  private cycle: string | null = null;
  /** Projects of the current cycle by order of first event: the same in every share. */
  private projects = new Map<string, number>();
  private ready = new Map<ModelTable, Row[]>();
  private readyEvents = 0;
  private readonly owns: ((scope: string) => boolean) | undefined;

  constructor(private readonly plan: FoldPlan) {
    this.folded = plan.fold.map(readModelNamed);
    this.written = new Map(
      plan.write
        .map(readModelNamed)
        .filter((m) => m.scope === 'projectId' || plan.part === 0)
        .map((m) => [m.name, m]),
    );
    this.owns =
      plan.parts === 1
        ? undefined
        : (scope) => {
            let ordinal = this.projects.get(scope);
            if (ordinal === undefined) this.projects.set(scope, (ordinal = this.projects.size));
            return ordinal % plan.parts === plan.part;
          };
  }

  /** Folds one page of the log; returns the rows to write, if a batch is ready. */
  page(page: LogPage): TableRows[] | null {
    const payloads = JSON.parse(page.payloads) as unknown[];
    const actors = JSON.parse(page.actors) as unknown[];
    const cycles = page.cycle_id;
    let out: TableRows[] | null = null;
    for (let from = 0; from < cycles.length;) {
      const id = cycles[from]!;
      let to = from;
      while (to < cycles.length && cycles[to] === id) to++;
      if (id !== this.cycle) {
        this.finishCycle();
        this.cycle = id;
        if (this.readyEvents >= this.plan.batchSize) out = this.take();
      }
      const events = new Array<DomainEvent>(to - from);
      for (let i = from; i < to; i++) events[i - from] = eventAt(page, i, payloads[i], actors[i]);
      foldPage(this.folded, this.states, events, this.owns);
      this.readyEvents += to - from;
      from = to;
    }
    return out;
  }

  /** The rows not yet handed over, at the end of the log. */
  end(): TableRows[] {
    this.finishCycle();
    return this.take();
  }

  private finishCycle(): void {
    for (const [id, state] of this.states) {
      const model = this.written.get(id.slice(0, id.indexOf(SCOPE_SEP)));
      if (!model) continue;
      for (const table of Object.keys(model.tables) as ModelTable[]) {
        const rows = state[table];
        if (!rows) continue;
        let list = this.ready.get(table);
        if (!list) this.ready.set(table, (list = []));
        for (const key in rows) list.push(rows[key]!);
      }
    }
    this.states = new Map();
    this.projects = new Map();
  }

  private take(): TableRows[] {
    const out: TableRows[] = [];
    for (const [table, rows] of this.ready)
      if (rows.length > 0) out.push({ table, json: JSON.stringify(rows) });
    this.ready = new Map();
    this.readyEvents = 0;
    return out;
  }
}

/**
 * Each event type's name as the code spells it. The names a page brings are copies (read from
 * PostgreSQL, then sent between threads); every model's `switch` compares an event's type with
 * its cases, and a copy is compared character by character where the code's own string is
 * compared by identity: looking each up here once makes the fold's comparisons identity checks.
 */
const EVENT_TYPES = new Map<string, string>(
  EventBody.options.map((o) => [o.shape.type.value, o.shape.type.value]),
);

/**
 * Event `i` of a page, as the log's row gives it. Rows were validated when appended: a cheap check
 * of what the fold relies on stands in for re-parsing them, so a damaged row is named instead of
 * failing somewhere in a model.
 */
function eventAt(page: LogPage, i: number, payload: unknown, actor: unknown): DomainEvent {
  if (typeof payload !== 'object' || payload === null || typeof actor !== 'object' || actor === null)
    throw new Error(`事件日志第 ${page.position[i]} 条记录格式不对（内容或操作人不是对象），无法重建读模型`);
  return {
    eventId: page.event_id[i]!,
    streamId: page.stream_id[i]!,
    seq: page.seq[i]!,
    schemaVersion: page.schema_version[i]!,
    type: EVENT_TYPES.get(page.type[i]!) ?? page.type[i]!,
    data: payload,
    actor,
    at: page.occurred_at[i]!,
    cycleId: page.cycle_id[i]!,
    projectId: page.project_id[i]!,
    milestoneId: page.milestone_id[i]!,
    causationId: page.causation_id[i]!,
  } as DomainEvent;
}

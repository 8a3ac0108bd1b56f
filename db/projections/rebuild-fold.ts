import type { Selectable } from 'kysely';
import { rowToEvent } from '../event-store';
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

type EventRow = Selectable<EventsTable>;
/**
 * An event as a page of the log gives it (json_agg of the selected columns, see rebuild.ts): its
 * time is JSON text, which `rowToEvent` reads as it reads a Date.
 */
type LogRow = Omit<EventRow, 'occurred_at'> & { occurred_at: string };

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

  /** Folds one page (a JSON array of log rows); returns the rows to write, if a batch is ready. */
  page(json: string): TableRows[] | null {
    const rows = JSON.parse(json) as LogRow[];
    let out: TableRows[] | null = null;
    for (let from = 0; from < rows.length;) {
      const id = rows[from]!.cycle_id;
      let to = from;
      while (to < rows.length && rows[to]!.cycle_id === id) to++;
      if (id !== this.cycle) {
        this.finishCycle();
        this.cycle = id;
        if (this.readyEvents >= this.plan.batchSize) out = this.take();
      }
      const events = new Array<ReturnType<typeof rowToEvent>>(to - from);
      for (let i = from; i < to; i++) events[i - from] = rowToEvent(checked(rows[i]!) as unknown as EventRow);
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
 * Rows of the log were validated when appended: a cheap check of the shape the fold relies on
 * stands in for re-parsing them, so a damaged row is named instead of failing somewhere in a model.
 */
function checked(row: LogRow): LogRow {
  if (
    typeof row.type !== 'string' ||
    typeof row.cycle_id !== 'string' ||
    typeof row.payload !== 'object' ||
    row.payload === null ||
    typeof row.occurred_at !== 'string'
  )
    throw new Error(
      `事件日志第 ${String(row.position)} 条记录格式不对（缺类型、周期、内容或时间），无法重建读模型`,
    );
  return row;
}

import type { DomainEvent } from '../../domain/events';
import type { TablesState } from './read-model';

/** The row type of a table of a state. */
export type RowOf<T> = NonNullable<T> extends Record<string, infer R> ? R : never;

/**
 * A working copy of one scope's state that a model's rules change in place. A table is copied on
 * its first change and a row on its first change, so the state the draft started from is never
 * changed, rows left alone stay the same objects (the live writer skips them by identity), and
 * events folded into one draft copy each row at most once: a rebuild folds a project's events in
 * one draft per page instead of copying its tables and rows at every event.
 */
export class Draft<S extends TablesState> {
  private readonly state: S;
  private changed = false;
  private readonly copied = new Set<keyof S>();
  /** Rows this draft made or copied: the only ones it may change in place. */
  private readonly owned = new Set<unknown>();

  constructor(private readonly base: S) {
    this.state = { ...base };
  }

  /** The rows of `table` as they stand, to read; change them through `edit` and `put` only. */
  rows<K extends keyof S>(table: K): Readonly<Record<string, RowOf<S[K]>>> {
    return (this.state[table] ?? EMPTY) as Record<string, RowOf<S[K]>>;
  }

  /** The row under `key`, to change in place; undefined when there is none. */
  edit<K extends keyof S>(table: K, key: string): RowOf<S[K]> | undefined {
    const row = (this.state[table] as Record<string, RowOf<S[K]>> | undefined)?.[key];
    if (row === undefined || this.owned.has(row)) return row;
    const copy = { ...row };
    this.put(table, key, copy);
    return copy;
  }

  /** Sets the row under `key` (a new row, or a replacement); the draft owns it from now on. */
  put<K extends keyof S>(table: K, key: string, row: RowOf<S[K]>): void {
    this.writable(table)[key] = row;
    this.owned.add(row);
  }

  /** The state after the changes: the state it started from when nothing changed. */
  done(): S {
    return this.changed ? this.state : this.base;
  }

  private writable<K extends keyof S>(table: K): Record<string, RowOf<S[K]>> {
    this.changed = true;
    if (!this.copied.has(table)) {
      this.copied.add(table);
      this.state[table] = { ...this.state[table] } as S[K];
    }
    return this.state[table] as Record<string, RowOf<S[K]>>;
  }
}

const EMPTY = Object.freeze({});

/**
 * A model's `evolve` and `evolveAll` from one set of rules written against a draft: `evolve` folds
 * one event into a fresh draft, `evolveAll` several into one, so both are pure at their interface
 * and give the same state.
 */
export function draftRules<S extends TablesState, C>(
  apply: (draft: Draft<S>, event: DomainEvent, context: C) => void,
): {
  evolve: (state: S, event: DomainEvent, context: C) => S;
  evolveAll: (state: S, events: readonly DomainEvent[], contextAt: (i: number) => C) => S;
} {
  return {
    evolve: (state, event, context) => {
      const draft = new Draft(state);
      apply(draft, event, context);
      return draft.done();
    },
    evolveAll: (state, events, contextAt) => {
      const draft = new Draft(state);
      for (let i = 0; i < events.length; i++) apply(draft, events[i]!, contextAt(i));
      return draft.done();
    },
  };
}

import type { ColumnType } from 'kysely';
import type { Draft, RowOf } from './draft';
import type { TablesState } from './read-model';

/**
 * A table row as the projections hold it in memory: the selected type with Dates as ISO strings,
 * i.e. exactly what evolve produces and what the writer upserts.
 */
export type Plain<T> = {
  [K in keyof T]: T[K] extends ColumnType<infer S, unknown, unknown> ? DatesAsIso<S> : T[K];
};
type DatesAsIso<S> = S extends Date ? string : S;

/** Ends a switch that must handle every event type: adding a type to the contract fails to compile here. */
export function exhaustive(event: never): never {
  throw new Error(`unhandled event ${(event as { type: string }).type}`);
}

/** Applies `patch` to every row of `table` in one project that `match`es, in the draft. */
export function patchProjectRows<S extends TablesState, K extends keyof S & string>(
  draft: Draft<S>,
  table: K,
  projectId: string | null,
  match: (row: RowOf<S[K]>) => boolean,
  patch: (row: RowOf<S[K]>) => Partial<RowOf<S[K]>>,
): void {
  const rows = draft.rows(table);
  for (const key in rows) {
    const r = rows[key]!;
    if ((r as { project_id?: unknown }).project_id !== projectId || !match(r)) continue;
    const row = draft.edit(table, key)!;
    Object.assign(row, patch(row));
  }
}

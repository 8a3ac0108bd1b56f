import type { ColumnType } from 'kysely';

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

/**
 * The rows of one project that `match`, each with `patch` applied, keyed by `keyOf`; null when none
 * match (the caller keeps its state as it was).
 */
export function patchProjectRows<R extends { project_id: string }>(
  rows: Record<string, R>,
  projectId: string | null,
  keyOf: (row: R) => string,
  match: (row: R) => boolean,
  patch: (row: R) => Partial<R>,
): Record<string, R> | null {
  let out: Record<string, R> | null = null;
  for (const key in rows) {
    const r = rows[key]!;
    if (r.project_id !== projectId || !match(r)) continue;
    out ??= { ...rows };
    out[keyOf(r)] = { ...r, ...patch(r) };
  }
  return out;
}

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

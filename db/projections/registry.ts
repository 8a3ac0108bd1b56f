import type { ReadModel } from './read-model';
import { readModels } from './models';

/**
 * The read models the event store keeps up to date in the same transaction as every append (all
 * of them): each one's `evolve` is folded over the appended events and its changed rows written
 * in the append's one statement, with every model's checkpoint and version (db/event-store.ts).
 */
export const liveModels: readonly ReadModel[] = readModels;

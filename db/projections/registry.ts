import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../database';
import type { RecordedEvent } from '../event-store';
import { readModels } from './models';
import { liveReadModels } from './read-model';

/**
 * A read model kept up to date in the same transaction as the append. `apply` runs a pure
 * `evolve` and writes its result with idempotent upserts; it is handed only newly appended events.
 */
export interface Projection {
  name: string;
  version: number;
  apply(trx: Transaction<Database> | Kysely<Database>, events: RecordedEvent[]): Promise<void>;
}

export const projections: Projection[] = [liveReadModels(readModels)];

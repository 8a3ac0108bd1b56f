import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { planUnits } from './identity/accounts';

/**
 * The units a person may name when asking for a unit's work: the current plan's, and every unit
 * holding an assignment (a 转办 or a leader's instruction may name one the plan does not).
 */
export async function knownUnits(db: Kysely<Database>): Promise<string[]> {
  const assigned = await db.selectFrom('assignments').select('unit').distinct().execute();
  return [...new Set([...(await planUnits(db)), ...assigned.map((r) => r.unit)])].sort();
}

/** Refuses a unit nobody knows, naming the ones there are: a typo must not read as "no work". */
export async function assertKnownUnit(db: Kysely<Database>, unit: string): Promise<void> {
  const known = await knownUnits(db);
  if (known.length > 0 && !known.includes(unit))
    throw new Error(`没有单位“${unit}”。已知单位：${known.join('、')}`);
}

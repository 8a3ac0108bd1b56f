import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { planUnits } from './identity/accounts';
import { bodiesBelow, bodiesToAdd, parseBodiesCsv, type DirectoryEntry } from '../domain/unit-directory';

/**
 * The units a person may name when asking for a unit's work: the current plan's, the bodies of the
 * unit directory, and every unit holding an assignment (a 转办 or a leader's instruction may name
 * one the plan does not).
 */
export async function knownUnits(db: Kysely<Database>): Promise<string[]> {
  const assigned = await db.selectFrom('assignments').select('unit').distinct().execute();
  return [...new Set([...(await accountUnits(db)), ...assigned.map((r) => r.unit)])].sort();
}

/** Refuses a unit nobody knows, naming the ones there are: a typo must not read as "no work". */
export async function assertKnownUnit(db: Kysely<Database>, unit: string): Promise<void> {
  const known = await knownUnits(db);
  if (known.length > 0 && !known.includes(unit))
    throw new Error(`没有单位“${unit}”。已知单位：${known.join('、')}`);
}

/** The units an account may belong to: the current plan's, and the bodies below them (多级下发). */
export async function accountUnits(db: Kysely<Database>): Promise<string[]> {
  const bodies = (await unitDirectory(db)).filter((e) => e.parent !== null).map((e) => e.name);
  return [...new Set([...(await planUnits(db)), ...bodies])].sort();
}

/** Every unit of the directory with the one above it (null: a unit a plan names). */
export async function unitDirectory(db: Kysely<Database>): Promise<DirectoryEntry[]> {
  return db.selectFrom('units').select(['name', 'parent']).orderBy('name').execute();
}

/** The bodies directly below a unit or body: where it may dispatch. */
export async function subordinateBodies(db: Kysely<Database>, unit: string): Promise<string[]> {
  return bodiesBelow(await unitDirectory(db), unit);
}

/**
 * Imports bodies from a 上级单位,单位名称 CSV in one transaction: all of them or, with the first
 * problem (`DirectoryRejected`, in Chinese), none. Running the same file again adds nothing.
 */
export async function importBodies(db: Kysely<Database>, csv: string): Promise<DirectoryEntry[]> {
  const rows = parseBodiesCsv(csv);
  return db.transaction().execute(async (trx) => {
    const added = bodiesToAdd(await trx.selectFrom('units').select(['name', 'parent']).execute(), rows);
    for (const body of added) await trx.insertInto('units').values(body).execute();
    return added;
  });
}

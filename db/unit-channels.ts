import type { Kysely } from 'kysely';
import type { Database } from './database';
import type { UnitChannelsTable } from './tables/events';

export interface UnitChannel {
  unit: string;
  channel: UnitChannelsTable['channel'];
  address: string | null;
  secret: string | null;
  updatedAt: string;
  updatedBy: string;
}

/** Sets where a unit's notices go (one channel per unit; setting again replaces it). */
export async function setUnitChannel(
  db: Kysely<Database>,
  entry: Omit<UnitChannel, 'updatedAt'>,
): Promise<void> {
  await db
    .insertInto('unit_channels')
    .values({
      unit: entry.unit,
      channel: entry.channel,
      address: entry.address,
      secret: entry.secret,
      updated_by: entry.updatedBy,
    })
    .onConflict((oc) =>
      oc.column('unit').doUpdateSet((eb) => ({
        channel: eb.ref('excluded.channel'),
        address: eb.ref('excluded.address'),
        secret: eb.ref('excluded.secret'),
        updated_by: eb.ref('excluded.updated_by'),
        updated_at: new Date().toISOString(),
      })),
    )
    .execute();
}

export async function removeUnitChannel(db: Kysely<Database>, unit: string): Promise<boolean> {
  const r = await db.deleteFrom('unit_channels').where('unit', '=', unit).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

export async function listUnitChannels(db: Kysely<Database>): Promise<UnitChannel[]> {
  const rows = await db.selectFrom('unit_channels').selectAll().orderBy('unit').execute();
  return rows.map((r) => ({
    unit: r.unit,
    channel: r.channel,
    address: r.address,
    secret: r.secret,
    updatedAt: new Date(r.updated_at).toISOString(),
    updatedBy: r.updated_by,
  }));
}

/** Units the imported plans name; empty before any plan is imported. */
export async function knownUnits(db: Kysely<Database>): Promise<string[]> {
  return (await db.selectFrom('units').select('name').orderBy('name').execute()).map((r) => r.name);
}

import type { Kysely, Selectable } from 'kysely';
import type { Database } from './database';
import type { SigningKeysTable } from './tables/signing-keys';

export type SigningKeyRow = Selectable<SigningKeysTable>;

/** Registers a public key; registering the same key again changes nothing. */
export async function registerSigningKey(
  db: Kysely<Database>,
  key: { keyId: string; publicKey: string; kind: SigningKeysTable['kind']; label: string },
): Promise<void> {
  await db
    .insertInto('signing_keys')
    .values({ key_id: key.keyId, public_key: key.publicKey, kind: key.kind, label: key.label })
    .onConflict((oc) => oc.column('key_id').doNothing())
    .execute();
}

export const listSigningKeys = (db: Kysely<Database>): Promise<SigningKeyRow[]> =>
  db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('key_id').execute();

export const findSigningKey = (db: Kysely<Database>, keyId: string): Promise<SigningKeyRow | undefined> =>
  db.selectFrom('signing_keys').selectAll().where('key_id', '=', keyId).executeTakeFirst();

/** Marks a key revoked from `at` on; answers false when there is no such key (or it already was). */
export async function revokeSigningKey(
  db: Kysely<Database>,
  keyId: string,
  at: Date = new Date(),
): Promise<boolean> {
  const result = await db
    .updateTable('signing_keys')
    .set({ revoked_at: at })
    .where('key_id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

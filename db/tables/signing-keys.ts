import type { ColumnType } from 'kysely';

/** A public key that may sign human commands; revoked keys stay, marked. */
export interface SigningKeysTable {
  key_id: string;
  /** Ed25519 public key, SPKI DER in base64. */
  public_key: string;
  kind: 'service' | 'operator';
  label: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

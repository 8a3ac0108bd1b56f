import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { Role } from '../../domain/principal';

/** A person who signs in. Unit roles carry their unit; the password is an scrypt hash, never the text. */
export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  role: Exclude<Role, 'system'>;
  unit: string | null;
  password_hash: string;
  disabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: ColumnType<Date, string | undefined, never>;
}

/** A browser session: only the SHA-256 of its random token is stored, with the CSRF token it issued. */
export interface SessionsTable {
  token_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: ColumnType<Date, string | undefined, never>;
  expires_at: ColumnType<Date, string, string>;
}

/** A revocable API token for scripts, stored hashed; shown to its owner once. */
export interface ApiTokensTable {
  id: Generated<number>;
  token_hash: string;
  user_id: number;
  label: string;
  created_at: ColumnType<Date, string | undefined, never>;
  expires_at: ColumnType<Date | null, string | null | undefined, string | null>;
  revoked_at: ColumnType<Date | null, string | null | undefined, string | null>;
}

/**
 * Append-only security audit: sign-ins (success and failure), permission denials and administrative
 * changes. Not workflow domain events: they describe access to the system, not supervision work.
 */
export interface SecurityEventsTable {
  id: Generated<string>;
  at: ColumnType<Date, string | undefined, never>;
  kind: string;
  username: string | null;
  ip: string | null;
  detail: JSONColumnType<Record<string, unknown>>;
}

/** Which unit uploaded which evidence file (by SHA-256): what a unit may cite. */
export interface EvidenceUploadsTable {
  sha256: string;
  unit: string;
  uploaded_by: string;
  name: string | null;
  uploaded_at: ColumnType<Date, string | undefined, never>;
}

export interface IdentityTables {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  security_events: SecurityEventsTable;
  evidence_uploads: EvidenceUploadsTable;
}

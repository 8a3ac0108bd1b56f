import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';

/** What the security audit records; one row each, never updated. */
export type SecurityEventKind =
  | 'sign_in_succeeded'
  | 'sign_in_failed'
  | 'sign_in_throttled'
  | 'signed_out'
  | 'permission_denied'
  | 'user_created'
  | 'user_disabled'
  | 'user_enabled'
  | 'user_updated'
  | 'password_reset'
  | 'token_created'
  | 'token_revoked'
  | 'first_admin_created'
  | 'evidence_uploaded'
  | 'plan_imported';

export async function recordSecurityEvent(
  db: Kysely<Database>,
  kind: SecurityEventKind,
  e: { username?: string | null; ip?: string | null; detail?: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('security_events')
    .values({
      kind,
      username: e.username ?? null,
      ip: e.ip ?? null,
      detail: JSON.stringify(e.detail ?? {}),
    })
    .execute();
}

import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { ApiError } from '../errors';
import { loadPlanVersion } from '../../seeds/import';
import { recordSecurityEvent } from './audit';
import { generatePassword, hashPassword } from './passwords';
import { UserRole } from './users';

/**
 * Account changes the administrator makes in the workspace. Each change and its security record
 * commit together; a change of role, unit or password ends the user's open sessions.
 */

const UNIT_ROLES = new Set(['unit_staff', 'unit_head']);

/** A unit must be one the plan names or a body below one: a typo would leave the account with an empty inbox. */
export function checkUnit(role: string, unit: string | null, knownUnits: string[]): string | null {
  if (!UNIT_ROLES.has(role)) return role === 'inspector' ? unit || null : null;
  if (!unit) throw new ApiError(400, 'invalid_command', '单位经办人和单位负责人必须指定所属单位');
  if (knownUnits.length > 0 && !knownUnits.includes(unit))
    throw new ApiError(400, 'invalid_command', `规划中没有单位“${unit}”，可选：${knownUnits.join('、')}`);
  return unit;
}

async function userId(db: Kysely<Database>, username: string): Promise<number> {
  const row = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
  if (!row) throw new ApiError(404, 'not_found', `找不到用户“${username}”`);
  return row.id;
}

export async function updateAccount(
  db: Kysely<Database>,
  username: string,
  change: { role: UserRole; unit: string | null; displayName?: string | undefined },
  by: string,
): Promise<void> {
  const role = UserRole.parse(change.role);
  const id = await userId(db, username);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({
        role,
        unit: change.unit,
        ...(change.displayName ? { display_name: change.displayName } : {}),
      })
      .where('id', '=', id)
      .execute();
    await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await recordSecurityEvent(trx, 'user_updated', { username, detail: { by, role, unit: change.unit } });
  });
}

/** A new one-time password, returned once for the administrator to hand over; only its hash is kept. */
export async function resetPassword(db: Kysely<Database>, username: string, by: string): Promise<string> {
  const id = await userId(db, username);
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await recordSecurityEvent(trx, 'password_reset', { username, detail: { by } });
  });
  return password;
}

export async function enableAccount(db: Kysely<Database>, username: string, by: string): Promise<void> {
  const id = await userId(db, username);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ disabled: false }).where('id', '=', id).execute();
    await recordSecurityEvent(trx, 'user_enabled', { username, detail: { by } });
  });
}

/** The newest security records first. */
export async function securityLog(db: Kysely<Database>, limit = 200) {
  return db
    .selectFrom('security_events')
    .select(['id', 'at', 'kind', 'username', 'ip', 'detail'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** The units of the current plan: accounts of unit roles must name one of them. */
export async function planUnits(db: Kysely<Database>): Promise<string[]> {
  const stored = await loadPlanVersion(db).catch(() => null);
  return stored ? [...new Set(stored.plan.items.flatMap((i) => i.units))].sort() : [];
}

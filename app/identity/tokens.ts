import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { recordSecurityEvent } from './audit';
import { findUser, type User } from './users';

/** Tokens are 256 random bits, so a fast hash suffices: only the hash is stored. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
const newToken = (prefix: string) => `${prefix}_${randomBytes(32).toString('base64url')}`;

export const SESSION_HOURS = 8;

export interface Session {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function createSession(
  db: Kysely<Database>,
  userId: number,
  now = new Date(),
): Promise<Session> {
  // Sessions that ran out are of no use to anyone: sweep them as new ones are made.
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  const session = {
    token: newToken('dds'),
    csrfToken: randomBytes(24).toString('base64url'),
    expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000),
  };
  await db
    .insertInto('sessions')
    .values({
      token_hash: hashToken(session.token),
      user_id: userId,
      csrf_token: session.csrfToken,
      expires_at: session.expiresAt.toISOString(),
    })
    .execute();
  return session;
}

/** The user and CSRF token of a live session, or null when unknown, expired or the user is disabled. */
export async function sessionUser(
  db: Kysely<Database>,
  token: string,
): Promise<{ user: User; csrfToken: string } | null> {
  const row = await db
    .selectFrom('sessions')
    .select(['user_id', 'csrf_token'])
    .where('token_hash', '=', hashToken(token))
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  const user = row && (await findUser(db, row.user_id));
  return user && !user.disabled ? { user, csrfToken: row.csrf_token } : null;
}

export async function endSession(db: Kysely<Database>, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
}

/** Creates an API token for `username`; the caller shows `token` once, it cannot be recovered. */
export async function createApiToken(
  db: Kysely<Database>,
  username: string,
  label: string,
  by: string,
  expiresInDays?: number,
): Promise<{ id: number; token: string }> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'disabled'])
    .where('username', '=', username)
    .executeTakeFirst();
  if (!user) throw new Error(`找不到用户“${username}”`);
  if (user.disabled) throw new Error(`用户“${username}”已停用`);
  const token = newToken('ddt');
  // The token and its `token_created` record commit together or not at all.
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('api_tokens')
      .values({
        token_hash: hashToken(token),
        user_id: user.id,
        label,
        expires_at: expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000).toISOString() : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordSecurityEvent(trx, 'token_created', { username, detail: { by, tokenId: row.id, label } });
    return row.id;
  });
  return { id, token };
}

export async function revokeApiToken(db: Kysely<Database>, id: number, by: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('api_tokens')
      .set({ revoked_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning('user_id')
      .executeTakeFirst();
    if (!row) throw new Error(`找不到未吊销的令牌 ${id}`);
    const user = await findUser(trx, row.user_id);
    await recordSecurityEvent(trx, 'token_revoked', {
      username: user?.username ?? null,
      detail: { by, tokenId: id },
    });
  });
}

export async function listApiTokens(db: Kysely<Database>) {
  return db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([
      'api_tokens.id',
      'users.username',
      'api_tokens.label',
      'api_tokens.created_at',
      'api_tokens.expires_at',
      'api_tokens.revoked_at',
    ])
    .orderBy('api_tokens.id')
    .execute();
}

/** The user a Bearer token acts for, or null when unknown, revoked, expired or the user is disabled. */
export async function tokenUser(db: Kysely<Database>, token: string): Promise<User | null> {
  const row = await db
    .selectFrom('api_tokens')
    .select(['user_id', 'expires_at'])
    .where('token_hash', '=', hashToken(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || (row.expires_at && row.expires_at.getTime() <= Date.now())) return null;
  const user = await findUser(db, row.user_id);
  return user && !user.disabled ? user : null;
}

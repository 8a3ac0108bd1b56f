import type { Kysely, Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database';
import type { UsersTable } from '../../db/tables/identity';
import { Role, type Principal } from '../../domain/principal';
import { recordSecurityEvent } from './audit';
import { generatePassword, hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from './passwords';

export const UserRole = Role.exclude(['system']);
export type UserRole = z.infer<typeof UserRole>;

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
  unit: string | null;
  disabled: boolean;
}

export const NewUser = z
  .object({
    username: z
      .string()
      .trim()
      .regex(/^[\p{L}\p{N}._-]{2,64}$/u, '用户名为2至64个字母、汉字、数字或 . _ -'),
    displayName: z.string().trim().min(1).max(100),
    role: UserRole,
    unit: z.string().trim().min(1).max(100).nullable(),
    password: z.string().min(PASSWORD_MIN_LENGTH, `密码至少${PASSWORD_MIN_LENGTH}位`).max(200),
  })
  .refine((u) => (u.role === 'unit_staff' || u.role === 'unit_head' ? u.unit !== null : true), {
    message: '单位经办人和单位负责人必须指定所属单位',
  });
export type NewUser = z.infer<typeof NewUser>;

const toUser = (r: Selectable<UsersTable>): User => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  unit: r.unit,
  disabled: r.disabled,
});

/** The principal a signed-in user acts as: the workflows authorize it again on every Update. */
export const principalOf = (u: User): Principal => ({
  userId: u.username,
  role: u.role,
  unit: u.role === 'inspector' ? (u.unit ?? '督导处') : u.unit,
});

/** Creates an account; the account and its `user_created` record commit together or not at all. */
export async function createUser(db: Kysely<Database>, input: NewUser, by: string): Promise<User> {
  const parsed = NewUser.safeParse(input);
  if (!parsed.success) throw new Error(`账号信息不正确：${parsed.error.issues[0]?.message ?? ''}`);
  // Hashing takes a while: done before the transaction opens.
  const passwordHash = await hashPassword(parsed.data.password);
  return db.transaction().execute((trx) => insertUser(trx, parsed.data, passwordHash, by));
}

async function insertUser(
  trx: Transaction<Database>,
  u: NewUser,
  passwordHash: string,
  by: string,
): Promise<User> {
  const taken = await trx
    .selectFrom('users')
    .select('id')
    .where('username', '=', u.username)
    .executeTakeFirst();
  if (taken) throw new Error(`用户名“${u.username}”已存在`);
  const row = await trx
    .insertInto('users')
    .values({
      username: u.username,
      display_name: u.displayName,
      role: u.role,
      unit: u.unit,
      password_hash: passwordHash,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordSecurityEvent(trx, 'user_created', {
    username: u.username,
    detail: { by, role: u.role, unit: u.unit },
  });
  return toUser(row);
}

export async function listUsers(db: Kysely<Database>): Promise<User[]> {
  return (await db.selectFrom('users').selectAll().orderBy('id').execute()).map(toUser);
}

export async function findUser(db: Kysely<Database>, id: number): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

/** Disables a user and ends their sessions and tokens at once, in one transaction with its record. */
export async function disableUser(db: Kysely<Database>, username: string, by: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('users')
      .set({ disabled: true })
      .where('username', '=', username)
      .returning('id')
      .executeTakeFirst();
    if (!row) throw new Error(`找不到用户“${username}”`);
    await trx.deleteFrom('sessions').where('user_id', '=', row.id).execute();
    await trx
      .updateTable('api_tokens')
      .set({ revoked_at: new Date().toISOString() })
      .where('user_id', '=', row.id)
      .where('revoked_at', 'is', null)
      .execute();
    await recordSecurityEvent(trx, 'user_disabled', { username, detail: { by } });
  });
}

/** The user a password signs in, or null; a disabled user never signs in. */
export async function checkPassword(
  db: Kysely<Database>,
  username: string,
  password: string,
): Promise<User | null> {
  const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  // An unknown user still costs one hash, so timing does not reveal which usernames exist.
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  return row && ok && !row.disabled ? toUser(row) : null;
}
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/**
 * On the first start (no administrator yet) creates `admin` with a generated password and returns it
 * so the caller prints it once; it is stored only as a hash.
 */
export async function ensureFirstAdmin(
  db: Kysely<Database>,
): Promise<{ username: string; password: string } | null> {
  const existing = await db.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirst();
  if (existing) return null;
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    await insertUser(
      trx,
      { username: 'admin', displayName: '系统管理员', role: 'admin', unit: null, password },
      passwordHash,
      'system',
    );
    await recordSecurityEvent(trx, 'first_admin_created', { username: 'admin' });
  });
  return { username: 'admin', password };
}

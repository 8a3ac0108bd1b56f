import { accountUnits } from '../../app/units';
import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../../http/deps';
import { requireAction } from '../../app/authorize';
import { ApiError } from '../../app/errors';
import { jsonBody, jsonOk, newRouter, security } from '../openapi';
import { createUser, disableUser, listUsers, UserRole } from '../../app/identity/users';
import { createApiToken, listApiTokens, revokeApiToken } from '../../app/identity/tokens';
import { generatePassword } from '../../app/identity/passwords';
import {
  checkUnit,
  enableAccount,
  resetPassword,
  securityLog,
  updateAccount,
} from '../../app/identity/accounts';

const Username = z.object({ username: z.string().min(1).max(64) });
const TokenId = z.object({ id: z.coerce.number().int().positive() });
const AccountBody = z
  .object({
    role: UserRole,
    unit: z.string().trim().max(100).nullable().default(null),
    displayName: z.string().trim().min(1, '请填写姓名').max(100).optional(),
  })
  .openapi('AccountChange');
const NewAccountBody = AccountBody.extend({
  username: z.string().trim().min(2).max(64),
  displayName: z.string().trim().min(1, '请填写姓名').max(100),
}).openapi('NewAccount');
const NewTokenBody = z
  .object({
    username: z.string().trim().min(1).max(64),
    label: z.string().trim().min(1, '请填写令牌用途').max(100),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .openapi('NewToken');
const Account = z
  .object({
    id: z.number(),
    username: z.string(),
    displayName: z.string(),
    role: z.string(),
    unit: z.string().nullable(),
    disabled: z.boolean(),
  })
  .openapi('Account');
const Done = z.object({ ok: z.literal(true) });
const OneTimePassword = z.object({ username: z.string(), password: z.string() });

const read = <R extends z.ZodType>(path: string, summary: string, response: R) =>
  createRoute({ method: 'get', path, summary, security, responses: jsonOk(response, summary) });
const byName = <R extends z.ZodType>(path: string, summary: string, response: R) =>
  createRoute({
    method: 'post',
    path,
    summary,
    security,
    request: { params: Username },
    responses: jsonOk(response, summary),
  });

/** Identity functions explain refusals as plain errors: they are the caller's mistakes (400). */
const asBadRequest = async <T>(run: () => Promise<T>): Promise<T> => {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ApiError || !(err instanceof Error)) throw err;
    throw new ApiError(/找不到/.test(err.message) ? 404 : 400, 'invalid_command', err.message);
  }
};

/** Account and token management for the administrator (the CLI's `user` and `token` commands). */
export function accountRoutes(deps: ApiDeps) {
  const admin = (c: { get(key: 'principal'): Parameters<typeof requireAction>[0] }) => {
    const p = c.get('principal');
    requireAction(p, 'manageAccounts');
    return p.userId;
  };
  return newRouter()
    .openapi(read('/api/admin/users', '账号列表（管理员）', z.array(Account)), async (c) => {
      admin(c);
      return c.json(await listUsers(deps.db), 200);
    })
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/admin/users',
        summary: '新建账号，返回一次性初始密码（管理员）',
        security,
        request: jsonBody(NewAccountBody),
        responses: jsonOk(OneTimePassword, '账号与一次性密码'),
      }),
      async (c) => {
        const by = admin(c);
        const b = c.req.valid('json');
        const unit = checkUnit(b.role, b.unit, await accountUnits(deps.db));
        const password = generatePassword();
        await asBadRequest(() =>
          createUser(
            deps.db,
            { username: b.username, displayName: b.displayName, role: b.role, unit, password },
            by,
          ),
        );
        return c.json({ username: b.username, password }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/admin/users/{username}/update',
        summary: '修改账号角色、单位或姓名（管理员）',
        security,
        request: { params: Username, ...jsonBody(AccountBody) },
        responses: jsonOk(Done, '已修改'),
      }),
      async (c) => {
        const by = admin(c);
        const { username } = c.req.valid('param');
        const b = c.req.valid('json');
        if (username === by && b.role !== 'admin')
          throw new ApiError(409, 'conflict', '不能取消自己的管理员角色');
        const unit = checkUnit(b.role, b.unit, await accountUnits(deps.db));
        await updateAccount(deps.db, username, { ...b, unit }, by);
        return c.json({ ok: true as const }, 200);
      },
    )
    .openapi(byName('/api/admin/users/{username}/disable', '停用账号（管理员）', Done), async (c) => {
      const by = admin(c);
      const { username } = c.req.valid('param');
      if (username === by) throw new ApiError(409, 'conflict', '不能停用自己的账号');
      await asBadRequest(() => disableUser(deps.db, username, by));
      return c.json({ ok: true as const }, 200);
    })
    .openapi(byName('/api/admin/users/{username}/enable', '启用账号（管理员）', Done), async (c) => {
      const by = admin(c);
      await enableAccount(deps.db, c.req.valid('param').username, by);
      return c.json({ ok: true as const }, 200);
    })
    .openapi(
      byName(
        '/api/admin/users/{username}/reset-password',
        '重置密码，返回一次性密码（管理员）',
        OneTimePassword,
      ),
      async (c) => {
        const by = admin(c);
        const { username } = c.req.valid('param');
        return c.json({ username, password: await resetPassword(deps.db, username, by) }, 200);
      },
    )
    .openapi(
      read(
        '/api/admin/tokens',
        '接口令牌列表（管理员）',
        z.array(
          z.object({
            id: z.number(),
            username: z.string(),
            label: z.string(),
            created_at: z.date(),
            expires_at: z.date().nullable(),
            revoked_at: z.date().nullable(),
          }),
        ),
      ),
      async (c) => {
        admin(c);
        return c.json(await listApiTokens(deps.db), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/admin/tokens',
        summary: '签发接口令牌，令牌只显示这一次（管理员）',
        security,
        request: jsonBody(NewTokenBody),
        responses: jsonOk(z.object({ id: z.number(), token: z.string() }), '令牌'),
      }),
      async (c) => {
        const by = admin(c);
        const b = c.req.valid('json');
        return c.json(
          await asBadRequest(() => createApiToken(deps.db, b.username, b.label, by, b.expiresInDays)),
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/admin/tokens/{id}/revoke',
        summary: '吊销接口令牌（管理员）',
        security,
        request: { params: TokenId },
        responses: jsonOk(Done, '已吊销'),
      }),
      async (c) => {
        const by = admin(c);
        await asBadRequest(() => revokeApiToken(deps.db, c.req.valid('param').id, by));
        return c.json({ ok: true as const }, 200);
      },
    )
    .openapi(
      read(
        '/api/admin/security-log',
        '安全日志：登录、权限拒绝、账号与令牌变更（管理员）',
        z.array(
          z.object({
            id: z.string(),
            at: z.date(),
            kind: z.string(),
            username: z.string().nullable(),
            ip: z.string().nullable(),
            detail: z.unknown(),
          }),
        ),
      ),
      async (c) => {
        admin(c);
        return c.json(await securityLog(deps.db), 200);
      },
    );
}

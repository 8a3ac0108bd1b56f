import { createRoute } from '@hono/zod-openapi';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { sql } from 'kysely';
import type { ApiDeps } from '../../http/deps';
import { ApiError } from '../../app/errors';
import { recordSecurityEvent } from '../../app/identity/audit';
import { createSession, endSession, SESSION_HOURS } from '../../app/identity/tokens';
import { checkPassword } from '../../app/identity/users';
import { clientIp, SESSION_COOKIE } from '../../http/middleware';
import { error, jsonBody, jsonOk, newRouter, security } from '../openapi';
import { Me, SignInBody } from '../schemas';

/** 5 failed sign-ins for one user name from one address within 15 minutes lock that pair out. */
export const SIGN_IN_LIMIT = { failures: 5, minutes: 15 };

const signIn = createRoute({
  method: 'post',
  path: '/api/session',
  summary: '登录（用户名和密码），设置会话 Cookie',
  request: jsonBody(SignInBody),
  responses: { ...jsonOk(Me, '已登录'), 429: error('登录失败次数过多') },
});
const signOut = createRoute({
  method: 'delete',
  path: '/api/session',
  summary: '退出登录',
  security,
  responses: { 204: { description: '已退出' } },
});
const me = createRoute({
  method: 'get',
  path: '/api/me',
  summary: '当前用户',
  security,
  responses: jsonOk(Me, '当前用户'),
});

/** Sign-in is public; sign-out and `me` run behind the authentication middleware (see app.ts). */
export function sessionRoutes(deps: ApiDeps) {
  const publicRoutes = newRouter().openapi(signIn, async (c) => {
    const { username, password } = c.req.valid('json');
    const ip = clientIp(c);
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM security_events
      WHERE kind = 'sign_in_failed' AND username = ${username} AND ip IS NOT DISTINCT FROM ${ip}
        AND at > now() - make_interval(mins => ${SIGN_IN_LIMIT.minutes})`.execute(deps.db);
    if ((rows[0]?.n ?? 0) >= SIGN_IN_LIMIT.failures) {
      await recordSecurityEvent(deps.db, 'sign_in_throttled', { username, ip });
      throw new ApiError(
        429,
        'too_many_attempts',
        `登录失败次数过多，请 ${SIGN_IN_LIMIT.minutes} 分钟后再试`,
      );
    }
    const user = await checkPassword(deps.db, username, password);
    if (!user) {
      await recordSecurityEvent(deps.db, 'sign_in_failed', { username, ip });
      throw new ApiError(401, 'bad_credentials', '用户名或密码错误，或账号已停用');
    }
    const session = await createSession(deps.db, user.id);
    await recordSecurityEvent(deps.db, 'sign_in_succeeded', { username, ip });
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'Strict',
      // Behind a TLS-terminating proxy the request URL is http: DUDAO_SECURE_COOKIES=1 forces Secure.
      secure: process.env.DUDAO_SECURE_COOKIES === '1' || new URL(c.req.url).protocol === 'https:',
      path: '/',
      maxAge: SESSION_HOURS * 3600,
    });
    return c.json(
      {
        username: user.username,
        displayName: user.displayName,
        role: user.role,
        unit: user.unit,
        csrfToken: session.csrfToken,
      },
      200,
    );
  });

  const privateRoutes = newRouter()
    .openapi(signOut, async (c) => {
      const token = getCookie(c, SESSION_COOKIE);
      if (token) await endSession(deps.db, token);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      await recordSecurityEvent(deps.db, 'signed_out', { username: c.get('user').username, ip: clientIp(c) });
      return c.body(null, 204);
    })
    .openapi(me, (c) => {
      const u = c.get('user');
      return c.json(
        {
          username: u.username,
          displayName: u.displayName,
          role: u.role,
          unit: u.unit,
          csrfToken: c.get('csrfToken'),
        },
        200,
      );
    });
  return { publicRoutes, privateRoutes };
}

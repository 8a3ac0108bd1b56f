import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { ApiDeps, AppEnv } from './deps';
import { ApiError, toApiError } from '../app/errors';
import { recordSecurityEvent } from '../app/identity/audit';
import { sessionUser, tokenUser } from '../app/identity/tokens';
import { principalOf, type User } from '../app/identity/users';

export const SESSION_COOKIE = 'dudao_session';
export const CSRF_HEADER = 'x-csrf-token';

export const clientIp = (c: Context): string | null => {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // not served by @hono/node-server (app.request in a unit test)
  }
};

const isWrite = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method);

/**
 * Establishes the acting user from a Bearer token or the session cookie. Cookie-authenticated
 * writes must echo the session's CSRF token in a header: a cross-site form cannot read it.
 */
export function authenticate(deps: ApiDeps, onMissing: (c: Context) => Response): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    let user: User | null = null;
    let csrfToken: string | null = null;
    if (bearer) {
      user = await tokenUser(deps.db, bearer);
      if (!user) throw new ApiError(401, 'invalid_token', '访问令牌无效、已过期或已吊销');
    } else {
      const cookie = getCookie(c, SESSION_COOKIE);
      const session = cookie ? await sessionUser(deps.db, cookie) : null;
      if (!session) return onMissing(c);
      user = session.user;
      csrfToken = session.csrfToken;
      if (isWrite(c.req.method) && c.req.header(CSRF_HEADER) !== csrfToken)
        throw new ApiError(403, 'csrf', '请求缺少有效的防伪令牌，请刷新页面后重试');
    }
    c.set('user', user);
    c.set('principal', principalOf(user));
    c.set('csrfToken', csrfToken);
    await next();
  };
}

/** Every error becomes `{ code, message }`; a 403 is also written to the security audit. */
export function errorHandler(deps: ApiDeps) {
  return async (err: Error, c: Context<AppEnv>): Promise<Response> => {
    const api = toApiError(err) ?? fromHttpException(err);
    if (!api) {
      deps.log(`${c.req.method} ${c.req.path} 内部错误：${err.stack ?? err.message}`);
      return c.json({ code: 'internal', message: '服务器内部错误，请稍后重试' }, 500);
    }
    if (api.status === 403) {
      await recordSecurityEvent(deps.db, 'permission_denied', {
        username: c.get('user')?.username ?? null,
        ip: clientIp(c),
        detail: { method: c.req.method, path: c.req.path, code: api.code, message: api.message },
      });
    }
    // A body refused mid-stream is left unread on the socket: close it, or the client's next request
    // on that kept-alive connection fails with "other side closed".
    const headers = api.status === 413 ? { Connection: 'close' } : undefined;
    return c.json({ code: api.code, message: api.message }, api.status, headers);
  };
}

function fromHttpException(err: Error): ApiError | null {
  if (!(err instanceof HTTPException)) return null;
  if (err.status === 413) return new ApiError(413, 'too_large', '请求内容过大');
  if (err.status === 400 && /JSON/i.test(err.message))
    return new ApiError(400, 'malformed_json', '请求内容不是有效的 JSON');
  if (err.status === 400 && /content-type/i.test(err.message))
    return new ApiError(415, 'unsupported_media_type', '请求的 Content-Type 不正确');
  return new ApiError(400, 'bad_request', '请求格式不正确');
}

/** One line per request, without query strings or headers (no tokens or passwords in logs). */
export function accessLog(deps: ApiDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = Date.now();
    await next();
    deps.log(`${c.req.method} ${c.req.path} ${c.res.status} ${Date.now() - started}ms`);
  };
}

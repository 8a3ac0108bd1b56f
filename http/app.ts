import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { z } from 'zod';
import type { ApiDeps, AppEnv } from './deps';
import type { AppDeps } from '../app/deps';
import { ViewCache } from '../app/view-cache';
import { ApiError } from '../app/errors';
import { accessLog, authenticate, errorHandler } from './middleware';
import { cycleRoutes } from '../api/routes/cycles';
import { recordRoutes } from '../api/routes/records';
import { sessionRoutes } from '../api/routes/session';
import { workRoutes } from '../api/routes/work';
import { noticeRoutes } from '../api/routes/notices';
import { evidenceMaxBytes } from '../app/evidence';
import { PLAN_MAX_BYTES } from '../app/plans';
import { planRoutes } from '../api/routes/plans';
import { instructionRoutes } from '../api/routes/instructions';
import { rectificationRoutes } from '../api/routes/rectifications';
import { dispatchRoutes } from '../api/routes/dispatch';
import { lifecycleRoutes } from '../api/routes/lifecycle';
import { accountRoutes } from '../api/routes/accounts';
import { liveRoutes } from '../api/routes/live';
import { webRoutes } from '../web/routes';

// People read validation messages: zod speaks Chinese in this process.
z.config(z.locales.zhCN());

/** JSON bodies stay small; only evidence and plan uploads may be large. */
const JSON_LIMIT = 256 * 1024;
/** Uploads sent as multipart/form-data rather than JSON. */
const UPLOADS = ['/api/evidence', '/api/plans/preview', '/api/plans/import', '/plans/preview'];
const uploadLimit = (path: string): number | null =>
  path === '/api/evidence' ? evidenceMaxBytes() : UPLOADS.includes(path) ? PLAN_MAX_BYTES : null;

/** The whole HTTP application: JSON API under /api, the web workspace at /, the OpenAPI document. */
export function createApp(base: AppDeps): OpenAPIHono<AppEnv> {
  const deps: ApiDeps = { ...base, views: ViewCache.over(base.db) };
  const app = new OpenAPIHono<AppEnv>();
  app.onError(errorHandler(deps));
  // Pages poll every few seconds: one line per request only when asked for (DUDAO_ACCESS_LOG=1).
  if (process.env.DUDAO_ACCESS_LOG === '1') app.use(accessLog(deps));
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      xFrameOptions: 'DENY',
      referrerPolicy: 'no-referrer',
      xContentTypeOptions: 'nosniff',
    }),
  );
  app.use('*', async (c, next) => {
    if (!c.req.path.startsWith('/api/') && !UPLOADS.includes(c.req.path)) return next();
    const upload = uploadLimit(c.req.path);
    const limit = upload !== null ? upload + 64 * 1024 : JSON_LIMIT;
    return bodyLimit({
      maxSize: limit,
      onError: () => {
        throw new ApiError(413, 'too_large', `请求内容超过 ${Math.floor(limit / 1024)} KB 上限`);
      },
    })(c, next);
  });
  // JSON writes must say so: it keeps cross-site HTML forms (which cannot send JSON) out.
  app.use('/api/*', async (c, next) => {
    if (['POST', 'PUT', 'PATCH'].includes(c.req.method) && !UPLOADS.includes(c.req.path)) {
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json')
        throw new ApiError(415, 'unsupported_media_type', '请求的 Content-Type 必须是 application/json');
    }
    await next();
  });

  const session = sessionRoutes(deps);
  app.route('/', session.publicRoutes);
  app.use(
    '/api/*',
    authenticate(deps, () => {
      throw new ApiError(401, 'unauthenticated', '请先登录');
    }),
  );
  app.route('/', session.privateRoutes);
  app.route('/', cycleRoutes(deps));
  app.route('/', workRoutes(deps));
  app.route('/', recordRoutes(deps));
  app.route('/', noticeRoutes(deps));
  app.route('/', planRoutes(deps));
  app.route('/', instructionRoutes(deps));
  app.route('/', rectificationRoutes(deps));
  app.route('/', dispatchRoutes(deps));
  app.route('/', lifecycleRoutes(deps));
  app.route('/', accountRoutes(deps));
  app.route('/', liveRoutes(deps));
  app.notFound((c) =>
    c.req.path.startsWith('/api/')
      ? c.json({ code: 'not_found', message: '没有这个接口' }, 404)
      : c.text('页面不存在', 404),
  );

  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'dudao_session',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: '督导 dudao API',
      version: '1.0.0',
      description:
        '督查督办工作流接口。浏览器会话（Cookie）写操作须带 X-CSRF-Token 头；脚本使用 Authorization: Bearer <令牌>。错误均为 { code, message }。',
    },
  });
  app.route('/', webRoutes(deps));
  return app;
}

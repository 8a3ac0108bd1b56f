import type { z } from '@hono/zod-openapi';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/deps';
import { ErrorBody } from './schemas';

/** Validation failures answer 400 with the first problem, in Chinese (zod's zh-CN locale is set by the app). */
export const newRouter = () =>
  new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return undefined;
      const issue = result.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}：` : '';
      return c.json(
        { code: 'invalid_command', message: `请求内容不正确：${where}${issue?.message ?? ''}` },
        400,
      );
    },
  });

export const error = (description: string) => ({
  content: { 'application/json': { schema: ErrorBody } },
  description,
});

/** The error answers every authenticated operation may give. */
export const errors = {
  400: error('请求内容不正确'),
  401: error('未登录或令牌无效'),
  403: error('无权执行此操作'),
  404: error('找不到对象'),
  409: error('当前状态不允许此操作'),
} as const;

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});
export const jsonOk = <T extends z.ZodType>(schema: T, description: string) => ({
  200: { content: { 'application/json': { schema } }, description },
  ...errors,
});

export const security: Record<string, string[]>[] = [{ session: [] }, { bearer: [] }];

import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { actsAsSuperuser } from '../db/connect';
import { createApp } from '../http/app';
import { defaultDataDir } from '../http/deps';
import { ensureFirstAdmin } from '../app/identity/users';

/**
 * Starts the API and web workspace. On the first start (no administrator yet) it creates `admin`
 * and logs the generated password once; only its hash is stored.
 */
export async function startWebServer(deps: {
  db: Kysely<Database>;
  client: Client;
  taskQueue: string;
  port?: number;
  host?: string;
  dataDir?: string;
  log: (l: string) => void;
}): Promise<{ url: string; stop(): Promise<void> }> {
  // Whatever reaches the web server reaches its database rights: never a superuser's.
  if (await actsAsSuperuser(deps.db))
    throw new Error(
      '网页服务不能以数据库超级用户身份运行：请以 web 角色连接（DUDAO_WEB_DATABASE_URL，或由 DATABASE_URL 切换到 <数据库名>_web 角色）。',
    );
  const admin = await ensureFirstAdmin(deps.db);
  if (admin)
    deps.log(
      `首次启动：已创建管理员账号 ${admin.username}，初始密码 ${admin.password}（只显示这一次，请妥善保存；用 dudao user add 为各单位创建账号）`,
    );
  const app = createApp({ ...deps, dataDir: deps.dataDir ?? defaultDataDir() });
  const host = deps.host ?? process.env.DUDAO_WEB_HOST ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      { fetch: app.fetch, port: deps.port ?? Number(process.env.DUDAO_WEB_PORT ?? 8080), hostname: host },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    stop: () => {
      const closed = new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
      // Open pages hold a change stream (/api/changes) that never ends by itself.
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      return closed;
    },
  };
}

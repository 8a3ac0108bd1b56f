import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { createApp } from './app';
import { defaultDataDir } from './deps';
import { ensureFirstAdmin } from './identity/users';

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
    stop: () =>
      new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { dataDir } from './paths';
import { portOpen } from './net';
import { SetupError } from './errors';
import { embeddedServer } from './embedded-server';
import { retryWhile } from './retry-while';

export interface PostgresEndpoint {
  url: string;
  /** Where the URL came from, for the `dudao up` banner. */
  source: 'DATABASE_URL' | 'embedded';
  owned: boolean;
  stop(): Promise<void>;
}

const redact = (url: string): string => url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');

/** Uses DATABASE_URL (creating its database when missing), or an embedded PostgreSQL under .data/pg. */
export async function ensurePostgres(
  log: (line: string) => void = () => undefined,
): Promise<PostgresEndpoint> {
  const url = process.env.DATABASE_URL;
  if (url) {
    await ensureDatabaseExists(url, { log });
    return { url, source: 'DATABASE_URL', owned: false, stop: async () => undefined };
  }
  return startEmbedded(log);
}

/** SQLSTATE 57P03: the server is starting up, shutting down or recovering from a crash. */
const CANNOT_CONNECT_NOW = '57P03';
const STARTING_UP_WAIT_MS = 60_000;

/**
 * Runs `attempt` again while the server answers that it cannot accept connections yet: a process
 * started beside a database that is restarting (crash recovery takes a while after an immediate
 * shutdown) waits for it instead of exiting. Any other failure, and the last one after `waitMs`,
 * is thrown at once.
 */
export const whileStartingUp = <T>(
  attempt: () => Promise<T>,
  opts: { waitMs?: number; log?: (line: string) => void } = {},
): Promise<T> =>
  retryWhile(attempt, {
    transient: (err) => (err as { code?: string }).code === CANNOT_CONNECT_NOW,
    waitMs: opts.waitMs ?? STARTING_UP_WAIT_MS,
    waiting: (seconds) => `数据库正在启动或恢复，等待它就绪（最长 ${seconds} 秒）……`,
    log: opts.log,
  });

export async function ensureDatabaseExists(
  url: string,
  opts: { waitMs?: number; log?: (line: string) => void } = {},
): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SetupError(
      `DATABASE_URL 格式不正确：${redact(url)}`,
      '格式应为 postgres://用户[:密码]@主机:端口/数据库，例如 postgres://postgres@127.0.0.1:5432/dudao',
    );
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres';
  try {
    await whileStartingUp(async () => {
      const probe = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
      try {
        await probe.connect();
      } finally {
        await probe.end().catch(() => undefined);
      }
    }, opts);
    return;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== '3D000') throw unreachable(url, err);
  }
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const admin = new Client({ connectionString: adminUrl.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw unreachable(url, err);
  } finally {
    await admin.end().catch(() => undefined);
  }
}

function unreachable(url: string, err: unknown): SetupError {
  return new SetupError(
    `无法连接数据库 ${redact(url)}：${(err as Error).message}`,
    '请检查 DATABASE_URL 中的主机、端口、用户和密码，并确认 PostgreSQL 已启动；取消设置 DATABASE_URL 则使用内置数据库。',
  );
}

async function startEmbedded(log: (line: string) => void): Promise<PostgresEndpoint> {
  const port = Number(process.env.DUDAO_PG_PORT ?? 54329);
  const databaseDir = path.join(dataDir(), 'pg');
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/dudao`;
  if (await portOpen(port)) {
    // `dudao up` in another terminal already runs it: share, never start a second server on the same data.
    await ensureDatabaseExists(url);
    return { url, source: 'embedded', owned: false, stop: async () => undefined };
  }
  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  const server = await embeddedServer({
    databaseDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
  });
  const { pg } = server;
  try {
    if (fresh) {
      log(`正在初始化内置 PostgreSQL（${databaseDir}）……`);
      await pg.initialise();
    }
    await server.start();
  } catch (err) {
    throw new SetupError(
      `内置 PostgreSQL 启动失败：${(err as Error).message}`,
      `请确认端口 ${port} 空闲（或设置 DUDAO_PG_PORT），或设置 DATABASE_URL 使用已有的 PostgreSQL。`,
    );
  }
  await ensureDatabaseExists(url);
  log(`内置 PostgreSQL 已启动：127.0.0.1:${port}`);
  return { url, source: 'embedded', owned: true, stop: () => pg.stop() };
}

export { redact as redactDatabaseUrl };

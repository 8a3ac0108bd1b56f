import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ConnectionOptions } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { dataDir, repoRoot, toolsDir } from './paths';
import { SetupError } from './errors';
import { retryWhile } from './retry-while';
import { portOpen } from './net';
import { goInstall, onPath, stopChild } from './go-tools';
import { prepareNamespace } from './namespace';
import { redactDatabaseUrl } from './postgres';
import { waitForFrontend, type TemporalEndpoint } from './temporal';

/** The Temporal server release dudao runs as its real cluster (server and schema tool alike). */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const serverPackage = `go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`;
const sqlToolPackage = `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`;

/** The config template and dynamic config every way of running shares (see deploy/README). */
export const clusterConfigDir = (): string => path.join(repoRoot, 'deploy', 'temporal', 'config');
export const clusterDynamicConfig = (): string =>
  path.join(repoRoot, 'deploy', 'temporal', 'dynamicconfig', 'dudao.yaml');

export interface ClusterBinaries {
  server: string;
  sqlTool: string;
  /** Seconds `go install` took, when they had to be built. */
  builtIn: number | null;
}

const reportsVersion = (binary: string): boolean =>
  spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout?.includes(TEMPORAL_SERVER_VERSION.slice(1)) ??
  false;

/**
 * The pinned server and schema tool: TEMPORAL_SERVER_BIN / TEMPORAL_SQL_TOOL_BIN, else
 * `temporal-server` and `temporal-sql-tool` on PATH (the names Temporal's images use) when they
 * are this version, else `.tools/temporal-server-<version>/`, else built there with Go.
 */
export async function findOrBuildClusterBinaries(
  log: (line: string) => void,
  opts: { build?: boolean; signal?: AbortSignal; quiet?: boolean } = {},
): Promise<ClusterBinaries> {
  const fromEnv = [process.env.TEMPORAL_SERVER_BIN, process.env.TEMPORAL_SQL_TOOL_BIN];
  if (fromEnv[0] && fromEnv[1]) return { server: fromEnv[0], sqlTool: fromEnv[1], builtIn: null };
  const pathServer = onPath('temporal-server');
  const pathSql = onPath('temporal-sql-tool');
  if (pathServer && pathSql && reportsVersion(pathServer) && reportsVersion(pathSql))
    return { server: pathServer, sqlTool: pathSql, builtIn: null };
  const dir = clusterToolsDir();
  const local = { server: path.join(dir, 'server'), sqlTool: path.join(dir, 'sql') };
  if (fs.existsSync(local.server) && fs.existsSync(local.sqlTool)) return { ...local, builtIn: null };
  if (opts.build === false)
    throw new SetupError(
      `找不到 Temporal 服务端 ${TEMPORAL_SERVER_VERSION}（${dir} 中没有 server 和 sql）。`,
      `请执行 GOBIN=${dir} go install ${serverPackage} ${sqlToolPackage}（Go 缓存已热时约半分钟，冷缓存约 6 分钟），或把 temporal-server 与 temporal-sql-tool 加入 PATH。`,
    );
  const builtIn = await goInstall({
    packages: [serverPackage, sqlToolPackage],
    gobin: dir,
    what: ` Temporal 服务端 ${TEMPORAL_SERVER_VERSION}（server 与 sql 工具）`,
    withoutGo: `请安装 Go 后重试，或把 Temporal 的 temporal-server 与 temporal-sql-tool（${TEMPORAL_SERVER_VERSION}）加入 PATH，或设置 TEMPORAL_SERVER_BIN 与 TEMPORAL_SQL_TOOL_BIN。`,
    expected: '首次构建约需 6 分钟（Go 缓存已热时约半分钟）……',
    signal: opts.signal,
    quiet: opts.quiet,
    log,
  });
  return { ...local, builtIn };
}

export const clusterToolsDir = (): string =>
  path.join(toolsDir(), `temporal-server-${TEMPORAL_SERVER_VERSION}`);

/** Where Temporal keeps its data: a PostgreSQL server and the two database names on it. */
export interface ClusterDatabase {
  host: string;
  port: number;
  user: string;
  password: string;
  tls: boolean;
  /** History, tasks, namespaces. */
  database: string;
  /** Visibility (workflow listing and search attributes). */
  visibilityDatabase: string;
}

/**
 * Reads a DATABASE_URL-style URL for Temporal's own databases: the path names the main database
 * (default `temporal`) and visibility lives next to it as `<name>_visibility`.
 */
export function clusterDatabaseFromUrl(url: string): ClusterDatabase {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SetupError(
      `Temporal 数据库地址格式不正确：${redactDatabaseUrl(url)}`,
      '格式应为 postgres://用户[:密码]@主机:端口/数据库名，例如 postgres://postgres@127.0.0.1:5432/temporal（可视化库自动命名为 <数据库名>_visibility）。',
    );
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'temporal';
  const sslmode = u.searchParams.get('sslmode');
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
    tls: sslmode === 'require' || sslmode === 'verify-ca' || sslmode === 'verify-full',
    database,
    visibilityDatabase: `${database}_visibility`,
  };
}

const pgUrl = (db: ClusterDatabase, database: string): string => {
  const u = new URL('postgres://localhost');
  u.hostname = db.host;
  u.port = String(db.port);
  u.username = db.user;
  u.password = db.password;
  u.pathname = `/${database}`;
  if (db.tls) u.searchParams.set('sslmode', 'require');
  return u.toString();
};

/** A ready cluster: where to reach it, and how long its parts took. */
export interface RunningCluster extends TemporalEndpoint {
  database: ClusterDatabase;
  logFile: string;
  ports: ClusterPorts;
  timings: { buildSeconds: number | null; schemaSeconds: number; startSeconds: number };
}

export interface ClusterPorts {
  frontend: number;
  history: number;
  matching: number;
  worker: number;
  /** Membership (ringpop) ports: frontend, history, matching, worker — all under 32768. */
  membership: [number, number, number, number];
}

/**
 * gRPC ports follow Temporal's layout from the frontend port (7233 → 7234, 7235, 7239); membership
 * ports sit 300 below (6933 …) and, for frontend ports at or above 32768, a further 20000 below,
 * because the SQL store keeps membership ports as smallint.
 */
export function clusterPorts(frontend: number, membershipBase?: number): ClusterPorts {
  const base = membershipBase ?? (frontend - 300 + 6 < 32768 ? frontend - 300 : frontend - 20_300);
  if (base < 1024 || base + 6 >= 32768)
    throw new SetupError(
      `无法为前端端口 ${frontend} 安排成员端口（须在 1024 到 32767 之间）。`,
      '请设置 DUDAO_CLUSTER_MEMBERSHIP_PORT（例如 6933）或换一个 DUDAO_TEMPORAL_PORT。',
    );
  return {
    frontend,
    history: frontend + 1,
    matching: frontend + 2,
    worker: frontend + 6,
    membership: [base, base + 1, base + 2, base + 6],
  };
}

export interface ClusterOptions {
  /** Temporal's databases (see clusterDatabaseFromUrl). */
  databaseUrl: string;
  port?: number;
  membershipPort?: number;
  /** History shards: fixed when the cluster's database is created (at least 4). */
  shards?: number;
  namespace?: string;
  /** Where the server's log goes. */
  logDir?: string;
  /** Build the binaries when they are missing (default true). */
  build?: boolean;
  log?: (line: string) => void;
}

/**
 * Brings up a real Temporal server on PostgreSQL: finds or builds the pinned binaries, creates and
 * migrates Temporal's two databases with its schema tool (the schemas are embedded in the tool),
 * starts one server process running frontend, history, matching and worker with the config
 * template of deploy/temporal, then creates the namespace and registers dudao's search attributes.
 */
export async function startCluster(opts: ClusterOptions): Promise<RunningCluster> {
  const log = opts.log ?? (() => undefined);
  const shards = opts.shards ?? 4;
  if (!Number.isInteger(shards) || shards < 4)
    throw new SetupError(`历史分片数 ${shards} 不合适。`, '请设置不少于 4 的整数（DUDAO_CLUSTER_SHARDS）。');
  const ports = clusterPorts(opts.port ?? 7233, opts.membershipPort);
  const namespace = opts.namespace ?? 'default';
  const address = `127.0.0.1:${ports.frontend}`;
  const connectionOptions: ConnectionOptions = { address };
  const database = clusterDatabaseFromUrl(opts.databaseUrl);
  const logDir = opts.logDir ?? path.join(dataDir(), 'cluster');
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `temporal-server-${ports.frontend}.log`);

  const busy = [ports.frontend, ports.history, ports.matching, ports.worker, ...ports.membership];
  for (const port of busy) {
    if (await portOpen(port))
      throw new SetupError(
        `端口 ${port} 已被占用，Temporal 服务无法启动（需要 ${busy.join('、')}）。`,
        '若已有 dudao cluster up 或 dudao up 在运行，请先停止它；或设置 DUDAO_TEMPORAL_PORT（以及 DUDAO_CLUSTER_MEMBERSHIP_PORT）换一组端口。',
      );
  }

  const binaries = await findOrBuildClusterBinaries(log, { build: opts.build });
  const schemaStarted = Date.now();
  await prepareSchema(binaries.sqlTool, database, logFile, log);
  const schemaSeconds = (Date.now() - schemaStarted) / 1000;

  const env: Record<string, string> = {
    TEMPORAL_SQL_HOST: database.host,
    TEMPORAL_SQL_PORT: String(database.port),
    TEMPORAL_SQL_USER: database.user,
    TEMPORAL_SQL_PASSWORD: database.password,
    TEMPORAL_SQL_TLS: String(database.tls),
    TEMPORAL_SQL_DATABASE: database.database,
    TEMPORAL_SQL_VISIBILITY_DATABASE: database.visibilityDatabase,
    TEMPORAL_HISTORY_SHARDS: String(shards),
    TEMPORAL_BIND_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    TEMPORAL_FRONTEND_PORT: String(ports.frontend),
    TEMPORAL_HISTORY_PORT: String(ports.history),
    TEMPORAL_MATCHING_PORT: String(ports.matching),
    TEMPORAL_WORKER_PORT: String(ports.worker),
    TEMPORAL_FRONTEND_MEMBERSHIP_PORT: String(ports.membership[0]),
    TEMPORAL_HISTORY_MEMBERSHIP_PORT: String(ports.membership[1]),
    TEMPORAL_MATCHING_MEMBERSHIP_PORT: String(ports.membership[2]),
    TEMPORAL_WORKER_MEMBERSHIP_PORT: String(ports.membership[3]),
    TEMPORAL_DYNAMIC_CONFIG_FILE: clusterDynamicConfig(),
    TEMPORAL_LOG_LEVEL: 'warn',
  };
  const started = Date.now();
  const out = fs.openSync(logFile, 'a');
  const child = spawn(
    binaries.server,
    ['--root', '/', '--config', clusterConfigDir(), '--env', 'dudao', '--allow-no-auth', 'start'],
    { env: { ...process.env, ...env }, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = () => stopChild(child, exited);
  const failed = (why: string) =>
    new SetupError(
      `Temporal 服务${why}（日志：${logFile}）。`,
      '请查看日志末尾；常见原因：端口被占用，数据库不可用，或该数据库由不同的历史分片数（DUDAO_CLUSTER_SHARDS）创建。',
    );
  try {
    const first = await Promise.race([
      waitForFrontend(connectionOptions, 90_000).then(() => 'ready' as const),
      exited.then(() => 'exited' as const),
    ]).catch(() => 'timeout' as const);
    if (first !== 'ready') throw failed(first === 'exited' ? '启动后立即退出' : '在 90 秒内未就绪');
    const startSeconds = (Date.now() - started) / 1000;
    await prepareNamespaceWhenServing(connectionOptions, namespace, log);
    log(
      `Temporal 服务已启动：${address}（PostgreSQL ${database.host}:${database.port}，数据库 ${database.database} 与 ${database.visibilityDatabase}，${shards} 个历史分片；架构准备 ${schemaSeconds.toFixed(1)} 秒，启动 ${startSeconds.toFixed(1)} 秒）`,
    );
    return {
      address,
      namespace,
      connectionOptions,
      uiUrl: null,
      owned: true,
      stop,
      database,
      logFile,
      ports,
      timings: { buildSeconds: binaries.builtIn, schemaSeconds, startSeconds },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Right after start the history shards are still being acquired and namespace calls may answer
 * Unavailable: retry until the namespace is ready, for at most a minute.
 */
async function prepareNamespaceWhenServing(
  options: ConnectionOptions,
  namespace: string,
  log: (line: string) => void,
): Promise<void> {
  await retryWhile(() => prepareNamespace(options, namespace, { log, settleTimeoutMs: 60_000 }), {
    transient: (err) => !(err instanceof SetupError),
    waitMs: 60_000,
    intervalMs: 500,
  });
}

/**
 * Creates Temporal's databases and brings their schemas to the version this tool embeds:
 * `create-database` when missing, `setup-schema -v 0.0` when unversioned, then `update-schema`
 * (a no-op when already current). The tool's own output goes to the log file.
 */
export async function prepareSchema(
  sqlTool: string,
  db: ClusterDatabase,
  logFile: string,
  log: (line: string) => void = () => undefined,
): Promise<void> {
  for (const [database, schema] of [
    [db.database, 'postgresql/v12/temporal'],
    [db.visibilityDatabase, 'postgresql/v12/visibility'],
  ] as const) {
    const state = await databaseState(db, database);
    const run = (args: string[]) => runSqlTool(sqlTool, db, database, args, logFile);
    if (state === 'missing') await run(['create-database']);
    if (state !== 'versioned') await run(['setup-schema', '-v', '0.0']);
    await run(['update-schema', '--schema-name', schema]);
    log(`Temporal 数据库 ${database} 已就绪（架构 ${schema}）`);
  }
}

async function databaseState(
  db: ClusterDatabase,
  database: string,
): Promise<'missing' | 'unversioned' | 'versioned'> {
  const client = new PgClient({ connectionString: pgUrl(db, 'postgres'), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) return 'missing';
  } catch (err) {
    throw new SetupError(
      `无法连接 Temporal 使用的 PostgreSQL ${db.host}:${db.port}：${(err as Error).message}`,
      '请检查 DUDAO_CLUSTER_DATABASE_URL（或 DATABASE_URL）中的主机、端口、用户和密码；该用户需能创建数据库。',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  const inside = new PgClient({ connectionString: pgUrl(db, database), connectionTimeoutMillis: 5_000 });
  try {
    await inside.connect();
    const versioned = await inside.query(`SELECT to_regclass('schema_version') IS NOT NULL AS v`);
    return versioned.rows[0]?.v ? 'versioned' : 'unversioned';
  } finally {
    await inside.end().catch(() => undefined);
  }
}

function runSqlTool(
  sqlTool: string,
  db: ClusterDatabase,
  database: string,
  args: string[],
  logFile: string,
): Promise<void> {
  const toolArgs = [
    '--plugin',
    'postgres12',
    '--endpoint',
    db.host,
    '--port',
    String(db.port),
    '--user',
    db.user,
    '--database',
    database,
    ...(db.tls ? ['--tls'] : []),
    ...args,
  ];
  const out = fs.openSync(logFile, 'a');
  fs.writeSync(out, `\n$ temporal-sql-tool --database ${database} ${args.join(' ')}\n`);
  return new Promise<void>((resolve, reject) => {
    // The password travels in the environment, never on a command line others can read.
    const child = spawn(sqlTool, toolArgs, {
      env: { ...process.env, SQL_PASSWORD: db.password },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new SetupError(
              `Temporal 架构工具执行失败：${args.join(' ')}（数据库 ${database}，退出码 ${code}）。`,
              `请查看日志 ${logFile}；确认 Temporal 数据库用户有建库和建表权限。`,
            ),
          ),
    );
  });
}

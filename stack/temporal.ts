import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { dataDir, toolsDir } from './paths';
import { SetupError } from './errors';
import { portOpen } from './net';
import { searchAttributeTypes } from '../workflows/search-attributes';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';

export interface TemporalEndpoint {
  address: string;
  namespace: string;
  connectionOptions: ConnectionOptions;
  /** Web UI, when this process started the dev server or TEMPORAL_UI_URL says where it is. */
  uiUrl: string | null;
  /** True when dudao started the server and `stop` ends it. */
  owned: boolean;
  stop(): Promise<void>;
}

export interface TemporalStartOptions {
  port?: number;
  uiPort?: number;
  dbFile?: string;
  /** Tests trade crash safety for speed (synchronous=OFF); never where data must survive a crash. */
  ephemeralDurability?: boolean;
  log?: (line: string) => void;
}

/** Connection settings from the environment (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS and API key). */
export function externalEndpointFromEnv(env = process.env): Omit<TemporalEndpoint, 'stop' | 'owned'> | null {
  const address = env.TEMPORAL_ADDRESS;
  if (!address) return null;
  const tlsCert = env.TEMPORAL_TLS_CERT;
  const tlsKey = env.TEMPORAL_TLS_KEY;
  const tlsCa = env.TEMPORAL_TLS_CA;
  const apiKey = env.TEMPORAL_API_KEY;
  const useTls = Boolean(tlsCert || tlsCa || apiKey || env.TEMPORAL_TLS === 'true');
  const tls: ConnectionOptions['tls'] = useTls
    ? {
        ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME } : {}),
        ...(tlsCa ? { serverRootCACertificate: fs.readFileSync(tlsCa) } : {}),
        ...(tlsCert && tlsKey
          ? { clientCertPair: { crt: fs.readFileSync(tlsCert), key: fs.readFileSync(tlsKey) } }
          : {}),
      }
    : undefined;
  return {
    address,
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    connectionOptions: { address, ...(tls ? { tls } : {}), ...(apiKey ? { apiKey } : {}) },
    uiUrl: env.TEMPORAL_UI_URL ?? null,
  };
}

/** Connects to TEMPORAL_ADDRESS, or finds/builds the Temporal CLI and starts a persistent dev server. */
export async function ensureTemporal(opts: TemporalStartOptions = {}): Promise<TemporalEndpoint> {
  const log = opts.log ?? (() => undefined);
  const external = externalEndpointFromEnv();
  if (external) {
    await waitForFrontend(external.connectionOptions, 5_000).catch((err: unknown) => {
      throw new SetupError(
        `无法连接 Temporal 集群 ${external.address}：${(err as Error).message}`,
        '请检查 TEMPORAL_ADDRESS（以及 TEMPORAL_NAMESPACE、TLS 证书或 TEMPORAL_API_KEY）是否正确，或取消设置 TEMPORAL_ADDRESS 以使用本地开发服务器。',
      );
    });
    await registerSearchAttributes(external.connectionOptions, external.namespace);
    return { ...external, owned: false, stop: async () => undefined };
  }

  const port = opts.port ?? Number(process.env.DUDAO_TEMPORAL_PORT ?? 7233);
  const uiPort = opts.uiPort ?? Number(process.env.DUDAO_TEMPORAL_UI_PORT ?? port + 1000);
  const address = `127.0.0.1:${port}`;
  const connectionOptions: ConnectionOptions = { address };
  const uiUrl = `http://127.0.0.1:${uiPort}`;

  if (await portOpen(port)) {
    // A dev server from an earlier `dudao up` (or another terminal) already answers: share it.
    await waitForFrontend(connectionOptions, 10_000).catch(() => {
      throw new SetupError(
        `端口 ${port} 已被其他程序占用，且它不是 Temporal 服务。`,
        `请释放该端口，或设置 DUDAO_TEMPORAL_PORT 使用其他端口。`,
      );
    });
    log(`复用已在运行的 Temporal 开发服务器 ${address}`);
    return {
      address,
      namespace: 'default',
      connectionOptions,
      uiUrl,
      owned: false,
      stop: async () => undefined,
    };
  }

  const binary = await findOrBuildTemporalCli(log);
  const dbFile = opts.dbFile ?? path.join(dataDir(), 'temporal.db');
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    dbFile,
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--log-level',
    'warn',
    '--sqlite-pragma',
    'journal_mode=wal',
    ...(opts.ephemeralDurability ? ['--sqlite-pragma', 'synchronous=OFF'] : []),
    // Drill calendars compress a plan day into a fraction of a second: fire timers without the
    // server's default one-second batching.
    '--dynamic-config-value',
    'history.timerProcessorMaxTimeShift="50ms"',
    ...Object.entries(searchAttributeTypes).flatMap(([name, type]) => [
      '--search-attribute',
      `${name}=${type}`,
    ]),
  ];
  const logFile = path.join(path.dirname(dbFile), `temporal-${port}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(binary, args, { stdio: ['ignore', out, out], detached: false });
  fs.closeSync(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = waitForFrontend(connectionOptions, 60_000);
  const first = await Promise.race([
    ready.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
  ]);
  if (first === 'exited') {
    throw new SetupError(
      `Temporal 开发服务器启动失败（日志：${logFile}）。`,
      '请查看日志；常见原因是端口被占用或数据文件损坏，可设置 DUDAO_TEMPORAL_PORT 或删除 .data/temporal.db 后重试。',
    );
  }
  log(`Temporal 开发服务器已启动：${address}（数据文件 ${dbFile}）`);
  return {
    address,
    namespace: 'default',
    connectionOptions,
    uiUrl,
    owned: true,
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

/** PATH first, then `.tools/temporal`; otherwise build the pinned CLI with Go. */
export async function findOrBuildTemporalCli(log: (line: string) => void = console.log): Promise<string> {
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
  const onPath = spawnSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim()) return onPath.stdout.trim();
  const local = path.join(toolsDir(), 'temporal');
  if (fs.existsSync(local)) return local;

  const go = spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' });
  if (go.status !== 0) {
    throw new SetupError(
      '找不到 Temporal CLI（temporal），也找不到 Go 工具链，无法自动构建。',
      `请安装 Temporal CLI 并加入 PATH，或安装 Go 后重试（dudao 会执行 go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}），或设置 TEMPORAL_ADDRESS 连接已有集群。`,
    );
  }
  const cmd = `GOBIN=${toolsDir()} go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`;
  log(`未找到 Temporal CLI，正在从 Go 模块代理构建：${cmd}`);
  log('首次构建约需 2–3 分钟（Go 缓存已热时约 30 秒）……');
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const build = spawn('go', ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`], {
      env: { ...process.env, GOBIN: toolsDir() },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    build.once('error', reject);
    build.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new SetupError(`构建 Temporal CLI 失败（退出码 ${code}）。`, `请手动执行：${cmd}`)),
    );
  });
  log(`Temporal CLI 构建完成，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒：${local}`);
  return local;
}

async function waitForFrontend(options: ConnectionOptions, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ ...options, connectTimeout: 2_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw lastError instanceof Error ? lastError : new Error('timed out');
}

async function registerSearchAttributes(options: ConnectionOptions, namespace: string): Promise<void> {
  const connection = await Connection.connect(options);
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = Object.entries(searchAttributeTypes).filter(
      ([name]) => !(name in (existing.customAttributes ?? {})),
    );
    if (missing.length === 0) return;
    const { temporal } = await import('@temporalio/proto');
    const IndexedValueType = temporal.api.enums.v1.IndexedValueType;
    const typeOf: Record<string, number> = {
      Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      KeywordList: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
      Datetime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
      Int: IndexedValueType.INDEXED_VALUE_TYPE_INT,
      Text: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
    };
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, typeOf[type] ?? 0])),
    });
  } finally {
    await connection.close();
  }
}

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { externalEndpointFromEnv, type TemporalEndpoint } from './temporal-endpoint';
export { externalEndpointFromEnv, type TemporalEndpoint } from './temporal-endpoint';
import { dataDir, toolsDir } from './paths';
import { SetupError } from './errors';
import { portOpen } from './net';
import { searchAttributeTypes } from '../workflows/search-attributes';
import { prepareNamespace } from './namespace';
import { goInstall, onPath, stopChild } from './go-tools';
import { retryWhile } from './retry-while';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';

export interface TemporalStartOptions {
  port?: number;
  uiPort?: number;
  /**
   * No Web UI: a server only programs talk to (tests, benches, the chaos drill), which then needs
   * no second port that something else may hold.
   */
  headless?: boolean;
  dbFile?: string;
  /** Tests trade crash safety for speed (synchronous=OFF); never where data must survive a crash. */
  ephemeralDurability?: boolean;
  log?: (line: string) => void;
}

/** How long a namespace dudao creates keeps closed workflows' histories (audit replays them). */
const namespaceRetentionDays = (): number => Number(process.env.DUDAO_NAMESPACE_RETENTION_DAYS ?? 30);

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
    await prepareNamespace(external.connectionOptions, external.namespace, {
      log,
      retentionDays: namespaceRetentionDays(),
    });
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
    // Started by someone else, perhaps without dudao's search attributes on its command line.
    await prepareNamespace(connectionOptions, 'default', { log });
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

  return startDevServer({ ...opts, port, uiPort, log });
}

/**
 * Starts a Temporal dev server (the CLI's `server start-dev`) as a child process, with dudao's
 * search attributes on its command line unless `withSearchAttributes` is false (a server as an
 * operator might run it, for the fresh-cluster test).
 */
export async function startDevServer(
  opts: TemporalStartOptions & { port: number; withSearchAttributes?: boolean },
): Promise<TemporalEndpoint> {
  const log = opts.log ?? (() => undefined);
  const { port } = opts;
  const uiPort = opts.uiPort ?? port + 1000;
  const address = `127.0.0.1:${port}`;
  const connectionOptions: ConnectionOptions = { address };
  const uiUrl = opts.headless ? null : `http://127.0.0.1:${uiPort}`;
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
    ...(opts.headless ? ['--headless'] : ['--ui-port', String(uiPort)]),
    '--log-level',
    'warn',
    '--sqlite-pragma',
    'journal_mode=wal',
    ...(opts.ephemeralDurability ? ['--sqlite-pragma', 'synchronous=OFF'] : []),
    // Drill calendars compress a plan day into a fraction of a second: fire timers without the
    // server's default one-second batching.
    '--dynamic-config-value',
    'history.timerProcessorMaxTimeShift="50ms"',
    // An activity a workflow task schedules goes back to the worker in the task's own reply, not
    // through a task queue (the SDK asks for it by default; the server only allows it so): 13% more
    // commands per second, dudao's and bare Temporal's alike (bench, 100 and 300 projects).
    '--dynamic-config-value',
    'system.enableActivityEagerExecution=true',
    ...(opts.withSearchAttributes === false
      ? []
      : Object.entries(searchAttributeTypes).flatMap(([name, type]) => [
          '--search-attribute',
          `${name}=${type}`,
        ])),
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
    ...(child.pid ? { pid: child.pid } : {}),
    stop: () => stopChild(child, exited),
  };
}

/** PATH first, then `.tools/temporal`; otherwise build the pinned CLI with Go. */
export async function findOrBuildTemporalCli(log: (line: string) => void = console.log): Promise<string> {
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
  const found = onPath('temporal');
  if (found) return found;
  const local = path.join(toolsDir(), 'temporal');
  if (fs.existsSync(local)) return local;

  await goInstall({
    packages: [`github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`],
    gobin: toolsDir(),
    what: ' Temporal CLI（temporal）',
    withoutGo: `请安装 Temporal CLI 并加入 PATH，或安装 Go 后重试（dudao 会执行 go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}），或设置 TEMPORAL_ADDRESS 连接已有集群。`,
    expected: '首次构建约需 2–3 分钟（Go 缓存已热时约 30 秒）……',
    log,
  });
  return local;
}

export async function waitForFrontend(options: ConnectionOptions, timeoutMs: number): Promise<void> {
  await retryWhile(
    async () => {
      const connection = await Connection.connect({ ...options, connectTimeout: 2_000 });
      try {
        await connection.workflowService.getSystemInfo({});
      } finally {
        await connection.close();
      }
    },
    { transient: () => true, waitMs: timeoutMs },
  );
}

/** How long a starting worker waits for a Temporal server that refuses connections. */
const REFUSED_WAIT_MS = 60_000;

/** Nothing listens at the address (yet): the server is down or restarting, or the address is wrong. */
export const connectionRefused = (err: unknown): boolean =>
  /Connection refused|ECONNREFUSED/i.test(err instanceof Error ? err.message : String(err));

/**
 * Runs `attempt` again while the Temporal server refuses the connection: a worker started while
 * its server restarts waits for it instead of exiting. Nothing tells a restart from a wrong
 * address, so the wait is said once, with what to check; any other failure, and the last one after
 * `waitMs`, is thrown at once.
 */
export const whileTemporalRefuses = <T>(
  address: string,
  attempt: () => Promise<T>,
  opts: { waitMs?: number; log?: (line: string) => void } = {},
): Promise<T> =>
  retryWhile(attempt, {
    transient: connectionRefused,
    waitMs: opts.waitMs ?? REFUSED_WAIT_MS,
    waiting: (seconds) =>
      `Temporal 服务 ${address} 拒绝连接（可能正在启动或重启），等待它就绪（最长 ${seconds} 秒）；` +
      '若地址有误，请按 Ctrl-C 并检查 TEMPORAL_ADDRESS。',
    log: opts.log,
  });

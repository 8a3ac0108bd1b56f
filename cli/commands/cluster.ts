import path from 'node:path';
import type { Command } from 'commander';
import { startStack } from '../../stack/stack';
import { ensurePostgres, redactDatabaseUrl } from '../../stack/postgres';
import {
  clusterConfigDir,
  startCluster,
  TEMPORAL_SERVER_VERSION,
  type RunningCluster,
} from '../../stack/cluster';
import { holdUntilSignalled, printBanner } from './up';
import { ensureTemporal } from '../../stack/temporal';
import { SetupError } from '../../stack/errors';
import { run } from '../run';

interface ClusterUpOptions {
  port?: number;
  shards?: number;
  temporalDb?: string;
  temporalOnly?: boolean;
}

/** Temporal's databases on the same PostgreSQL server as dudao's own, when no URL is given. */
function besideDudao(dudaoUrl: string): string {
  const u = new URL(dudaoUrl);
  u.pathname = '/temporal';
  return u.toString();
}

function clusterLines(cluster: RunningCluster, temporalDbUrl: string): string[] {
  const relative = (p: string) => {
    const r = path.relative(process.cwd(), p);
    return r && !r.startsWith('..') ? r : p;
  };
  const server = redactDatabaseUrl(temporalDbUrl).replace(/\/[^/?]*(\?.*)?$/, '');
  return [
    `  Temporal 服务端 ${TEMPORAL_SERVER_VERSION}：${cluster.address}（命名空间 ${cluster.namespace}；前端、历史、匹配、系统 worker 同在一个进程）`,
    `  Temporal 数据库 ${server} 上的 ${cluster.database.database} 与 ${cluster.database.visibilityDatabase}`,
    `  Temporal 配置   ${relative(path.join(clusterConfigDir(), 'dudao.yaml'))}`,
    `  Temporal 日志   ${relative(cluster.logFile)}`,
    `  Temporal 界面   不随服务端提供：用 temporal workflow list --address ${cluster.address} 查看，或按 deploy/ 部署 temporalio/ui`,
    `  更多 worker     TEMPORAL_ADDRESS=${cluster.address} TEMPORAL_NAMESPACE=${cluster.namespace} npx dudao worker（可启动多个）`,
  ];
}

export function registerClusterCommands(program: Command): void {
  const cluster = program.command('cluster').description('真实 Temporal 服务端（PostgreSQL 存储）');
  cluster
    .command('up')
    .description(
      '在 PostgreSQL 上准备并启动 Temporal 服务端（需要时用 Go 构建），注册命名空间与搜索属性，再启动 dudao（worker、通知、网页工作台）',
    )
    .option('--port <端口>', 'Temporal 前端 gRPC 端口（默认 DUDAO_TEMPORAL_PORT 或 7233）', Number)
    .option('--shards <数量>', '历史分片数，建库时确定（默认 DUDAO_CLUSTER_SHARDS 或 4）', Number)
    .option(
      '--temporal-db <地址>',
      'Temporal 自己的数据库 postgres://用户:密码@主机:端口/库名（默认 DUDAO_CLUSTER_DATABASE_URL，或与 dudao 同一 PostgreSQL 上的 temporal 库）',
    )
    .option('--temporal-only', '只启动 Temporal 服务端（worker 另行用 dudao worker 启动）')
    .action((opts: ClusterUpOptions) =>
      run(async () => {
        const log = (l: string) => console.log(l);
        // dudao's database server (DATABASE_URL or the embedded one) also holds Temporal's by
        // default; with --temporal-only and Temporal's own URL, dudao's is not needed at all.
        const explicit = opts.temporalDb ?? process.env.DUDAO_CLUSTER_DATABASE_URL;
        const postgres = explicit && opts.temporalOnly ? null : await ensurePostgres(log);
        const temporalDbUrl = explicit ?? besideDudao(postgres!.url);
        const membership = process.env.DUDAO_CLUSTER_MEMBERSHIP_PORT;
        const started = await startCluster({
          databaseUrl: temporalDbUrl,
          port: opts.port ?? Number(process.env.DUDAO_TEMPORAL_PORT ?? 7233),
          membershipPort: membership ? Number(membership) : undefined,
          shards: opts.shards ?? Number(process.env.DUDAO_CLUSTER_SHARDS ?? 4),
          namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
          log,
        }).catch(async (err: unknown) => {
          await postgres?.stop();
          throw err;
        });

        if (opts.temporalOnly) {
          console.log('');
          console.log('Temporal 服务端已就绪');
          for (const line of clusterLines(started, temporalDbUrl)) console.log(line);
          console.log('  按 Ctrl-C 停止。');
          await holdUntilSignalled(
            {
              running: new Promise(() => undefined),
              stop: async () => {
                await started.stop();
                await postgres?.stop();
              },
            },
            'dudao cluster up',
          );
          return;
        }

        const stack = await startStack(log, undefined, { temporal: started }).catch(async (err: unknown) => {
          await started.stop();
          await postgres?.stop();
          throw err;
        });
        printBanner(stack, clusterLines(started, temporalDbUrl));
        await holdUntilSignalled(
          {
            running: stack.running,
            stop: async () => {
              await stack.stop();
              await postgres?.stop();
            },
          },
          'dudao cluster up',
        );
      }),
    );

  cluster
    .command('prepare')
    .description(
      '在 TEMPORAL_ADDRESS 指向的集群上创建命名空间（TEMPORAL_NAMESPACE，如有权限）并注册 dudao 的搜索属性（部署时执行一次）',
    )
    .action(() =>
      run(async () => {
        if (!process.env.TEMPORAL_ADDRESS)
          throw new SetupError(
            '未设置 TEMPORAL_ADDRESS。',
            '请设置 TEMPORAL_ADDRESS（以及 TEMPORAL_NAMESPACE、TLS 或 TEMPORAL_API_KEY）指向要准备的集群。',
          );
        const endpoint = await ensureTemporal({ log: (l) => console.log(l) });
        console.log(`命名空间 ${endpoint.namespace} 已就绪：${endpoint.address}`);
      }),
    );
}

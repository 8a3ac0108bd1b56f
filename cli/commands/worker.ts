import type { Command } from 'commander';
import { clientEndpoint } from '../context';
import { openDatabaseAs } from '../../stack/database';
import { whileTemporalRefuses } from '../../stack/temporal';
import { createWorker, DEFAULT_TASK_QUEUE } from '../../worker/worker';
import { notifierConfig, startNotifier } from '../../worker/notifier';
import { run } from '../run';
import { integerIn } from '../chinese';
import { Client, Connection } from '@temporalio/client';
import { startHealthSweep } from '../../app/health';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('只启动 worker（多个 worker 可共用一个集群；用 TEMPORAL_ADDRESS 与 DATABASE_URL 指定）')
    .option('--no-notifier', '不在此进程中投递催办/督办通知')
    .option('--no-health', '不在此进程中巡检卡住的流程（dudao doctor 的定时版本）')
    .option(
      '--workflow-bundle <文件>',
      '使用预先打包的工作流代码（npm run bundle 生成 dist/workflow-bundle.js），省去启动时打包',
    )
    .option(
      '--workflow-threads <数量>',
      '运行工作流代码的线程数（默认 1；2 可多用一个 CPU 核心，办理吞吐更高，内存约多 90 MB/千个在办项目）',
      integerIn(1, 16),
    )
    .action((opts) =>
      run(async () => {
        const endpoint = clientEndpoint();
        const database = await openDatabaseAs('worker');
        const taskQueue = process.env.DUDAO_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;
        // A worker (re)started while its server restarts waits for it rather than exiting.
        const { worker, connection } = await whileTemporalRefuses(endpoint.address, () =>
          createWorker({
            connectionOptions: endpoint.connectionOptions,
            namespace: endpoint.namespace,
            taskQueue,
            db: database.db,
            ...(opts.workflowBundle ? { workflowBundle: { codePath: opts.workflowBundle as string } } : {}),
            ...(opts.workflowThreads ? { workflowThreads: opts.workflowThreads as number } : {}),
          }),
        );
        const notifier = opts.notifier ? startNotifier(database.db, notifierConfig()) : null;
        const clientConnection = opts.health ? await Connection.connect(endpoint.connectionOptions) : null;
        const health = clientConnection
          ? startHealthSweep(
              new Client({ connection: clientConnection, namespace: endpoint.namespace }),
              database.db,
              {
                onError: (err) => console.error(`巡检失败：${(err as Error).message}`),
              },
            )
          : null;
        console.log(`worker 已连接 ${endpoint.address}，任务队列 ${taskQueue}。按 Ctrl-C 停止。`);
        const stop = () => worker.shutdown();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        await worker.run();
        await notifier?.stop();
        await health?.stop();
        await clientConnection?.close();
        await connection.close();
        await database.close();
      }),
    );

  program
    .command('notifier')
    .description('只投递催办/督办通知（不连接 Temporal；可与 worker --no-notifier 分开部署，可多个并行）')
    .action(() =>
      run(async () => {
        const database = await openDatabaseAs('worker');
        const notifier = startNotifier(database.db, notifierConfig());
        console.log('通知投递已启动。按 Ctrl-C 停止。');
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await notifier.stop();
        await database.close();
      }),
    );
}

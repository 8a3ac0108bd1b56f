import type { Command } from 'commander';
import { clientEndpoint } from '../context';
import { openDatabase } from '../../db/connect';
import { createWorker, DEFAULT_TASK_QUEUE } from '../../worker/worker';
import { defaultChannels, startNotifier } from '../../worker/notifier';
import { run } from '../run';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('只启动 worker（多个 worker 可共用一个集群；用 TEMPORAL_ADDRESS 与 DATABASE_URL 指定）')
    .option('--no-notifier', '不在此进程中投递催办/督办通知')
    .action((opts) =>
      run(async () => {
        const endpoint = clientEndpoint();
        const database = await openDatabase();
        const taskQueue = process.env.DUDAO_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;
        const { worker, connection } = await createWorker({
          connectionOptions: endpoint.connectionOptions,
          namespace: endpoint.namespace,
          taskQueue,
          db: database.db,
        });
        const notifier = opts.notifier ? startNotifier(database.db, defaultChannels()) : null;
        console.log(`worker 已连接 ${endpoint.address}，任务队列 ${taskQueue}。按 Ctrl-C 停止。`);
        const stop = () => worker.shutdown();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        await worker.run();
        await notifier?.stop();
        await connection.close();
        await database.close();
      }),
    );
}

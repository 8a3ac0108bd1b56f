import type { Command } from 'commander';
import { Client, Connection } from '@temporalio/client';
import { openDatabaseAs } from '../../stack/database';
import { dataDir } from '../../stack/paths';
import { startWebServer } from '../../stack/web-server';
import { SetupError } from '../../stack/errors';
import { clientEndpoint, taskQueue } from '../context';
import { run } from '../run';
import { loadRegisteredSigner } from '../../app/keys';
import { serviceKeyFile } from '../../app/key-files';
import { signingClientOptions } from '../../app/signing';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('启动网页工作台与 HTTP 接口（连接已运行的 Temporal 与数据库；首次启动会创建管理员账号）')
    .option('--port <端口>', '监听端口（默认 DUDAO_WEB_PORT 或 8080）', Number)
    .option('--host <地址>', '监听地址（默认 DUDAO_WEB_HOST 或 127.0.0.1）')
    .action((opts: { port?: number; host?: string }) =>
      run(async () => {
        const endpoint = clientEndpoint();
        const connection = await Connection.connect({
          ...endpoint.connectionOptions,
          connectTimeout: 5_000,
        }).catch((err: Error) => {
          throw new SetupError(
            `无法连接 Temporal 服务 ${endpoint.address}：${err.message}`,
            '请先在另一个终端运行 dudao up，或设置 TEMPORAL_ADDRESS 指向已有集群。',
          );
        });
        const database = await openDatabaseAs('web');
        // The key must be registered already (dudao keys generate --kind service, as the owner).
        const signer = await loadRegisteredSigner(database.db, serviceKeyFile(dataDir())).catch(
          (err: Error) => {
            throw new SetupError(
              err.message,
              '请先执行 dudao keys generate --kind service（用 DATABASE_URL 的属主登录）。',
            );
          },
        );
        const server = await startWebServer({
          db: database.db,
          client: new Client({ connection, namespace: endpoint.namespace, ...signingClientOptions(signer) }),
          taskQueue: taskQueue(),
          port: opts.port,
          dataDir: dataDir(),
          host: opts.host,
          log: (l) => console.log(l),
        });
        console.log(`网页工作台：${server.url}`);
        console.log('按 Ctrl-C 停止。');
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await server.stop();
        await connection.close();
        await database.close();
      }),
    );
}

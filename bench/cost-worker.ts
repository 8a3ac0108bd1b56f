/**
 * A worker in a process of its own for the project-cost bench, so its memory can be read apart
 * from the driver's: `node dist/bench/cost-worker.js <dudao|bare> <address> <taskQueue> <databaseUrl> <bundle> <threads>`.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { connectDatabase } from '../db/connect';
import { createWorker } from '../worker/worker';
import { bareActivities } from './bare/activities';

async function main(): Promise<void> {
  const [kind, address, taskQueue, databaseUrl, bundle, threads] = process.argv.slice(2) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const workflowThreads = Number(threads);
  const database = connectDatabase(databaseUrl, 10);
  const { worker, connection } =
    kind === 'dudao'
      ? await createWorker({
          connectionOptions: { address },
          namespace: 'default',
          taskQueue,
          db: database.db,
          workflowBundle: { codePath: bundle },
          workflowThreads,
        })
      : await bareWorker(address, taskQueue, database.db as Kysely<unknown>, bundle, workflowThreads);
  process.once('SIGTERM', () => worker.shutdown());
  process.send?.('ready');
  await worker.run();
  await connection.close();
  await database.close();
}

async function bareWorker(
  address: string,
  taskQueue: string,
  db: Kysely<unknown>,
  bundle: string,
  workflowThreadPoolSize: number,
) {
  // As quiet as dudao's worker (WARN): the bench's output is its tables, not the SDK's state changes.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    activities: bareActivities(db),
    workflowBundle: { codePath: bundle },
    workflowThreadPoolSize,
  });
  return { worker, connection };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

import { Client, Connection } from '@temporalio/client';
import { externalEndpointFromEnv } from '../stack/temporal';
import { SetupError } from '../stack/errors';
import { openDatabase, type DatabaseHandle } from '../db/connect';

/** The Temporal endpoint the CLI talks to: TEMPORAL_ADDRESS, else the local dev server `dudao up` runs. */
export function clientEndpoint() {
  const external = externalEndpointFromEnv();
  if (external) return external;
  const address = `127.0.0.1:${process.env.DUDAO_TEMPORAL_PORT ?? 7233}`;
  return { address, namespace: 'default', connectionOptions: { address }, uiUrl: null };
}

export async function withTemporal<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const endpoint = clientEndpoint();
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...endpoint.connectionOptions, connectTimeout: 5_000 });
  } catch (err) {
    throw new SetupError(
      `无法连接 Temporal 服务 ${endpoint.address}：${(err as Error).message}`,
      '请先在另一个终端运行 dudao up（或 npm start），或设置 TEMPORAL_ADDRESS 指向已有集群。',
    );
  }
  try {
    return await fn(new Client({ connection, namespace: endpoint.namespace }));
  } finally {
    await connection.close();
  }
}

export async function withDatabase<T>(fn: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = await openDatabase();
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

export const taskQueue = (): string => process.env.DUDAO_TASK_QUEUE ?? 'dudao';

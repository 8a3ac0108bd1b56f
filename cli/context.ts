import fs from 'node:fs';
import type { Client, Connection } from '@temporalio/client';
import { externalEndpointFromEnv } from '../stack/temporal-endpoint';
import { SetupError } from '../stack/errors';
import { openDatabaseAs } from '../stack/database';
import type { DatabaseHandle } from '../db/connect';
import type { DatabaseRole } from '../db/roles';
import type * as Signing from '../app/signing';
import { operatorKeyPath } from './actor';

// The Temporal client (and the signing interceptor over it) is loaded when a command first needs
// it: a command that reads only PostgreSQL (task list, review list, reports) never pays for it.

/** The Temporal endpoint the CLI talks to: TEMPORAL_ADDRESS, else the local dev server `dudao up` runs. */
export function clientEndpoint() {
  const external = externalEndpointFromEnv();
  if (external) return external;
  const address = `127.0.0.1:${process.env.DUDAO_TEMPORAL_PORT ?? 7233}`;
  return { address, namespace: 'default', connectionOptions: { address }, uiUrl: null };
}

export async function withTemporal<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const endpoint = clientEndpoint();
  const { Client, Connection } = await import('@temporalio/client');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded with the client, see above
  const { KeyFileSigner, signingClientOptions } = require('../app/signing') as typeof Signing;
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
    // Commands are signed with the operator's key when there is one (actorFrom insists on it).
    const key = operatorKeyPath();
    const signer = fs.existsSync(key) ? new KeyFileSigner(key) : null;
    return await fn(
      new Client({ connection, namespace: endpoint.namespace, ...signingClientOptions(signer) }),
    );
  } finally {
    await connection.close();
  }
}

/** Runs `fn` on the database as `role` (the owner by default: the CLI's maintenance commands). */
export async function withDatabase<T>(
  fn: (handle: DatabaseHandle) => Promise<T>,
  role: DatabaseRole = 'owner',
): Promise<T> {
  const handle = await openDatabaseAs(role);
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

export const taskQueue = (): string => process.env.DUDAO_TASK_QUEUE ?? 'dudao';

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { clusterToolsDir, startCluster, type RunningCluster } from '../../stack/cluster';
import { baseDatabaseUrl } from './db';

/**
 * Whether the real Temporal server and its schema tool are already built (or named by
 * TEMPORAL_SERVER_BIN / TEMPORAL_SQL_TOOL_BIN): tests that need them never build them.
 */
export const clusterBinariesReady = (): boolean =>
  Boolean(process.env.TEMPORAL_SERVER_BIN && process.env.TEMPORAL_SQL_TOOL_BIN) ||
  (fs.existsSync(path.join(clusterToolsDir(), 'server')) &&
    fs.existsSync(path.join(clusterToolsDir(), 'sql')));

export interface TestCluster {
  cluster: RunningCluster;
  /** Stops the server and drops its two databases. */
  stop(): Promise<void>;
}

/** The real Temporal server on PostgreSQL, on databases of its own, with dudao's namespace ready. */
export async function startTestCluster(port: number): Promise<TestCluster> {
  const temporalDb = `dudao_test_temporal_${Date.now().toString(36)}_${port}`;
  const url = new URL(baseDatabaseUrl());
  url.pathname = `/${temporalDb}`;
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-cluster-'));
  const cluster = await startCluster({ databaseUrl: url.toString(), port, logDir, build: false });
  return {
    cluster,
    stop: async () => {
      await cluster.stop();
      const admin = new URL(baseDatabaseUrl());
      admin.pathname = '/postgres';
      const pg = new PgClient({ connectionString: admin.toString() });
      await pg.connect();
      for (const db of [temporalDb, `${temporalDb}_visibility`])
        await pg.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await pg.end();
      fs.rmSync(logDir, { recursive: true, force: true });
    },
  };
}

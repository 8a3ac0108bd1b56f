import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { freshDatabase, baseDatabaseUrl, type TestDatabase } from '../support/db';
import { signedClient, testSigner, uniqueId } from '../support/temporal';
import { drillCycle, preschoolPlan } from '../support/scenario';
import { waitFor } from '../support/wait';
import { startDevServer, type TemporalEndpoint } from '../../stack/temporal';
import { findOrBuildClusterBinaries, startCluster, type RunningCluster } from '../../stack/cluster';
import { searchAttributeTypes } from '../../workflows/search-attributes';
import { inspectionCycleWorkflow } from '../../workflows/cycle';

const cli = path.join(__dirname, '..', '..', 'bin', 'dudao.js');
const basePort = Number(process.env.DUDAO_TEST_TEMPORAL_PORT ?? 17233);

/** `dudao up` as an operator runs it against a cluster: resolves once its banner is printed. */
async function dudaoUp(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [cli, 'up'], {
    // A data directory of its own: the service key `dudao up` creates stays out of the repository.
    env: {
      ...process.env,
      DUDAO_WEB_PORT: '0',
      DUDAO_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-up-data-')),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = waitFor(async () => output.includes('督导 dudao 已就绪'), 90_000);
  await Promise.race([ready, exited.then(() => Promise.reject(new Error('exited')))]).catch(() => {
    child.kill('SIGKILL');
    throw new Error(`dudao up did not come up:\n${output}`);
  });
  return { child, output: () => output };
}

/** Ctrl-C, as a person stops it: resolves with the exit code. */
function interrupt(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

/**
 * Against `address` (a server whose namespaces know nothing of dudao), `dudao up` with a namespace
 * that does not exist yet must create it, register every search attribute, and run a cycle whose
 * project workflows are then found by those attributes.
 */
async function upStartsWorkOn(address: string, t: TestDatabase): Promise<void> {
  const namespace = uniqueId('fresh');
  const taskQueue = uniqueId('fresh-q');
  const connection = await Connection.connect({ address });
  try {
    await expect(connection.workflowService.describeNamespace({ namespace })).rejects.toThrow();

    const up = await dudaoUp({
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      DATABASE_URL: t.url,
      DUDAO_TASK_QUEUE: taskQueue,
    });
    expect(up.output()).toMatch(`已创建 Temporal 命名空间 ${namespace}`);
    expect(up.output()).toMatch(`已在命名空间 ${namespace} 注册搜索属性`);
    const registered = await connection.operatorService.listSearchAttributes({ namespace });
    expect(Object.keys(registered.customAttributes ?? {})).toEqual(
      expect.arrayContaining(Object.keys(searchAttributeTypes)),
    );

    const client = signedClient(connection, await testSigner(t.db), namespace);
    const input = drillCycle(uniqueId('c'), [preschoolPlan], 60);
    await client.workflow.start(inspectionCycleWorkflow, {
      taskQueue,
      workflowId: `cycle-${input.cycleId}`,
      args: [input],
    });
    // The child carries dudao's attributes from its start; the listing finds it by them.
    const query = `DudaoCycleId = '${input.cycleId}' AND DudaoKind = 'major_project' AND DudaoUnits = '基教处'`;
    await waitFor(async () => {
      for await (const wf of client.workflow.list({ query })) return wf.workflowId.length > 0;
      return false;
    }, 30_000);
    await waitFor(async () => {
      const row = await t.db
        .selectFrom('events')
        .select(({ fn }) => fn.countAll<string>().as('n'))
        .where('cycle_id', '=', input.cycleId)
        .where('type', '=', 'AssignmentCreated')
        .executeTakeFirstOrThrow();
      return Number(row.n) > 0;
    }, 30_000);

    expect(await interrupt(up.child)).not.toBeNull();
    expect(up.output()).toMatch('已停止');
  } finally {
    await connection.close();
  }
}

describe('dudao up against a fresh cluster', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  describe('a dev server started without dudao’s search attributes', () => {
    let server: TemporalEndpoint;
    let dir: string;
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-fresh-'));
      const port = basePort + 67;
      server = await startDevServer({
        port,
        headless: true,
        dbFile: path.join(dir, 'temporal.db'),
        ephemeralDurability: true,
        withSearchAttributes: false,
      });
    });
    afterAll(async () => {
      await server?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('creates the namespace, registers the attributes, and workflows start', async () => {
      const connection = await Connection.connect({ address: server.address });
      const before = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      await connection.close();
      expect(Object.keys(before.customAttributes ?? {})).not.toContain('DudaoCycleId');
      await upStartsWorkOn(server.address, t);
    });
  });

  describe('the real Temporal server on PostgreSQL (dudao cluster up’s)', () => {
    let cluster: RunningCluster | undefined;
    const temporalDb = `dudao_test_temporal_${Date.now().toString(36)}`;
    const databaseUrl = (() => {
      const u = new URL(baseDatabaseUrl());
      u.pathname = `/${temporalDb}`;
      return u.toString();
    })();

    beforeAll(async () => {
      // With a warm Go cache (CI) a missing build takes about 25 s; past three minutes the test
      // fails and says how to build the server beforehand.
      const budget = AbortSignal.timeout(180_000);
      await findOrBuildClusterBinaries(() => undefined, { signal: budget, quiet: true }).catch(
        (err: Error) => {
          throw new Error(
            `The Temporal server v1.29.1 is not in .tools/temporal-server-v1.29.1 and could not be built within three minutes (${err.message}). Build it once with: GOBIN=$PWD/.tools/temporal-server-v1.29.1 go install go.temporal.io/server/cmd/server@v1.29.1 go.temporal.io/server/cmd/tools/sql@v1.29.1`,
          );
        },
      );
      cluster = await startCluster({
        databaseUrl,
        port: basePort + 100,
        logDir: fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-cluster-')),
      });
    }, 300_000);
    afterAll(async () => {
      await cluster?.stop();
      const admin = new URL(baseDatabaseUrl());
      admin.pathname = '/postgres';
      const pg = new PgClient({ connectionString: admin.toString() });
      await pg.connect();
      for (const db of [temporalDb, `${temporalDb}_visibility`])
        await pg.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await pg.end();
      if (cluster) fs.rmSync(path.dirname(cluster.logFile), { recursive: true, force: true });
    });

    it('runs on at least four history shards with both databases on PostgreSQL', async () => {
      const pg = new PgClient({ connectionString: databaseUrl });
      await pg.connect();
      try {
        const shards = await pg.query('SELECT count(*)::int AS n FROM shards');
        expect(shards.rows[0].n).toBeGreaterThanOrEqual(4);
      } finally {
        await pg.end();
      }
      expect(cluster!.ports.membership.every((p) => p < 32768)).toBe(true);
    });

    it('creates the namespace, registers the attributes, and workflows start', async () => {
      await upStartsWorkOn(cluster!.address, t);
    });
  });
});

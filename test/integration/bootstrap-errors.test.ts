import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freshDatabase } from '../support/db';
import { freePort, portOpen } from '../../stack/net';

const cli = path.join(__dirname, '..', '..', 'bin', 'dudao.js');
const runCli = (args: string[], env: Record<string, string | undefined>) =>
  spawnSync(process.execPath, [cli, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 90_000,
  });

/** The CLI's start-up failures: a clear Chinese message naming what to fix, a non-zero exit, nothing left running. */
describe('bootstrap error paths', () => {
  it('an unreachable TEMPORAL_ADDRESS names the variable and exits non-zero', async () => {
    // A database of its own: `dudao up` migrates before it reaches Temporal (and creates roles).
    const t = await freshDatabase();
    const r = runCli(['up'], { TEMPORAL_ADDRESS: '127.0.0.1:1', DATABASE_URL: t.url });
    await t.drop();
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 2 });
    expect(r.stderr).toMatch(/无法连接 Temporal 集群 127\.0\.0\.1:1/);
    expect(r.stderr).toMatch(/TEMPORAL_ADDRESS/);
  });

  it('a bad DATABASE_URL names the variable and exits non-zero before anything starts', async () => {
    const temporalPort = 17900;
    const r = runCli(['up'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/dudao',
      DUDAO_TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_ADDRESS: '',
    });
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 2 });
    expect(r.stderr).toMatch(/无法连接数据库/);
    expect(r.stderr).toMatch(/DATABASE_URL/);
    expect(await portOpen(temporalPort)).toBe(false);
  });

  it('a malformed DATABASE_URL says what the format is', () => {
    const r = runCli(['db', 'migrate'], { DATABASE_URL: 'not a url' });
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 2 });
    expect(r.stderr).toMatch(/格式应为 postgres:\/\//);
  });

  it('stops the embedded PostgreSQL it started when Temporal cannot be reached', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-data-'));
    fs.chmodSync(dataDir, 0o755); // the embedded server runs as the postgres user
    // A port the OS hands out: a random one in the ephemeral range could be the local end of some
    // connection under CI load, and the server could not bind it (the test below).
    const pgPort = await freePort();
    try {
      const r = runCli(['up'], {
        DATABASE_URL: '',
        DUDAO_DATA_DIR: dataDir,
        DUDAO_PG_PORT: String(pgPort),
        TEMPORAL_ADDRESS: '127.0.0.1:1',
      });
      expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 2 });
      expect(r.stdout).toMatch(/内置 PostgreSQL 已启动/);
      expect(await portOpen(pgPort)).toBe(false);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("a port held by another socket: the embedded PostgreSQL's own log says why it could not start", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-data-'));
    fs.chmodSync(dataDir, 0o755);
    // The local end of an open connection: nothing listens there, yet nothing else may bind it.
    const listener = net.createServer(() => undefined).listen(0, '127.0.0.1');
    await once(listener, 'listening');
    const held = net.connect((listener.address() as net.AddressInfo).port, '127.0.0.1');
    await once(held, 'connect');
    try {
      const r = runCli(['up'], {
        DATABASE_URL: '',
        DUDAO_DATA_DIR: dataDir,
        DUDAO_PG_PORT: String(held.localPort),
        TEMPORAL_ADDRESS: '127.0.0.1:1',
      });
      expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 2 });
      expect(r.stderr).toMatch(/内置 PostgreSQL 启动失败：PostgreSQL 进程在就绪前退出/);
      expect(r.stderr).toMatch(/could not bind IPv4 address/);
      expect(r.stderr).toMatch(new RegExp(`请确认端口 ${held.localPort} 空闲`));
    } finally {
      held.destroy();
      listener.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

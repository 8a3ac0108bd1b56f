import { sql } from 'kysely';
import { ensureDatabaseExists } from '../../stack/postgres';
import { connectAs } from '../../stack/database';
import { freshDatabase, type TestDatabase } from '../support/db';
import { startingUpProxy, type StartingUpProxy } from '../support/starting-up-postgres';
import { runCli } from '../support/cli';

/**
 * A process started while PostgreSQL recovers from a crash (a worker restarted beside a database
 * restart, as the chaos drill does) waits for it instead of exiting with 无法连接数据库.
 */
describe('a database that is starting up', () => {
  let t: TestDatabase;
  let proxy: StartingUpProxy | null = null;
  beforeAll(async () => {
    t = await freshDatabase();
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = null;
  });
  afterAll(() => t.drop());

  it('is waited for, and the wait is told once', async () => {
    proxy = await startingUpProxy(t.url, 3);
    const told: string[] = [];
    await ensureDatabaseExists(proxy.url, { log: (line) => told.push(line) });
    expect(proxy.refused()).toBe(3);
    expect(told).toEqual([expect.stringMatching(/数据库正在启动或恢复，等待它就绪/)]);
  });

  it('a role connection waits too', async () => {
    proxy = await startingUpProxy(t.url, 2);
    const said = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const handle = await connectAs('worker', proxy.url, 1);
      const { rows } = await sql<{ role: string }>`SELECT current_user AS role`.execute(handle.db);
      await handle.close();
      expect(rows[0]!.role).toMatch(/_worker$/);
      expect(proxy.refused()).toBe(2);
      expect(said).toHaveBeenCalledTimes(1);
    } finally {
      said.mockRestore();
    }
  });

  it('gives up after its wait with the reason and what to check', async () => {
    proxy = await startingUpProxy(t.url, Number.MAX_SAFE_INTEGER);
    const began = Date.now();
    await expect(ensureDatabaseExists(proxy.url, { waitMs: 1_000, log: () => undefined })).rejects.toThrow(
      /无法连接数据库 .*the database system is starting up/,
    );
    expect(Date.now() - began).toBeGreaterThanOrEqual(1_000);
    expect(proxy.refused()).toBeGreaterThan(2);
  });

  it('a CLI command started during recovery runs once the database is up', async () => {
    proxy = await startingUpProxy(t.url, 4);
    const { status, stderr } = await runCli({ DATABASE_URL: proxy.url }, 'db', 'migrate');
    expect({ status, stderr }).toMatchObject({ status: 0 });
    expect(stderr).toMatch(/数据库正在启动或恢复/);
    expect(proxy.refused()).toBe(4);
  });
});

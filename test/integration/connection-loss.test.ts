import path from 'node:path';
import { freshDatabase, type TestDatabase } from '../support/db';
import { runNode } from '../support/cli';

const connect = path.join(__dirname, '..', '..', 'dist', 'db', 'connect.js');

/**
 * A connection the server ends while a query runs on it (a PostgreSQL restart, an administrator's
 * pg_terminate_backend) fails that query, and the process goes on: the worker and the web server
 * outlive a database restart. Run in a process of its own, where an unheard 'error' would end it.
 */
describe('a connection lost during a query', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase();
  });
  afterAll(() => t.drop());

  it('fails the query, not the process', async () => {
    const script = `
      const { connectDatabase } = require(${JSON.stringify(connect)});
      const { sql } = require('kysely');
      const pause = (ms) => new Promise((r) => setTimeout(r, ms));
      (async () => {
        const { db, close } = connectDatabase(process.env.URL, 2);
        const sleeping = sql\`SELECT count(*)::int AS n FROM pg_stat_activity
                  WHERE datname = current_database() AND state = 'active' AND query LIKE 'SELECT pg_sleep%'\`;
        // The connection stays checked out until the lost client has emitted its 'error' (where
        // the pool does not listen), whatever the machine's load; the query's failure is heard at
        // once, as it can arrive before the terminating query returns.
        const failure = await db.connection().execute(async (conn) => {
          const running = sql\`SELECT pg_sleep(30)\`.execute(conn).then(() => 'none', (err) => err.code ?? err.message);
          while ((await sleeping.execute(db)).rows[0].n === 0) await pause(50);
          await sql\`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%'\`.execute(db);
          const result = await running;
          await pause(200);
          return result;
        });
        const { rows } = await sql\`SELECT 1 AS one\`.execute(db);
        console.log(JSON.stringify({ failure, after: rows[0].one }));
        await close();
      })();`;
    const { status, stdout, stderr } = await runNode({ URL: t.url }, '-e', script);
    expect({ status, stderr }).toEqual({ status: 0, stderr: expect.not.stringMatching(/Unhandled 'error'/) });
    expect(JSON.parse(stdout)).toEqual({ failure: '57P01', after: 1 });
  });
});

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
      (async () => {
        const { db, close } = connectDatabase(process.env.URL, 2);
        const running = sql\`SELECT pg_sleep(30)\`.execute(db);
        await new Promise((r) => setTimeout(r, 500));
        await sql\`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                  WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%'\`.execute(db);
        const failure = await running.then(() => 'none', (err) => err.code ?? err.message);
        await new Promise((r) => setTimeout(r, 200));
        const { rows } = await sql\`SELECT 1 AS one\`.execute(db);
        console.log(JSON.stringify({ failure, after: rows[0].one }));
        await close();
      })();`;
    const { status, stdout, stderr } = await runNode({ URL: t.url }, '-e', script);
    expect({ status, stderr }).toEqual({ status: 0, stderr: expect.not.stringMatching(/Unhandled 'error'/) });
    expect(JSON.parse(stdout)).toEqual({ failure: '57P01', after: 1 });
  });
});

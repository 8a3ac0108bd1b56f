import { spawn } from 'node:child_process';
import path from 'node:path';
import { freshDatabase, type TestDatabase } from '../support/db';

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
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((resolve) => {
      const child = spawn(process.execPath, ['-e', script], {
        cwd: path.join(__dirname, '..', '..'),
        env: { ...process.env, URL: t.url },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/Unhandled 'error'/) });
    expect(JSON.parse(stdout)).toEqual({ failure: '57P01', after: 1 });
  });
});

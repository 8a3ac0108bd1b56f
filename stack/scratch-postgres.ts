import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { embeddedServer } from './embedded-server';
import { freePort } from './net';

/**
 * A throwaway embedded PostgreSQL for work that must not touch any real database (an auditor's
 * offline check): initialised in a temporary folder, stopped and deleted afterwards.
 */
export async function withScratchPostgres<T>(body: (url: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-scratch-pg-'));
  fs.chmodSync(dir, 0o755); // run as root, the server runs as the postgres user
  const port = await freePort();
  const server = await embeddedServer({
    databaseDir: path.join(dir, 'data'),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
  });
  const { pg } = server;
  try {
    await pg.initialise();
    await server.start();
    await pg.createDatabase('scratch');
    return await body(`postgres://postgres:postgres@127.0.0.1:${port}/scratch`);
  } finally {
    await pg.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

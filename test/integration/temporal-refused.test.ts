/**
 * A worker started while its Temporal server is down or restarting (the chaos drill restarts the
 * worker and the server at random moments; seed 82001 started one in between and it exited at
 * once) waits for the server instead of exiting. Against a real server started on the port late.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { connectionRefused, ensureTemporal, whileTemporalRefuses } from '../../stack/temporal';
import type { TemporalEndpoint } from '../../stack/temporal';
import { freePort } from '../../stack/net';

jest.setTimeout(120_000);

describe('a worker connecting to a Temporal server that refuses connections', () => {
  let dir: string;
  let server: TemporalEndpoint | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-refused-'));
  });

  afterEach(async () => {
    await server?.stop();
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('recognizes the SDK’s own error for a port nothing listens on', async () => {
    const port = await freePort();
    const failure = await NativeConnection.connect({ address: `127.0.0.1:${port}` }).catch((e: unknown) => e);
    expect(connectionRefused(failure)).toBe(true);
    expect(connectionRefused(new Error('Namespace default is not found'))).toBe(false);
  });

  it('waits until the server is up, and says so once', async () => {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    const told: string[] = [];
    let attempts = 0;
    const connected = whileTemporalRefuses(
      address,
      () => {
        attempts++;
        return NativeConnection.connect({ address });
      },
      { log: (line) => told.push(line) },
    );
    await new Promise((r) => setTimeout(r, 1_500));
    server = await ensureTemporal({ port, headless: true, dbFile: path.join(dir, 'temporal.db') });
    const connection = await connected;
    await connection.close();
    expect(attempts).toBeGreaterThan(2);
    expect(told).toEqual([
      expect.stringMatching(new RegExp(`Temporal 服务 ${address} 拒绝连接.*TEMPORAL_ADDRESS`)),
    ]);
  });

  it('gives up after its wait with the refusal', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const began = Date.now();
    await expect(
      whileTemporalRefuses(address, () => NativeConnection.connect({ address }), {
        waitMs: 1_000,
        log: () => undefined,
      }),
    ).rejects.toThrow(/Connection refused/);
    expect(Date.now() - began).toBeGreaterThanOrEqual(1_000);
  });

  it('fails at once on anything else', async () => {
    let attempts = 0;
    await expect(
      whileTemporalRefuses('127.0.0.1:7233', async () => {
        attempts++;
        throw new Error('Namespace default is not found');
      }),
    ).rejects.toThrow(/Namespace default is not found/);
    expect(attempts).toBe(1);
  });
});

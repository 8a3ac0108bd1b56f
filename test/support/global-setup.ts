import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureTemporal, type TemporalEndpoint } from '../../stack/temporal';

declare global {
  var __dudaoTemporal: TemporalEndpoint | undefined;
}

/**
 * One real Temporal dev server for the integration run, on its own port and throwaway database,
 * with synchronous=OFF (tests only). TEMPORAL_ADDRESS points the run at an existing cluster instead.
 */
export default async function globalSetup(): Promise<void> {
  // Every temporary directory of the run (the Temporal server's, the tests' keys, bundles and data
  // directories, their child processes') goes under one root, which the teardown removes.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-integration-'));
  // Open to traverse: embedded PostgreSQL runs as an unprivileged user and must reach the data
  // directories tests make here (each of which mkdtemp still makes 0700).
  fs.chmodSync(scratch, 0o755);
  process.env.TMPDIR = scratch;
  process.env.TEST_SCRATCH_DIR = scratch;
  if (process.env.TEMPORAL_ADDRESS) {
    process.env.TEST_TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS;
    return;
  }
  const dir = fs.mkdtempSync(path.join(scratch, 'temporal-'));
  const port = Number(process.env.DUDAO_TEST_TEMPORAL_PORT ?? 17233);
  const endpoint = await ensureTemporal({
    port,
    headless: true,
    dbFile: path.join(dir, 'temporal.db'),
    ephemeralDurability: true,
  });
  globalThis.__dudaoTemporal = endpoint;
  process.env.TEST_TEMPORAL_ADDRESS = endpoint.address;
}

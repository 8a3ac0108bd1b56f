import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__dudaoTemporal?.stop();
  const dir = process.env.TEST_TEMPORAL_DIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

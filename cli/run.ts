import { reportError } from './output';

/** Runs a command body; any failure is explained in Chinese and sets a non-zero exit code. */
export async function run(body: () => Promise<unknown>): Promise<void> {
  try {
    await body();
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

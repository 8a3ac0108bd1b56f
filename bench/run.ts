import { benchAppend } from './append';
import { benchRebuild } from './rebuild';

/** `npm run bench`: every benchmark in turn; sizes from BENCH_APPEND_EVENTS and BENCH_EVENTS. */
async function main(): Promise<void> {
  await benchAppend();
  await benchRebuild();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

import { benchAppend } from './append';
import { benchRebuild } from './rebuild';
import { benchAudit } from './audit';

/** `npm run bench`: every benchmark in turn; sizes from BENCH_APPEND_EVENTS, BENCH_EVENTS and BENCH_AUDIT_PROJECTS. */
async function main(): Promise<void> {
  await benchAppend();
  await benchRebuild();
  await benchAudit();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

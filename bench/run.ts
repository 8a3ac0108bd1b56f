import { benchAppend } from './append';
import { benchRebuild } from './rebuild';
import { benchAudit } from './audit';
import { benchLoad } from './load';
import { benchProjectCost } from './project-cost';
import { benchClusterThroughput } from './cluster-throughput';

/** `npm run bench`: every benchmark in turn; sizes from BENCH_APPEND_EVENTS, BENCH_EVENTS and BENCH_AUDIT_PROJECTS. */
async function main(): Promise<void> {
  await benchAppend();
  await benchRebuild();
  await benchAudit();
  await benchLoad();
  await benchProjectCost();
  await benchClusterThroughput();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

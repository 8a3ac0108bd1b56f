import { benchAppend } from './append';
import { benchRebuild } from './rebuild';
import { benchAudit } from './audit';
import { benchLoad } from './load';
import { benchProjectCost } from './project-cost';
import { benchClusterThroughput } from './cluster-throughput';

const stages: Record<string, () => Promise<void>> = {
  append: benchAppend,
  rebuild: benchRebuild,
  audit: benchAudit,
  load: benchLoad,
  cost: benchProjectCost,
  cluster: async () => void (await benchClusterThroughput()),
};

/**
 * `npm run bench`: every benchmark in turn; sizes from BENCH_APPEND_EVENTS, BENCH_EVENTS and
 * BENCH_AUDIT_PROJECTS. BENCH_ONLY (comma-separated stage names, e.g. `cost`) runs just those.
 */
async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
  const unknown = only?.filter((name) => !(name in stages)) ?? [];
  if (unknown.length > 0)
    throw new Error(
      `BENCH_ONLY: unknown stage ${unknown.join(', ')} (stages: ${Object.keys(stages).join(', ')})`,
    );
  for (const [name, stage] of Object.entries(stages)) if (!only || only.includes(name)) await stage();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

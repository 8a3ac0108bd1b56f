import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { CycleScope, CycleWindow } from '../domain/events';
import type { CyclePolicy } from '../domain/policy';
import { selectItems, shanghaiYear, toCycleItem, type CycleItem } from '../domain/cycle';
import { planSpan } from '../domain/indicator-trajectory';
import { yearlyCycleItem } from '../domain/yearly-items';
import { loadPlanVersion } from '../seeds/import';
import { baselineLookup } from './indicators';

/**
 * The items a cycle over `scope` supervises, from the stored plan, as the cycle asks them of the
 * units (domain/yearly-items.ts): a 主要指标 reports each plan year's value against that year's
 * planned value (from its recorded baseline), a 任务 on the light flow states its progress once a
 * year. One rule for both ways a cycle starts: `dudao cycle start` (buildCycleInput) and a
 * Schedule's round (the loadCycleItems activity).
 */
export async function cycleItems(
  db: Kysely<Database>,
  o: {
    scope: CycleScope;
    window: CycleWindow;
    taskFlow: CyclePolicy['taskFlow'];
    planId?: number;
    planVersion?: number;
  },
): Promise<{ planId: number; version: number; items: CycleItem[] }> {
  const { planId, version, plan } = await loadPlanVersion(db, o.planId, o.planVersion);
  const baselineOf = await baselineLookup(db, planId);
  const planLastYear = planSpan(plan.items)?.lastYear ?? shanghaiYear(o.window.submissionDueAt);
  const items = selectItems(plan.items, o.scope)
    .map(toCycleItem)
    .map((item) =>
      yearlyCycleItem(item, { window: o.window, planLastYear, baselineOf, taskFlow: o.taskFlow }),
    );
  return { planId, version, items };
}

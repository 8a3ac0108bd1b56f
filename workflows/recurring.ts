import { executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { CycleScope } from '../domain/events';
import type { CyclePolicy } from '../domain/policy';
import type { Principal } from '../domain/principal';
import { shanghaiYear, yearWindow, type CycleSummary } from '../domain/cycle';
import { inspectionCycleWorkflow } from './cycle';

const { loadCycleItems } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute' });

export type RecurringCycleInput = {
  /** Stable prefix of each cycle's id and name, e.g. 年度重大项目专项督导. */
  name: string;
  slug: string;
  /** 1 for yearly cycles; 2 where the plan says 以2年为一轮. */
  everyYears: number;
  scope: CycleScope;
  policy: CyclePolicy;
  planId?: number;
  startedBy: Principal;
};

/**
 * What a Temporal Schedule starts each round: the cycle for the round's years, over the items the
 * scope selects from the plan as stored when the round begins.
 */
export async function recurringCycleWorkflow(input: RecurringCycleInput): Promise<CycleSummary> {
  const year = shanghaiYear(workflowInfo().startTime.toISOString());
  const { planId, planVersion, items } = await loadCycleItems({
    scope: input.scope,
    ...(input.planId ? { planId: input.planId } : {}),
  });
  const cycleId = `${input.slug}-${year}`;
  const span = input.everyYears > 1 ? `${year}—${year + input.everyYears - 1}年度` : `${year}年度`;
  return executeChild(inspectionCycleWorkflow, {
    workflowId: `cycle-${cycleId}`,
    args: [
      {
        cycleId,
        name: `${span}${input.name}`,
        planId,
        planVersion,
        scope: input.scope,
        window: yearWindow(year, input.everyYears, input.policy.holidayRule),
        policy: input.policy,
        drill: null,
        items,
        startedBy: input.startedBy,
      },
    ],
  });
}

import {
  ActivityFailure,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  executeChild,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, defineSearchAttributeKey } from '@temporalio/common';
import type { Activities } from '../activities';
import type { CycleScope, Drill } from '../domain/events';
import type { CyclePolicy } from '../domain/policy';
import type { Principal } from '../domain/principal';
import { cycleYears, shanghaiYear, yearWindow, type CycleSummary } from '../domain/cycle';
import { inspectionCycleWorkflow, type CycleWorkflowInput } from './cycle';
import { majorProjectWorkflow } from './project';
import { cycleCancelled } from './messages';
import { supervisedItemAttributes } from './search-attributes';

const { loadCycleItems, loadOfficeCalendar } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
});

const { planRoundCarryOver } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // Retried while the round's cycle has yet to record its start (moments after it was started).
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 30 },
});

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
  /**
   * Whether each round carries the previous round's unrectified 整改 into its cycle when it starts
   * (as `cycle start --carry-from`); absent in schedules set before rounds could.
   */
  carryOver?: boolean;
  /**
   * For drills and demos: each round's cycle runs on the drill calendar (one plan year per
   * `yearSeconds` real seconds from its window's opening). A pure addition: absent in every
   * recorded history, where it means what rounds did then, a cycle on real time, so no patch.
   */
  drill?: Drill | null;
};

/** What a round answers once it has started its cycle (and, carrying over, the rounds it carried). */
export type RoundStarted = {
  cycleId: string;
  year: number;
  alreadyStarted: boolean;
  carried?: string[];
  /** Why the carry-over was refused (the cycle itself was started). */
  carryRefused?: string;
};

/** Rounds recorded before it waited for their whole cycle; now a round starts its cycle and ends. */
export const ROUND_RETURNS_PATCH = 'round-starts-cycle-and-returns';

/** Rounds recorded before they copied the office's working-day calendar into their cycle's policy. */
export const ROUND_CALENDAR_PATCH = 'round-copies-office-calendar';

/** Rounds recorded before a round carried the previous round's unrectified 整改 into its cycle. */
export const ROUND_CARRIES_OVER_PATCH = 'round-carries-over';

/** The instant a Schedule meant this round for (set on every workflow a Schedule starts). */
const scheduledStart = defineSearchAttributeKey('TemporalScheduledStartTime', 'DATETIME');

/**
 * What a Temporal Schedule starts each round: the cycle for the round's years, over the items the
 * scope selects from the plan as stored when the round begins. The round starts the cycle and
 * ends at once (the cycle lives on, abandoned by its parent), so a cycle that runs past the next
 * round's date (its review deadline falls in the next year) never makes the Schedule skip it.
 */
export async function recurringCycleWorkflow(
  input: RecurringCycleInput,
): Promise<CycleSummary | RoundStarted> {
  const info = workflowInfo();
  if (!patched(ROUND_RETURNS_PATCH)) {
    const { child } = await round(input, shanghaiYear(info.startTime.toISOString()));
    return executeChild(inspectionCycleWorkflow, child);
  }
  // The round of the year it was scheduled for, however late it actually starts (a catch-up).
  const meant = info.typedSearchAttributes.get(scheduledStart) ?? info.startTime;
  const year = shanghaiYear(meant.toISOString());
  const { cycleId, child } = await round(input, year);
  try {
    await startChild(inspectionCycleWorkflow, { ...child, parentClosePolicy: ParentClosePolicy.ABANDON });
    if (input.carryOver && patched(ROUND_CARRIES_OVER_PATCH))
      return { cycleId, year, alreadyStarted: false, ...(await carryIntoRound(input, year, cycleId)) };
    return { cycleId, year, alreadyStarted: false };
  } catch (err) {
    // The same round fired twice (a manual trigger, a backfill over a year already run).
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { cycleId, year, alreadyStarted: true };
    throw err;
  }
}

async function round(
  input: RecurringCycleInput,
  year: number,
): Promise<{ cycleId: string; child: { workflowId: string; args: [CycleWorkflowInput] } }> {
  const { planId, planVersion, items } = await loadCycleItems({
    scope: input.scope,
    ...(input.planId ? { planId: input.planId } : {}),
    // The items are shaped by the years the window spans (one milestone per plan year), which the
    // office's calendar, loaded after this (the order recorded histories keep), could change only
    // for a next_workday rule meeting a 31 December holiday.
    window: yearWindow(year, input.everyYears, input.policy.holidayRule, input.policy.calendar),
    taskFlow: input.policy.taskFlow,
  });
  const policy = await roundPolicy(input, year);
  const cycleId = `${input.slug}-${year}`;
  const span = input.everyYears > 1 ? `${year}—${year + input.everyYears - 1}年度` : `${year}年度`;
  return {
    cycleId,
    child: {
      workflowId: `cycle-${cycleId}`,
      args: [
        {
          cycleId,
          name: `${span}${input.name}`,
          planId,
          planVersion,
          scope: input.scope,
          window: yearWindow(year, input.everyYears, policy.holidayRule, policy.calendar),
          policy,
          drill: input.drill ?? null,
          items,
          startedBy: input.startedBy,
        },
      ],
    },
  };
}

/**
 * The round's policy: the schedule's, with the office's calendar for the round's years copied in
 * (as `dudao cycle start` does) unless the schedule fixed one.
 */
async function roundPolicy(input: RecurringCycleInput, year: number): Promise<CyclePolicy> {
  if (!patched(ROUND_CALENDAR_PATCH) || input.policy.calendar) return input.policy;
  const years = cycleYears(yearWindow(year, input.everyYears, input.policy.holidayRule));
  return { ...input.policy, calendar: await loadOfficeCalendar(years) };
}

type CarryPlan = Awaited<ReturnType<Activities['planRoundCarryOver']>>;

/**
 * Carries what the previous round's cycle left unrectified into this round's: each new 整改 round
 * is started as this workflow's child (abandoned, like the cycle), so it is trusted as the round's
 * cycle is, by the Schedule that started the round, with no person's signature to carry; each round
 * it continues is closed as carried by the signal a cycle sends its projects when it is cancelled.
 */
async function carryIntoRound(
  input: RecurringCycleInput,
  year: number,
  cycleId: string,
): Promise<Pick<RoundStarted, 'carried' | 'carryRefused'>> {
  let plan: CarryPlan;
  try {
    plan = await planRoundCarryOver({
      fromCycleId: `${input.slug}-${year - input.everyYears}`,
      toCycleId: cycleId,
      by: input.startedBy,
    });
  } catch (err) {
    if (err instanceof ActivityFailure)
      return { carried: [], carryRefused: err.cause?.message ?? err.message };
    throw err;
  }
  const starts = plan.rounds.flatMap((r) => (r.start ? [r.start] : []));
  await Promise.all(
    starts.map((item) =>
      startChild(majorProjectWorkflow, {
        workflowId: item.workflowId,
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: supervisedItemAttributes(item),
        args: [{ cycleId: item.cycleId, projectId: item.itemId, ...item.input }],
      }).catch((err: unknown) => {
        // Started before (the round ran again): that round goes on as it is.
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }),
    ),
  );
  await Promise.all(
    plan.rounds.flatMap(({ close }) =>
      close && plan.at
        ? [
            getExternalWorkflowHandle(close.workflowId)
              .signal(cycleCancelled, { reason: close.reason, actor: input.startedBy, at: plan.at })
              // A round that closed meanwhile needs no closing.
              .catch(() => undefined),
          ]
        : [],
    ),
  );
  return { carried: starts.map((s) => s.itemId) };
}

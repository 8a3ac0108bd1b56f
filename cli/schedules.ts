import { ScheduleOverlapPolicy, type ScheduleOptions } from '@temporalio/client';
import type { CycleScope, Drill } from '../domain/events';
import type { CyclePolicy } from '../domain/policy';
import type { Principal } from '../domain/principal';
import { recurringCycleWorkflow } from '../workflows/recurring';

export interface RecurringCycleSpec {
  slug: string;
  name: string;
  everyYears: number;
  firstYear: number;
  scope: CycleScope;
  policy: CyclePolicy;
  startedBy: Principal;
  /** Each round carries the previous round's unrectified 整改 into its cycle. */
  carryOver: boolean;
  /** For drills and demos: each round's cycle runs on the drill calendar. */
  drill?: Drill;
}

/**
 * A Temporal Schedule that starts a cycle every `everyYears` years on 1 January, Beijing time.
 * Each round starts its cycle and ends at once, and rounds are buffered, never skipped, should one
 * still be running when the next is due. A round missed while the cluster was down is started when
 * it comes back, for up to a year (the catch-up window); it is still that year's round.
 */
export function recurringSchedule(spec: RecurringCycleSpec, taskQueue: string): ScheduleOptions {
  return {
    scheduleId: `dudao-${spec.slug}`,
    policies: { overlap: ScheduleOverlapPolicy.BUFFER_ALL, catchupWindow: '365 days' },
    spec: {
      calendars: [
        {
          year: { start: spec.firstYear, end: 2100, step: spec.everyYears },
          month: 'JANUARY',
          dayOfMonth: 1,
          hour: 0,
          minute: 0,
        },
      ],
      timezone: 'Asia/Shanghai',
    },
    action: {
      type: 'startWorkflow',
      workflowType: recurringCycleWorkflow,
      workflowId: `cycle-schedule-${spec.slug}`,
      taskQueue,
      args: [
        {
          name: spec.name,
          slug: spec.slug,
          everyYears: spec.everyYears,
          scope: spec.scope,
          // As `dudao cycle start`: 任务 run on the light flow unless the office asks for the full one.
          policy: { ...spec.policy, taskFlow: spec.policy.taskFlow ?? 'light' },
          startedBy: spec.startedBy,
          carryOver: spec.carryOver,
          ...(spec.drill ? { drill: spec.drill } : {}),
        },
      ],
    },
  };
}

import { z } from 'zod';
import { AssessmentRules } from './assessment-rules';
import { WorkCalendar } from './work-calendar';

/** A span of time in calendar days, 工作日 (working days on China's official calendar) or hours. */
export const Span = z.object({
  amount: z.number().int().min(0),
  unit: z.enum(['days', 'workdays', 'hours']),
});
export type Span = z.infer<typeof Span>;

/** Who a 督办 level notifies: the unit head, 分管局领导, or a bureau-wide notice. */
export const EscalationTarget = z.enum(['unit_head', 'division_leader', 'bureau_notice', 'inspector']);
export type EscalationTarget = z.infer<typeof EscalationTarget>;

export const EscalationStep = z.object({
  level: z.number().int().min(1),
  after: Span,
  target: EscalationTarget,
});
export type EscalationStep = z.infer<typeof EscalationStep>;

/**
 * 定期反馈: besides milestone reports, the lead unit reports progress every month (on day `day`,
 * 每月25日前) or every quarter (on day `day` of the quarter's last month). Each period has one
 * 催办 `reminder` before it is due, one 督办 step when it falls due, and counts as missed
 * (未按期反馈) `missAfter` after its due date if still unreported.
 */
export const ProgressCadence = z.object({
  every: z.enum(['month', 'quarter']),
  day: z.number().int().min(1).max(31),
  reminder: Span.default({ amount: 3, unit: 'days' }),
  missAfter: Span.default({ amount: 5, unit: 'days' }),
});
export type ProgressCadence = z.infer<typeof ProgressCadence>;

export const CyclePolicy = z.object({
  /** 催办 lead times before the operational due date. */
  reminders: z.array(Span).default([
    { amount: 7, unit: 'days' },
    { amount: 1, unit: 'days' },
  ]),
  /** 督办 ladder after due without an approved report, by increasing `after`. */
  escalations: z.array(EscalationStep).default([
    { level: 1, after: { amount: 0, unit: 'days' }, target: 'unit_head' },
    { level: 2, after: { amount: 7, unit: 'days' }, target: 'division_leader' },
    { level: 3, after: { amount: 14, unit: 'days' }, target: 'bureau_notice' },
  ]),
  /** After this many returns for rework the milestone escalates. */
  maxReturns: z.number().int().min(1).default(2),
  /** 按原定时间考核 (original) or against the extended deadline (operational). */
  scoringBaseline: z.enum(['original', 'operational']).default('original'),
  /** What a due date that falls on a holiday or weekend does. */
  holidayRule: z.enum(['none', 'next_workday', 'previous_workday']).default('previous_workday'),
  /** A co-unit's contribution is due this long before the lead unit's report. */
  coUnitLead: Span.default({ amount: 5, unit: 'workdays' }),
  /** Amber when the due date is this close and nothing approved yet. */
  amberWithin: Span.default({ amount: 7, unit: 'days' }),
  /**
   * Where 催办/督办 notices go for a unit with no entry in the unit directory; absent, the
   * notifier's default (webhook when DUDAO_WEBHOOK_URL is set, else the log).
   */
  notifyChannel: z.enum(['log', 'webhook', 'dingtalk', 'wecom', 'email']).optional(),
  /**
   * The office's working-day calendar for the cycle's years (`dudao calendar`), copied in when the
   * cycle starts so every run decides on the same days. Absent: the bundled calendar (cycles
   * started before the office kept one).
   */
  calendar: WorkCalendar.optional(),
  /** 考核计分办法 for the cycle's 通报; absent (cycles started before it existed): the defaults. */
  assessment: AssessmentRules.optional(),
  /**
   * 多级下发: a sub-assignment is due this long before the deadline of what it was split from.
   * Absent: `DEFAULT_DISPATCH_LEAD` (cycles started before dispatch existed record none).
   */
  dispatchLead: Span.optional(),
  /** Periodic progress reports; absent: none (cycles started before cadences existed, too). */
  progressCadence: ProgressCadence.optional(),
  /**
   * 任务 in this cycle: `light`, a yearly progress statement with no 督办 ladder; `full`, the
   * major-project flow. Absent: `full` (cycles started before the light flow existed); new cycles
   * get `light` unless the office asks otherwise (app/cycles.ts).
   */
  taskFlow: z.enum(['light', 'full']).optional(),
  /**
   * 主要指标: amber while a reported value falls short of its year's planned value by at most this
   * share of it (0.05 = 5%), red beyond. Absent: `DEFAULT_INDICATOR_TOLERANCE`.
   */
  indicatorTolerance: z.number().min(0).max(1).optional(),
});
export type CyclePolicy = z.infer<typeof CyclePolicy>;

/** 多级下发's lead when the policy names none: 5 working days before the parent's deadline. */
export const DEFAULT_DISPATCH_LEAD: Span = { amount: 5, unit: 'workdays' };

export const defaultPolicy = (): CyclePolicy => CyclePolicy.parse({});

import type { ColumnType } from 'kysely';

/** 主要指标 baseline: one metric's value in the plan's base year, as the office recorded it. */
export interface IndicatorBaselinesTable {
  plan_id: number;
  item_id: string;
  metric: string;
  year: number;
  value: number;
  source: string;
  recorded_by: string;
  recorded_at: ColumnType<Date, string | undefined, string>;
}

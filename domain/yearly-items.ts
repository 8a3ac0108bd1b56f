import type { CycleWindow } from './events';
import type { CycleItem } from './cycle';
import { shanghaiYear } from './cycle';
import type { Target } from './plan';
import type { CyclePolicy } from './policy';
import { plannedValue, type YearValue } from './indicator-trajectory';

/**
 * What a cycle asks of 主要指标 and 任务, decided when it starts (so the workflows run them through
 * the ordinary milestone flow unchanged):
 * - an indicator reports, for every plan year in the window, the year's value of each target
 *   metric: one milestone per year, whose targets are that year's planned values (on the line from
 *   the recorded baseline to the target; the target itself when no baseline is recorded), so the
 *   reviewer's verdict reads against the trajectory and the values land in the read models by year;
 * - a task under the light flow states its progress once a plan year (its own dated targets
 *   kept), and the cycle workflow runs it without the 督办 ladder.
 * Major projects, and tasks under the full flow, keep their milestones as the plan states them.
 */
export type YearlyContext = {
  window: CycleWindow;
  /** The plan's last year: the target year of a target that names none. */
  planLastYear: number;
  /** The baseline the office recorded for an indicator's metric, if any. */
  baselineOf: (itemId: string, metric: string) => YearValue | null;
  taskFlow: CyclePolicy['taskFlow'];
};

export const windowYears = (window: CycleWindow): number[] => {
  const years: number[] = [];
  for (let y = shanghaiYear(window.opensAt); y <= shanghaiYear(window.submissionDueAt); y++) years.push(y);
  return years;
};

export const targetYearOf = (target: Target, planLastYear: number): number => target.year ?? planLastYear;

export function yearlyCycleItem(item: CycleItem, ctx: YearlyContext): CycleItem {
  const years = windowYears(ctx.window);
  if (item.kind === 'indicator' && item.targets.length > 0) {
    return {
      ...item,
      milestones: years.map((year) => ({
        year,
        text: `${year}年度指标值报送：${item.targets.map((t) => t.metric).join('、')}`,
      })),
      targets: years.flatMap((year) => item.targets.map((t) => yearTarget(item.itemId, t, year, ctx))),
    };
  }
  if (item.kind === 'task' && ctx.taskFlow === 'light') {
    return {
      ...item,
      milestones: years.map((year) => ({ year, text: `${year}年度工作进展情况` })),
      targets: item.targets.filter((t) => t.year !== null && years.includes(t.year)),
    };
  }
  return item;
}

function yearTarget(itemId: string, target: Target, year: number, ctx: YearlyContext): Target {
  const baseline = ctx.baselineOf(itemId, target.metric);
  const targetYear = targetYearOf(target, ctx.planLastYear);
  const value = baseline ? plannedValue(baseline, target, targetYear, year) : target.value;
  return { ...target, value, year };
}

/** The line a report's narrative opens with when it names its 数据来源. */
export const DATA_SOURCE_PREFIX = '数据来源：';

/** The narrative as recorded: the 数据来源 on its first line, then the unit's words. */
export const withDataSource = (narrative: string, source: string | undefined): string =>
  source?.trim() ? `${DATA_SOURCE_PREFIX}${source.trim()}\n${narrative}` : narrative;

/** The 数据来源 a recorded narrative names, if it opens with one. */
export const dataSourceOf = (narrative: string): string | null => {
  const first = narrative.split('\n', 1)[0]!;
  return first.startsWith(DATA_SOURCE_PREFIX) ? first.slice(DATA_SOURCE_PREFIX.length) : null;
};

import type { Rag } from './rag';
import type { PlanItem, Target } from './plan';
import { targetMet } from './project/decide';

/**
 * 主要指标 year by year: the plan line runs straight from a baseline (the value the office records
 * for the plan's base year, else the first value a unit reported) to the target in the target
 * year; each reported value is coloured by how far it falls behind that year's planned value, in
 * the target's direction. Pure: the report and the plan review draw on it alike.
 */

/** Amber when a value falls short of its year's planned value by at most this share of it. */
export const DEFAULT_INDICATOR_TOLERANCE = 0.05;

/** The plan's years: the first and last a milestone or target names (十三五: 2016–2020). */
export function planSpan(items: readonly Pick<PlanItem, 'milestones' | 'targets'>[]): {
  firstYear: number;
  lastYear: number;
} | null {
  const years = items.flatMap((i) => [
    ...i.milestones.map((m) => m.year),
    ...i.targets.flatMap((t) => (t.year === null ? [] : [t.year])),
  ]);
  if (years.length === 0) return null;
  return { firstYear: Math.min(...years), lastYear: Math.max(...years) };
}

export type YearValue = { year: number; value: number };

/** Whether the target asks for a value at or below it (控制在…以内) rather than at or above. */
export const lowerIsBetter = (op: Target['op']): boolean => op === '<=' || op === '<';

/**
 * The planned value of `year` on the straight line from `baseline` to `target.value` in
 * `targetYear`; before the baseline year the baseline, from the target year on the target.
 */
export function plannedValue(
  baseline: YearValue,
  target: Pick<Target, 'value'>,
  targetYear: number,
  year: number,
): number {
  if (year <= baseline.year) return baseline.value;
  if (year >= targetYear || targetYear <= baseline.year) return target.value;
  const share = (year - baseline.year) / (targetYear - baseline.year);
  return round(baseline.value + (target.value - baseline.value) * share);
}

const round = (v: number): number => Math.round(v * 100) / 100;

export type TrajectoryVerdict = {
  rag: Rag;
  /** The shortfall against the planned value, in the target's direction (≤ 0: on or ahead of track). */
  shortfall: number;
  reached: boolean;
  reason: string;
};

/**
 * One reported value against its year's planned value. Green: the target itself is reached, or the
 * value is on or ahead of the line; amber: behind by at most `tolerance` of the planned value;
 * red: further behind.
 */
export function judgeAgainstTrajectory(
  target: Target,
  planned: number,
  reported: number,
  tolerance: number = DEFAULT_INDICATOR_TOLERANCE,
): TrajectoryVerdict {
  const direction = lowerIsBetter(target.op) ? -1 : 1;
  const shortfall = round((planned - reported) * direction);
  const u = target.unit;
  if (targetMet(target, reported))
    return {
      rag: 'green',
      shortfall,
      reached: true,
      reason: `已达到规划目标（${reported}${u}，目标${opLabel(target.op)}${target.value}${u}）`,
    };
  if (shortfall <= 0)
    return {
      rag: 'green',
      shortfall,
      reached: false,
      reason: `达到或好于计划进度（计划${planned}${u}，实际${reported}${u}）`,
    };
  const allowed = Math.abs(planned) * tolerance;
  const behind = `落后计划进度${shortfall}${u}（计划${planned}${u}，实际${reported}${u}）`;
  return shortfall <= allowed
    ? {
        rag: 'amber',
        shortfall,
        reached: false,
        reason: `${behind}，在允许偏差${percentLabel(tolerance)}以内`,
      }
    : { rag: 'red', shortfall, reached: false, reason: `${behind}，超出允许偏差${percentLabel(tolerance)}` };
}

const percentLabel = (share: number): string => `${round(share * 100)}%`;

export const opLabel = (op: Target['op']): string =>
  ({ '>=': '≥', '>': '>', '<=': '≤', '<': '<', '=': '达到', '≈': '约' })[op];

export type TrackYear = {
  year: number;
  planned: number | null;
  reported: number | null;
  verdict: TrajectoryVerdict | null;
};

export type IndicatorTrack = {
  target: Target;
  targetYear: number;
  /** Where the line starts, and whether the office recorded it or the first report stood in. */
  baseline: (YearValue & { source: 'recorded' | 'first_report' }) | null;
  years: TrackYear[];
  /** The latest reported year's verdict: the indicator's colour now. */
  latest: TrackYear | null;
};

/**
 * One metric's track over the plan years `fromYear`..`targetYear` (and any reported year beyond):
 * planned values once a baseline is known, reported values, and each reported year's verdict.
 */
export function indicatorTrack(
  target: Target,
  targetYear: number,
  fromYear: number,
  recordedBaseline: YearValue | null,
  reports: readonly YearValue[],
  tolerance: number = DEFAULT_INDICATOR_TOLERANCE,
): IndicatorTrack {
  const sorted = [...reports].sort((a, b) => a.year - b.year);
  const first = sorted[0];
  const baseline = recordedBaseline
    ? { ...recordedBaseline, source: 'recorded' as const }
    : first
      ? { ...first, source: 'first_report' as const }
      : null;
  const last = Math.max(targetYear, ...sorted.map((r) => r.year));
  const start = Math.min(fromYear, baseline?.year ?? fromYear);
  const years: TrackYear[] = [];
  for (let year = start; year <= last; year++) {
    // No line before its start: a first report as baseline says nothing about the years before.
    const planned =
      baseline && year >= baseline.year ? plannedValue(baseline, target, targetYear, year) : null;
    const reported = sorted.filter((r) => r.year === year).at(-1)?.value ?? null;
    years.push({
      year,
      planned,
      reported,
      verdict:
        planned !== null && reported !== null
          ? judgeAgainstTrajectory(target, planned, reported, tolerance)
          : null,
    });
  }
  const latest = [...years].reverse().find((y) => y.reported !== null) ?? null;
  return { target, targetYear, baseline, years, latest };
}

import { sql } from 'kysely';
import type { Db } from '../db/projections/read-model';
import { PlanItem, type Target } from '../domain/plan';
import {
  DEFAULT_INDICATOR_TOLERANCE,
  indicatorTrack,
  opLabel,
  planSpan,
  type IndicatorTrack,
  type YearValue,
} from '../domain/indicator-trajectory';
import { dataSourceOf, targetYearOf } from '../domain/yearly-items';
import { day, ragLabel } from './format';
import type { ReportScope } from './builders';
import type { Chart, Report, ReportTable } from './report';

/**
 * 主要指标年度监测: each indicator metric of the plan against its trajectory, year by year. The plan's
 * targets and the office's baselines come from the plan tables; the values units reported (and
 * whether 督导处 approved them) from the `target_progress`/`submissions` read models.
 */

/** One reported year of one metric: the latest report across the cycles in scope. */
export interface ReportedValueRow {
  item_id: string;
  metric: string;
  year: number;
  reported: number;
  reported_at: string;
  met: boolean | null;
  cycle_id: string;
  narrative: string | null;
}

export interface IndicatorMetric {
  itemId: string;
  title: string;
  units: string[];
  target: Target;
  track: IndicatorTrack;
  /** Per reported year: its source and whether 督导处 approved it. */
  reports: Map<number, { source: string | null; approved: boolean; cycleId: string }>;
}

export interface IndicatorFigures {
  planId: number;
  tolerance: number;
  fromYear: number;
  metrics: IndicatorMetric[];
}

const t = (scope: ReportScope, table: string) => sql.id(scope.schema, table);

/** The plan a scope reads: its cycle's, else the newest imported. */
async function planOf(db: Db, scope: ReportScope): Promise<{ planId: number; versionId: number } | null> {
  if (scope.cycleId !== undefined) {
    const { rows } = await sql<{ plan_id: number; version_id: number }>`
      SELECT v.plan_id, v.id AS version_id FROM ${t(scope, 'cycles')} c
      JOIN plan_versions v ON v.plan_id = c.plan_id::int AND v.version = c.plan_version
      WHERE c.cycle_id = ${scope.cycleId}`.execute(db);
    if (rows[0]) return { planId: rows[0].plan_id, versionId: rows[0].version_id };
  }
  const { rows } = await sql<{ plan_id: number; version_id: number }>`
    SELECT plan_id, id AS version_id FROM plan_versions ORDER BY imported_at DESC, id DESC LIMIT 1`.execute(
    db,
  );
  return rows[0] ? { planId: rows[0].plan_id, versionId: rows[0].version_id } : null;
}

/** The tolerance the cycle's policy sets (the newest cycle's when none is named); the default else. */
async function toleranceOf(db: Db, scope: ReportScope): Promise<number> {
  const { rows } = await sql<{ tolerance: number | null }>`
    SELECT (payload->'policy'->>'indicatorTolerance')::float AS tolerance FROM events
    WHERE type = 'CycleStarted'
      AND ${scope.cycleId === undefined ? sql`TRUE` : sql`cycle_id = ${scope.cycleId}`}
    ORDER BY position DESC LIMIT 1`.execute(db);
  return rows[0]?.tolerance ?? DEFAULT_INDICATOR_TOLERANCE;
}

async function reportedValues(db: Db, scope: ReportScope): Promise<ReportedValueRow[]> {
  const { rows } = await sql<Omit<ReportedValueRow, 'reported_at'> & { reported_at: Date }>`
    SELECT p.item_id, g.metric, g.year, g.reported, g.reported_at, g.met, g.cycle_id,
           (SELECT s.narrative FROM ${t(scope, 'submissions')} s
             WHERE s.cycle_id = g.cycle_id AND s.project_id = g.project_id
               AND s.milestone_id = g.milestone_id AND s.round = g.reported_round AND s.kind = 'report'
             LIMIT 1) AS narrative
    FROM ${t(scope, 'target_progress')} g
    JOIN ${t(scope, 'projects')} p ON p.cycle_id = g.cycle_id AND p.project_id = g.project_id
    WHERE p.kind = 'indicator' AND g.reported IS NOT NULL AND g.year IS NOT NULL
      AND ${scope.cycleId === undefined ? sql`TRUE` : sql`g.cycle_id = ${scope.cycleId}`}
    ORDER BY g.reported_at`.execute(db);
  return rows.map((r) => ({ ...r, reported_at: new Date(r.reported_at).toISOString() }));
}

/** Everything the report and the plan review say about the indicators, read once. */
export async function indicatorFigures(db: Db, scope: ReportScope): Promise<IndicatorFigures | null> {
  const plan = await planOf(db, scope);
  if (!plan) return null;
  const items = (
    await db
      .selectFrom('plan_items')
      .selectAll()
      .where('plan_version_id', '=', plan.versionId)
      .orderBy('position')
      .execute()
  ).map((r) =>
    PlanItem.parse({
      id: r.item_id,
      kind: r.kind,
      path: r.path,
      title: r.title,
      text: r.text,
      units: r.units,
      targets: r.targets,
      milestones: r.milestones,
      sourceLine: r.source_line,
    }),
  );
  const baselines = await db
    .selectFrom('indicator_baselines')
    .select(['item_id', 'metric', 'year', 'value'])
    .where('plan_id', '=', plan.planId)
    .execute();
  const [reported, tolerance] = await Promise.all([reportedValues(db, scope), toleranceOf(db, scope)]);
  return buildIndicatorFigures(plan.planId, items, baselines, reported, tolerance);
}

/** The figures from what was read. Pure. */
export function buildIndicatorFigures(
  planId: number,
  items: readonly PlanItem[],
  baselines: readonly { item_id: string; metric: string; year: number; value: number }[],
  reported: readonly ReportedValueRow[],
  tolerance: number,
): IndicatorFigures {
  const span = planSpan(items);
  const lastYear = span?.lastYear ?? Math.max(0, ...reported.map((r) => r.year));
  const fromYear = span ? span.firstYear - 1 : lastYear;
  const metrics = items
    .filter((i) => i.kind === 'indicator')
    .flatMap((item) =>
      item.targets.map((target): IndicatorMetric => {
        const mine = reported.filter((r) => r.item_id === item.id && r.metric === target.metric);
        // The latest report of each year wins (a resubmission after 退回, a later cycle's correction).
        const byYear = new Map<number, ReportedValueRow>();
        for (const r of mine) byYear.set(r.year, r);
        const recorded = baselines.find((b) => b.item_id === item.id && b.metric === target.metric);
        const values: YearValue[] = [...byYear.values()].map((r) => ({ year: r.year, value: r.reported }));
        return {
          itemId: item.id,
          title: item.title,
          units: item.units,
          target,
          track: indicatorTrack(
            target,
            targetYearOf(target, lastYear),
            fromYear,
            recorded ? { year: recorded.year, value: recorded.value } : null,
            values,
            tolerance,
          ),
          reports: new Map(
            [...byYear.values()].map((r) => [
              r.year,
              {
                source: r.narrative ? dataSourceOf(r.narrative) : null,
                approved: r.met !== null,
                cycleId: r.cycle_id,
              },
            ]),
          ),
        };
      }),
    );
  return { planId, tolerance, fromYear, metrics };
}

export const targetText = (target: Target, targetYear: number): string =>
  `${targetYear}年${opLabel(target.op)}${target.value}${target.unit}`;

const num = (v: number | null, unit: string): string | null => (v === null ? null : `${v}${unit}`);

export async function indicatorsReport(db: Db, scope: ReportScope): Promise<Report> {
  const figures = await indicatorFigures(db, scope);
  return buildIndicatorsReport(figures, scope);
}

export function buildIndicatorsReport(figures: IndicatorFigures | null, scope: ReportScope): Report {
  const metrics = figures?.metrics ?? [];
  const overview: ReportTable = {
    title: '主要指标进展',
    columns: [
      { key: 'itemId', label: '指标' },
      { key: 'metric', label: '指标项' },
      { key: 'units', label: '责任单位' },
      { key: 'target', label: '规划目标' },
      { key: 'baseline', label: '基期值' },
      { key: 'year', label: '最新年度' },
      { key: 'planned', label: '当年计划值' },
      { key: 'reported', label: '报送值' },
      { key: 'rag', label: '状态' },
      { key: 'reason', label: '说明' },
      { key: 'source', label: '数据来源' },
    ],
    rows: metrics.map((m) => {
      const { track, target } = m;
      const latest = track.latest;
      const u = target.unit;
      return {
        itemId: m.itemId,
        metric: target.metric,
        units: m.units.join('、'),
        target: targetText(target, track.targetYear),
        baseline: track.baseline
          ? `${track.baseline.year}年 ${track.baseline.value}${u}${track.baseline.source === 'first_report' ? '（以首次报送值代）' : ''}`
          : '未录入',
        year: latest ? `${latest.year}年` : '—',
        planned: latest ? num(latest.planned, u) : null,
        reported: latest ? num(latest.reported, u) : null,
        rag: ragLabel(latest?.verdict?.rag ?? null),
        reason: latest?.verdict?.reason ?? '尚未报送年度数值',
        source: latest ? (m.reports.get(latest.year)?.source ?? '未注明') : '—',
      };
    }),
  };
  const yearly: ReportTable = {
    title: '各年度计划值与报送值',
    columns: [
      { key: 'itemId', label: '指标' },
      { key: 'metric', label: '指标项' },
      { key: 'year', label: '年度', numeric: true },
      { key: 'planned', label: '计划值' },
      { key: 'reported', label: '报送值' },
      { key: 'rag', label: '状态' },
      { key: 'reason', label: '说明' },
      { key: 'review', label: '审定' },
      { key: 'source', label: '数据来源' },
    ],
    rows: metrics.flatMap((m) =>
      m.track.years.map((y) => {
        const report = m.reports.get(y.year);
        return {
          itemId: m.itemId,
          metric: m.target.metric,
          year: y.year,
          planned: num(y.planned, m.target.unit),
          reported: num(y.reported, m.target.unit),
          rag: ragLabel(y.verdict?.rag ?? null),
          reason: y.verdict?.reason ?? (y.reported === null ? '—' : ''),
          review: report ? (report.approved ? '已审定' : '待审定') : '—',
          source: report ? (report.source ?? '未注明') : '—',
        };
      }),
    ),
  };
  const tolerance = figures?.tolerance ?? DEFAULT_INDICATOR_TOLERANCE;
  return {
    title: '主要指标年度监测',
    subtitle: `${scope.cycleId ? `督导周期 ${scope.cycleId}；` : '全部督导周期；'}统计时点：${day(scope.at)}`,
    tables: [overview, yearly],
    charts: metrics.map(trendChart),
    footer: [
      '计划值：自基期值（督导处录入；未录入的以首次报送值代）至规划目标年目标值按年度等分的计划进度。',
      `状态：达到规划目标或不低于当年计划值为绿灯；落后计划值不超过其${Math.round(tolerance * 1000) / 10}%为黄灯；超过为红灯（“≤”类目标方向相反）。`,
      '报送值为各年度最近一次报送的数值；“待审定”表示督导处尚未审核通过。',
    ],
  };
}

function trendChart(m: IndicatorMetric): Chart {
  return {
    kind: 'trend',
    title: `${m.itemId} ${m.target.metric}`,
    unit: m.target.unit,
    target: m.target.value,
    points: m.track.years.map((y) => ({
      year: y.year,
      planned: y.planned,
      reported: y.reported,
      rag: y.verdict?.rag ?? null,
    })),
  };
}

import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { PlanItem } from '../domain/plan';
import type { ProjectCommand } from '../domain/commands';
import { planSpan, type YearValue } from '../domain/indicator-trajectory';
import { loadPlanVersion } from '../seeds/import';
import { dataSourceOf } from '../domain/yearly-items';
import { ApiError } from './errors';

/**
 * 主要指标: the baselines the office records (where each metric's plan line starts), and the 数据来源
 * every reported indicator value must name.
 */

export interface BaselineInput {
  /** The indicator's item id (1.1 …). */
  itemId: string;
  /** The metric's name as the plan states it, or its number (from 1) in the item's targets. */
  metric: string;
  /** Default: the year before the plan's first (十三五: 2015). */
  year?: number;
  value: number;
  source?: string;
  planId?: number;
}

export interface BaselineRow {
  planId: number;
  itemId: string;
  title: string;
  metric: string;
  unit: string;
  year: number;
  value: number;
  source: string;
  recordedBy: string;
  recordedAt: string;
}

const indicatorsOf = (items: readonly PlanItem[]) => items.filter((i) => i.kind === 'indicator');

/** The indicator and metric a baseline names, or a Chinese error that lists what there is. */
function resolveMetric(items: readonly PlanItem[], itemId: string, metric: string) {
  const indicators = indicatorsOf(items);
  const item = indicators.find((i) => i.id === itemId);
  if (!item)
    throw new Error(
      `规划中没有主要指标“${itemId}”。主要指标编号：${indicators.map((i) => i.id).join('、') || '（无）'}`,
    );
  const byNumber = /^\d+$/.test(metric) ? item.targets[Number(metric) - 1] : undefined;
  const target = byNumber ?? item.targets.find((t) => t.metric === metric);
  if (!target)
    throw new Error(
      `指标 ${itemId} 没有“${metric}”这一项。可用序号或名称：${item.targets.map((t, i) => `${i + 1}=${t.metric}`).join('；')}`,
    );
  return { item, target };
}

/**
 * Records a metric's baseline. Recording the same value, year and source again changes nothing
 * (`changed: false`); a different one replaces it.
 */
export async function setBaseline(
  db: Kysely<Database>,
  input: BaselineInput,
  recordedBy: string,
): Promise<{ changed: boolean; row: BaselineRow }> {
  if (!Number.isFinite(input.value)) throw new Error('基期值应为数字，例如 --value 85.5');
  const { planId, plan } = await loadPlanVersion(db, input.planId);
  const { item, target } = resolveMetric(plan.items, input.itemId, input.metric);
  const span = planSpan(plan.items);
  const year = input.year ?? (span ? span.firstYear - 1 : undefined);
  if (year === undefined) throw new Error('规划未写明年份，请用 --year 指明基期年份');
  if (span && year >= span.lastYear)
    throw new Error(
      `基期年份 ${year} 不早于规划目标年 ${span.lastYear}，请给出规划开始前的年份（如 ${span.firstYear - 1}）`,
    );
  const source = input.source?.trim() || '督导处录入';
  const key = { plan_id: planId, item_id: item.id, metric: target.metric };
  const changed = await db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('indicator_baselines')
      .selectAll()
      .where('plan_id', '=', planId)
      .where('item_id', '=', item.id)
      .where('metric', '=', target.metric)
      .forUpdate()
      .executeTakeFirst();
    if (existing && existing.year === year && existing.value === input.value && existing.source === source)
      return false;
    await trx
      .insertInto('indicator_baselines')
      .values({ ...key, year, value: input.value, source, recorded_by: recordedBy })
      .onConflict((oc) =>
        oc.columns(['plan_id', 'item_id', 'metric']).doUpdateSet({
          year,
          value: input.value,
          source,
          recorded_by: recordedBy,
          recorded_at: new Date().toISOString(),
        }),
      )
      .execute();
    return true;
  });
  const row = (await listBaselines(db, planId)).find(
    (r) => r.itemId === item.id && r.metric === target.metric,
  )!;
  return { changed, row };
}

/** Every recorded baseline of a plan (the newest plan when none is named), with the metric's unit. */
export async function listBaselines(db: Kysely<Database>, planId?: number): Promise<BaselineRow[]> {
  const loaded = await loadPlanVersion(db, planId);
  const rows = await db
    .selectFrom('indicator_baselines')
    .selectAll()
    .where('plan_id', '=', loaded.planId)
    .orderBy('item_id')
    .orderBy('metric')
    .execute();
  return rows.map((r) => {
    const item = loaded.plan.items.find((i) => i.id === r.item_id);
    return {
      planId: r.plan_id,
      itemId: r.item_id,
      title: item?.title ?? '',
      metric: r.metric,
      unit: item?.targets.find((t) => t.metric === r.metric)?.unit ?? '',
      year: r.year,
      value: r.value,
      source: r.source,
      recordedBy: r.recorded_by,
      recordedAt: new Date(r.recorded_at).toISOString(),
    };
  });
}

/** A plan's baselines as the cycle start and the report look them up. */
export async function baselineLookup(
  db: Kysely<Database>,
  planId: number,
): Promise<(itemId: string, metric: string) => YearValue | null> {
  const rows = await db
    .selectFrom('indicator_baselines')
    .select(['item_id', 'metric', 'year', 'value'])
    .where('plan_id', '=', planId)
    .execute();
  return (itemId, metric) => {
    const r = rows.find((x) => x.item_id === itemId && x.metric === metric);
    return r ? { year: r.year, value: r.value } : null;
  };
}

/** A project command as an adapter has it, with or without its actor. */
type SentCommand = { type: ProjectCommand['type']; narrative?: string };

/**
 * A lead unit's report on a 主要指标 must name where its values come from (统计年报, 教育事业统计…):
 * refused before it is sent when its narrative names no 数据来源.
 */
export function requireDataSource(kind: PlanItem['kind'], command: SentCommand): void {
  if (kind !== 'indicator' || command.type !== 'submitReport') return;
  if (!dataSourceOf(command.narrative ?? ''))
    throw new ApiError(
      400,
      'invalid_command',
      '主要指标的年度数值须注明数据来源，请加 --source（网页上填写“数据来源”），例如 2017年教育事业统计年报',
    );
}

/** `requireDataSource` for a project known by its cycle and item, as the read models have it. */
export async function requireDataSourceOf(
  db: Kysely<Database>,
  cycleId: string,
  itemId: string,
  command: SentCommand,
): Promise<void> {
  const project = await db
    .selectFrom('projects')
    .select('kind')
    .where('cycle_id', '=', cycleId)
    .where('item_id', '=', itemId)
    .executeTakeFirst();
  if (project) requireDataSource(project.kind as PlanItem['kind'], command);
}

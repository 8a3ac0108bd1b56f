import { sql } from 'kysely';
import type { Db } from '../db/projections/read-model';
import { INSTRUCTIONS_CYCLE } from '../domain/instruction';
import {
  RECTIFICATIONS_CYCLE,
  isRectificationOverdue,
  isUnrectified,
  rectificationStatusLabel,
  type RectificationStatus,
} from '../domain/rectification';
import { day } from './format';
import type { Chart, Report, ReportTable } from './report';
import type { ReportScope } from './builders';

/**
 * 整改事项沿革: for each plan item, what every cycle made of its milestones, each 整改 round its
 * shortfalls became and how it ended, and where it stands now; per unit, the shortfalls that came
 * back cycle after cycle. Read from the `milestones`/`projects`/`cycles` and `rectifications` models.
 */

export interface LineageFilter {
  itemId?: string;
  unit?: string;
}

/** One milestone of one cycle. */
export interface CycleOutcomeRow {
  cycle_id: string;
  cycle_name: string;
  opens_at: string;
  item_id: string;
  title: string;
  milestone_id: string;
  unit: string;
  status: string;
  outcome: 'met' | 'missed' | 'cancelled' | null;
}

/** One 整改 round. */
export interface RoundRow {
  rectification_id: string;
  origin_cycle_id: string;
  context_cycle_id: string;
  item_id: string;
  title: string;
  milestone_id: string;
  unit: string;
  round: number;
  reasons: string[];
  status: RectificationStatus;
  issued_at: string;
  due_at: string;
  closed_at: string | null;
}

const t = (scope: ReportScope, table: string) => sql.id(scope.schema, table);
const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

async function cycleOutcomes(db: Db, scope: ReportScope, filter: LineageFilter): Promise<CycleOutcomeRow[]> {
  const { rows } = await sql<CycleOutcomeRow & { opens_at: Date }>`
    SELECT m.cycle_id, c.name AS cycle_name, c.opens_at, p.item_id, p.title, m.milestone_id, m.status,
           m.outcome,
           coalesce((SELECT a.unit FROM ${t(scope, 'assignments')} a
                     WHERE a.cycle_id = m.cycle_id AND a.project_id = m.project_id
                       AND a.milestone_id = m.milestone_id AND a.role = 'lead'
                     ORDER BY a.assigned_at DESC LIMIT 1), p.lead_unit) AS unit
    FROM ${t(scope, 'milestones')} m
    JOIN ${t(scope, 'projects')} p ON p.cycle_id = m.cycle_id AND p.project_id = m.project_id
    JOIN ${t(scope, 'cycles')} c ON c.cycle_id = m.cycle_id
    WHERE m.cycle_id NOT IN (${INSTRUCTIONS_CYCLE}, ${RECTIFICATIONS_CYCLE})
      AND ${filter.itemId === undefined ? sql`TRUE` : sql`p.item_id = ${filter.itemId}`}
    ORDER BY p.item_id, c.opens_at, m.cycle_id, m.ordinal`.execute(db);
  return rows
    .map((r) => ({ ...r, opens_at: iso(r.opens_at)! }))
    .filter((r) => filter.unit === undefined || r.unit === filter.unit);
}

async function rounds(db: Db, scope: ReportScope, filter: LineageFilter): Promise<RoundRow[]> {
  const { rows } = await sql<
    Omit<RoundRow, 'issued_at' | 'due_at' | 'closed_at'> & {
      issued_at: Date;
      due_at: Date;
      closed_at: Date | null;
    }
  >`
    SELECT project_id AS rectification_id, origin_cycle_id, context_cycle_id, item_id, title, milestone_id,
           unit, round, reasons, status, issued_at, due_at, closed_at
    FROM ${t(scope, 'rectifications')}
    WHERE cycle_id = ${RECTIFICATIONS_CYCLE}
      AND ${filter.itemId === undefined ? sql`TRUE` : sql`item_id = ${filter.itemId}`}
      AND ${filter.unit === undefined ? sql`TRUE` : sql`unit = ${filter.unit}`}
    ORDER BY item_id, milestone_id, round`.execute(db);
  return rows.map((r) => ({
    ...r,
    issued_at: iso(r.issued_at)!,
    due_at: iso(r.due_at)!,
    closed_at: iso(r.closed_at),
  }));
}

/** Every cycle's milestone outcomes and every 整改 round, as the lineage report reads them. */
export async function lineageFigures(
  db: Db,
  scope: ReportScope,
  filter: LineageFilter = {},
): Promise<{ outcomes: CycleOutcomeRow[]; rounds: RoundRow[] }> {
  const [outcomes, roundRows] = await Promise.all([
    cycleOutcomes(db, scope, filter),
    rounds(db, scope, filter),
  ]);
  return { outcomes, rounds: roundRows };
}

export async function lineageReport(
  db: Db,
  scope: ReportScope & { filter?: LineageFilter },
): Promise<Report> {
  const { outcomes, rounds: roundRows } = await lineageFigures(db, scope, scope.filter ?? {});
  return buildLineageReport(outcomes, roundRows, scope);
}

const outcomeLabel = (r: CycleOutcomeRow): string =>
  r.outcome === 'met'
    ? '达标'
    : r.outcome === 'missed'
      ? '未完成'
      : r.outcome === 'cancelled'
        ? '已撤销'
        : '进行中';

/** A round as the report reads it at plan time `at`: open past its deadline is 逾期未整改. */
export const roundLabel = (r: RoundRow, at: string): string =>
  r.status !== 'missed' && isRectificationOverdue(r, at)
    ? rectificationStatusLabel.missed
    : rectificationStatusLabel[r.status];

/** The report as rendered: per item its cycles and rounds, per unit its repeat shortfalls. Pure. */
export function buildLineageReport(
  outcomes: readonly CycleOutcomeRow[],
  roundRows: readonly RoundRow[],
  scope: ReportScope,
): Report {
  const { at } = scope;
  const items = [...new Set([...outcomes.map((o) => o.item_id), ...roundRows.map((r) => r.item_id)])].sort();
  const titleOf = (id: string) =>
    outcomes.find((o) => o.item_id === id)?.title ?? roundRows.find((r) => r.item_id === id)?.title ?? '';
  const roundOf = (o: CycleOutcomeRow) =>
    roundRows.find(
      (r) => r.round === 1 && r.origin_cycle_id === o.cycle_id && r.milestone_id === o.milestone_id,
    );
  const outcomesTable: ReportTable = {
    title: '各周期节点结果',
    columns: [
      { key: 'itemId', label: '事项' },
      { key: 'title', label: '名称' },
      { key: 'cycle', label: '督导周期' },
      { key: 'milestone', label: '节点' },
      { key: 'unit', label: '责任单位' },
      { key: 'outcome', label: '结果' },
      { key: 'rectification', label: '整改' },
    ],
    rows: outcomes.map((o) => ({
      itemId: o.item_id,
      title: o.title,
      cycle: o.cycle_name,
      milestone: o.milestone_id,
      unit: o.unit,
      outcome: outcomeLabel(o),
      rectification: roundOf(o)?.rectification_id ?? '—',
    })),
  };
  const roundsTable: ReportTable = {
    title: '整改轮次',
    columns: [
      { key: 'itemId', label: '事项' },
      { key: 'milestone', label: '节点' },
      { key: 'round', label: '轮次', numeric: true },
      { key: 'rectificationId', label: '整改编号' },
      { key: 'cycle', label: '所在周期' },
      { key: 'unit', label: '责任单位' },
      { key: 'reasons', label: '整改原因' },
      { key: 'due', label: '整改期限' },
      { key: 'status', label: '结果' },
    ],
    rows: roundRows.map((r) => ({
      itemId: r.item_id,
      milestone: r.milestone_id,
      round: r.round,
      rectificationId: r.rectification_id,
      cycle: r.context_cycle_id,
      unit: r.unit,
      reasons: r.reasons.join('；'),
      due: day(r.due_at),
      status: roundLabel(r, at),
    })),
  };
  const nowTable: ReportTable = {
    title: '事项现状',
    columns: [
      { key: 'itemId', label: '事项' },
      { key: 'title', label: '名称' },
      { key: 'cycles', label: '经历周期', numeric: true },
      { key: 'shortfalls', label: '未达标节点', numeric: true },
      { key: 'rounds', label: '整改轮次', numeric: true },
      { key: 'now', label: '当前状态' },
    ],
    rows: items.map((id) => {
      const its = outcomes.filter((o) => o.item_id === id);
      const itsRounds = roundRows.filter((r) => r.item_id === id);
      const open = itsRounds.filter((r) => isUnrectified(r.status));
      return {
        itemId: id,
        title: titleOf(id),
        cycles: new Set(its.map((o) => o.cycle_id)).size,
        shortfalls: itsRounds.filter((r) => r.round === 1).length,
        rounds: itsRounds.length,
        now:
          open.length > 0
            ? open.map((r) => `${r.milestone_id} 第${r.round}轮${roundLabel(r, at)}`).join('；')
            : itsRounds.length > 0
              ? '整改均已销号或结束'
              : its.some((o) => o.outcome === null)
                ? '进行中'
                : '无整改事项',
      };
    }),
  };
  return {
    title: '整改事项沿革',
    subtitle: `${scope.schema === 'public' ? '' : `（历史快照 ${scope.schema}）`}统计时点：${day(at)}`,
    tables: [nowTable, outcomesTable, roundsTable, unitTable(roundRows, at)],
    charts: items.map((id) => itemTimeline(id, titleOf(id), outcomes, roundRows, at)),
    footer: [
      '说明：未达标节点指周期结束清单所列事项（逾期未报送、逾期报送超过期限、目标未达成、退回次数超过上限、督办升至最高一级）；整改未销号的，下一周期发起时结转为下一轮。',
    ],
  };
}

/** Per unit: shortfalls (first rounds), in how many cycles, items short in two or more, rounds open. */
function unitTable(roundRows: readonly RoundRow[], at: string): ReportTable {
  const units = [...new Set(roundRows.map((r) => r.unit))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
  return {
    title: '各单位跨周期未达标情况',
    columns: [
      { key: 'unit', label: '责任单位' },
      { key: 'shortfalls', label: '未达标节点', numeric: true },
      { key: 'cycles', label: '涉及周期', numeric: true },
      { key: 'repeatItems', label: '连续未达标事项', numeric: true },
      { key: 'openRounds', label: '未销号整改', numeric: true },
      { key: 'overdue', label: '逾期未整改', numeric: true },
    ],
    rows: units.map((unit) => {
      const mine = roundRows.filter((r) => r.unit === unit);
      const first = mine.filter((r) => r.round === 1);
      const cyclesOf = new Map<string, Set<string>>();
      for (const r of first)
        cyclesOf.set(r.item_id, (cyclesOf.get(r.item_id) ?? new Set()).add(r.origin_cycle_id));
      const open = mine.filter((r) => isUnrectified(r.status));
      return {
        unit,
        shortfalls: first.length,
        cycles: new Set(first.map((r) => r.origin_cycle_id)).size,
        repeatItems: [...cyclesOf.values()].filter((c) => c.size > 1).length,
        openRounds: open.length,
        overdue: open.filter((r) => isRectificationOverdue(r, at)).length,
      };
    }),
  };
}

/** An item's story as a row of coloured cells: each cycle's milestones, then each 整改 round. */
function itemTimeline(
  itemId: string,
  title: string,
  outcomes: readonly CycleOutcomeRow[],
  roundRows: readonly RoundRow[],
  at: string,
): Chart {
  const steps = [
    ...outcomes
      .filter((o) => o.item_id === itemId)
      .map((o) => ({
        at: o.opens_at,
        label: `${o.cycle_name} ${o.milestone_id}`,
        rag:
          o.outcome === 'met'
            ? ('green' as const)
            : o.outcome === null
              ? ('amber' as const)
              : ('red' as const),
        note: outcomeLabel(o),
      })),
    ...roundRows
      .filter((r) => r.item_id === itemId)
      .map((r) => ({
        at: r.issued_at,
        label: `整改第${r.round}轮（${r.context_cycle_id}）`,
        rag:
          r.status === 'struck_off'
            ? ('green' as const)
            : isRectificationOverdue(r, at) || r.status === 'carried'
              ? ('red' as const)
              : ('amber' as const),
        note: roundLabel(r, at),
      })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return {
    kind: 'rag-board',
    title: `${itemId} ${title}：沿革`,
    items: steps.map(({ label, rag, note }) => ({ label, rag, note })),
  };
}

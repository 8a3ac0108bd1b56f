import { sql } from 'kysely';
import type { Db } from '../db/projections/read-model';
import type { ProgressPeriodRow } from '../db/projections/progress-periods';
import { day, percent } from './format';
import type { Report, ReportTable } from './report';
import type { ReportScope } from './builders';

/** One 定期反馈 period as the report reads it from the `progress_periods` read model. */
export interface ProgressPeriodReportRow {
  cycle_id: string;
  project_id: string;
  period_id: string;
  label: string;
  unit: string;
  status: ProgressPeriodRow['status'];
  late: boolean | null;
  due_at: string;
  reported_at: string | null;
}

export async function progressRows(db: Db, scope: ReportScope): Promise<ProgressPeriodReportRow[]> {
  const { rows } = await sql<
    Omit<ProgressPeriodReportRow, 'due_at' | 'reported_at'> & { due_at: Date; reported_at: Date | null }
  >`
    SELECT cycle_id, project_id, period_id, label, unit, status, late, due_at, reported_at
    FROM ${sql.id(scope.schema, 'progress_periods')}
    WHERE ${scope.cycleId === undefined ? sql`TRUE` : sql`cycle_id = ${scope.cycleId}`}
    ORDER BY due_at, project_id`.execute(db);
  return rows.map((r) => ({
    ...r,
    due_at: new Date(r.due_at).toISOString(),
    reported_at: r.reported_at === null ? null : new Date(r.reported_at).toISOString(),
  }));
}

/** A unit's periods at plan time `at`: what fell due and how each was answered. */
export interface ProgressTally {
  due: number;
  onTime: number;
  late: number;
  missed: number;
  /** Past due, not yet reported, not yet recorded as missed. */
  overdue: number;
}

export function tallyProgress(rows: readonly ProgressPeriodReportRow[], at: string): ProgressTally {
  const t: ProgressTally = { due: 0, onTime: 0, late: 0, missed: 0, overdue: 0 };
  for (const r of rows) {
    const fellDue = Date.parse(r.due_at) < Date.parse(at);
    if (r.status === 'reported') {
      t.due++;
      if (r.late) t.late++;
      else t.onTime++;
    } else if (r.status === 'missed') {
      t.due++;
      t.missed++;
    } else if (r.status === 'open' && fellDue) {
      t.due++;
      t.overdue++;
    }
  }
  return t;
}

const statusLabel = (r: ProgressPeriodReportRow, at: string): string =>
  r.status === 'reported'
    ? r.late
      ? '逾期反馈'
      : '按期反馈'
    : r.status === 'missed'
      ? '未按期反馈'
      : r.status === 'waived'
        ? '免报（项目已办结或撤销）'
        : Date.parse(r.due_at) < Date.parse(at)
          ? '已逾期待报'
          : '未到期';

/** The report: per unit, then every period that is missed or overdue. Pure. */
export function buildProgressReport(rows: readonly ProgressPeriodReportRow[], scope: ReportScope): Report {
  const { at } = scope;
  const units = new Map<string, ProgressPeriodReportRow[]>();
  for (const r of rows) units.set(r.unit, [...(units.get(r.unit) ?? []), r]);
  const byUnit: ReportTable = {
    title: '各单位定期反馈情况',
    columns: [
      { key: 'unit', label: '责任单位' },
      { key: 'due', label: '应反馈期次', numeric: true },
      { key: 'onTime', label: '按期反馈', numeric: true },
      { key: 'late', label: '逾期反馈', numeric: true },
      { key: 'missed', label: '未按期反馈', numeric: true },
      { key: 'overdue', label: '已逾期待报', numeric: true },
      { key: 'rate', label: '按期反馈率', numeric: true },
    ],
    rows: [...units]
      .sort(([a], [b]) => a.localeCompare(b, 'zh-CN'))
      .map(([unit, list]) => {
        const t = tallyProgress(list, at);
        return { unit, ...t, rate: percent(t.onTime, t.due) };
      }),
  };
  const lapses = rows.filter(
    (r) => r.status === 'missed' || (r.status === 'open' && Date.parse(r.due_at) < Date.parse(at)),
  );
  return {
    title: '定期反馈情况',
    subtitle: `${scope.cycleId ? `督导周期 ${scope.cycleId}，` : ''}统计时点：${day(at)}`,
    tables: [
      byUnit,
      {
        title: '未按期反馈及逾期待报',
        columns: [
          { key: 'project_id', label: '项目' },
          { key: 'label', label: '期次' },
          { key: 'unit', label: '责任单位' },
          { key: 'due', label: '反馈期限' },
          { key: 'status', label: '状态' },
        ],
        rows: lapses.map((r) => ({
          project_id: r.project_id,
          label: r.label,
          unit: r.unit,
          due: day(r.due_at),
          status: statusLabel(r, at),
        })),
      },
    ],
    charts: [],
    footer: [
      '按期反馈率＝按期反馈 ÷ 应反馈期次。期限后报送计为逾期反馈；期限后仍未报送、超过宽限期的计为未按期反馈。',
    ],
  };
}

export async function progressReport(db: Db, scope: ReportScope): Promise<Report> {
  return buildProgressReport(await progressRows(db, scope), scope);
}

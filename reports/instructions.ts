import { sql } from 'kysely';
import type { Db } from '../db/projections/read-model';
import {
  INSTRUCTIONS_CYCLE,
  instructionStatusLabel,
  isOverdue,
  type InstructionStatus,
} from '../domain/instruction';
import { day, percent } from './format';
import type { Chart, Report, ReportTable } from './report';
import type { ReportScope } from './builders';

/** One instruction as the report reads it from the `instructions` read model. */
export interface InstructionReportRow {
  instruction_id: string;
  leader: string;
  issued_on: string;
  text: string;
  unit: string;
  status: InstructionStatus;
  original_due_at: string;
  due_at: string;
  reported_at: string | null;
  closed_at: string | null;
  escalation_level: number;
}

export async function instructionRows(db: Db, scope: ReportScope): Promise<InstructionReportRow[]> {
  const { rows } = await sql<
    Omit<InstructionReportRow, 'original_due_at' | 'due_at' | 'reported_at' | 'closed_at'> & {
      original_due_at: Date;
      due_at: Date;
      reported_at: Date | null;
      closed_at: Date | null;
    }
  >`
    SELECT project_id AS instruction_id, leader, issued_on, text, unit, status, original_due_at, due_at,
           reported_at, closed_at, escalation_level
    FROM ${sql.id(scope.schema, 'instructions')}
    WHERE cycle_id = ${INSTRUCTIONS_CYCLE}
    ORDER BY issued_on, project_id`.execute(db);
  const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());
  return rows.map((r) => ({
    ...r,
    original_due_at: iso(r.original_due_at)!,
    due_at: iso(r.due_at)!,
    reported_at: iso(r.reported_at),
    closed_at: iso(r.closed_at),
  }));
}

/** Counts of one group of instructions at plan time `at` (办结 = reply approved by 督导处). */
export interface InstructionTally {
  received: number;
  inProgress: number;
  done: number;
  overdue: number;
  cancelled: number;
}

export function tallyInstructions(rows: readonly InstructionReportRow[], at: string): InstructionTally {
  const tally: InstructionTally = { received: 0, inProgress: 0, done: 0, overdue: 0, cancelled: 0 };
  for (const r of rows) {
    tally.received++;
    if (r.status === 'done') tally.done++;
    else if (r.status === 'cancelled') tally.cancelled++;
    else if (r.status !== 'missed') tally.inProgress++;
    if (isOverdue(r, at)) tally.overdue++;
  }
  return tally;
}

/** 办结率 counts what could be done: withdrawn instructions are left out. */
const doneRate = (t: InstructionTally): string => percent(t.done, t.received - t.cancelled);

const TALLY_COLUMNS = [
  { key: 'received', label: '收到批示', numeric: true },
  { key: 'inProgress', label: '办理中', numeric: true },
  { key: 'done', label: '已办结', numeric: true },
  { key: 'overdue', label: '逾期', numeric: true },
  { key: 'cancelled', label: '已撤销', numeric: true },
  { key: 'rate', label: '办结率', numeric: true },
];

function groupTable(
  title: string,
  label: string,
  rows: readonly InstructionReportRow[],
  keyOf: (r: InstructionReportRow) => string,
  at: string,
): ReportTable {
  const groups = new Map<string, InstructionReportRow[]>();
  for (const r of rows) groups.set(keyOf(r), [...(groups.get(keyOf(r)) ?? []), r]);
  return {
    title,
    columns: [{ key: 'group', label }, ...TALLY_COLUMNS],
    rows: [...groups]
      .sort(([a], [b]) => a.localeCompare(b, 'zh-CN'))
      .map(([group, list]) => {
        const t = tallyInstructions(list, at);
        return { group, ...t, rate: doneRate(t) };
      }),
  };
}

/** The report as rendered: totals, per leader, per unit, and every instruction. Pure. */
export function buildInstructionsReport(rows: readonly InstructionReportRow[], scope: ReportScope): Report {
  const { at } = scope;
  const total = tallyInstructions(rows, at);
  const byUnit = groupTable('按责任单位', '责任单位', rows, (r) => r.unit, at);
  const chart: Chart = {
    kind: 'bars',
    title: '各责任单位批示办结率',
    unit: '%',
    items: byUnit.rows.map((r) => {
      const open = Number(r.received) - Number(r.cancelled);
      return {
        label: String(r.group),
        value: open === 0 ? 0 : Math.round((1000 * Number(r.done)) / open) / 10,
        max: 100,
        note: `${r.done}/${open}`,
      };
    }),
  };
  return {
    title: '领导批示办理情况',
    subtitle: `${scope.schema === 'public' ? '' : `（历史快照 ${scope.schema}）`}统计时点：${day(at)}`,
    tables: [
      { title: '总体情况', columns: TALLY_COLUMNS, rows: [{ ...total, rate: doneRate(total) }] },
      groupTable('按批示领导', '批示领导', rows, (r) => r.leader, at),
      byUnit,
      {
        title: '批示明细',
        columns: [
          { key: 'id', label: '批示编号' },
          { key: 'leader', label: '批示领导' },
          { key: 'issued', label: '批示日期' },
          { key: 'text', label: '批示内容' },
          { key: 'unit', label: '责任单位' },
          { key: 'due', label: '办理期限' },
          { key: 'status', label: '办理状态' },
          { key: 'overdue', label: '是否逾期' },
          { key: 'reported', label: '报送日期' },
          { key: 'closed', label: '办结日期' },
          { key: 'level', label: '督办级别', numeric: true },
        ],
        rows: rows.map((r) => ({
          id: r.instruction_id,
          leader: r.leader,
          issued: r.issued_on,
          text: r.text.length > 40 ? `${r.text.slice(0, 40)}…` : r.text,
          unit: r.unit,
          due:
            r.due_at === r.original_due_at
              ? day(r.due_at)
              : `${day(r.due_at)}（原定 ${day(r.original_due_at)}）`,
          status: instructionStatusLabel[r.status],
          overdue: isOverdue(r, at) ? '是' : '否',
          reported: day(r.reported_at) ?? '—',
          closed: r.status === 'done' ? day(r.closed_at) : '—',
          level: r.escalation_level,
        })),
      },
    ],
    charts: rows.length ? [chart] : [],
    footer: [
      '办结：责任单位报送办理情况并经督导处审核通过。逾期：超过办理期限（含批准延期）仍未办结，或期满后未办结即关闭。',
      '办结率＝已办结 ÷（收到批示 − 已撤销）。',
    ],
  };
}

export async function instructionsReport(db: Db, scope: ReportScope): Promise<Report> {
  return buildInstructionsReport(await instructionRows(db, scope), scope);
}

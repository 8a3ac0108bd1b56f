/**
 * The parts of the 考核 通报 that the rules shape: the cycle's rules read from its start, the ranking
 * table and each unit's deductions itemised. Shared by the report (CSV/XLSX/HTML) and the Word 通报.
 */
import { sql } from 'kysely';
import { AssessmentRules } from '../domain/assessment-rules';
import type { Db } from '../db/projections/read-model';
import { deductionText, type UnitAssessment } from './assessment';
import { percent } from './format';
import type { Cell, ReportTable } from './report';

/**
 * The cycle's 考核计分办法 as it was started with (the CycleStarted event's policy); the defaults for a cycle
 * started before the rules were part of its policy. The rules never change within a cycle, so the log's first
 * word on them is the answer for every as-of time.
 */
export async function cycleAssessmentRules(db: Db, cycleId: string): Promise<AssessmentRules> {
  const { rows } = await sql<{ rules: unknown }>`
    SELECT payload->'policy'->'assessment' AS rules FROM events
    WHERE cycle_id = ${cycleId} AND type = 'CycleStarted'
    ORDER BY position LIMIT 1`.execute(db);
  return AssessmentRules.parse(rows[0]?.rules ?? {});
}

export function rankingTable(ranked: readonly UnitAssessment[]): ReportTable {
  return {
    title: '考核排名',
    columns: [
      { key: 'rank', label: '名次', numeric: true },
      { key: 'unit', label: '责任单位' },
      { key: 'score', label: '得分', numeric: true },
      { key: 'grade', label: '等次' },
      { key: 'rate', label: '按时报送率', numeric: true },
      { key: 'late', label: '逾期件数', numeric: true },
      { key: 'returns', label: '退回次数', numeric: true },
      { key: 'escalation_levels', label: '督办级数', numeric: true },
      { key: 'periods_missed', label: '定期反馈未报', numeric: true },
      { key: 'targets_met', label: '目标达标数', numeric: true },
      { key: 'targets_missed', label: '目标未达标数', numeric: true },
    ],
    rows: ranked.map((u) => ({
      rank: u.rank,
      unit: u.unit,
      score: u.score,
      grade: u.grade,
      rate: percent(u.on_time, u.submitted + u.overdue_unsubmitted),
      late: u.late + u.overdue_unsubmitted,
      returns: u.returns,
      escalation_levels: u.escalation_levels,
      periods_missed: u.periods_missed,
      targets_met: u.targets_met,
      targets_missed: u.targetsMissed,
    })),
  };
}

/** One row per deduction (and bonus) of each unit, in ranking order; a unit with none says so. */
export function deductionsTable(ranked: readonly UnitAssessment[], base: number): ReportTable {
  return {
    title: '扣分明细',
    columns: [
      { key: 'unit', label: '责任单位' },
      { key: 'item', label: '扣分（加分）事项' },
      { key: 'count', label: '数量', numeric: true },
      { key: 'points', label: '分值', numeric: true },
    ],
    rows: ranked.flatMap((u): Record<string, Cell>[] =>
      u.deductions.length === 0
        ? [{ unit: u.unit, item: `无扣分，得基础分${base}分`, count: null, points: 0 }]
        : u.deductions.map((d) => ({ unit: u.unit, item: d.label, count: d.count, points: -d.points })),
    ),
  };
}

/** A unit's deductions in one line, for the 通报's lists: 逾期报送或逾期未报2项，扣10分；…. */
export const deductionsLine = (u: UnitAssessment): string =>
  u.deductions.length === 0 ? '无扣分' : u.deductions.map(deductionText).join('；');

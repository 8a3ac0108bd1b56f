import { defaultAssessmentRules, type AssessmentRules } from '../domain/assessment-rules';
import type { UnitScoreRow } from './queries';

/**
 * 考核计分办法, applied per unit over a cycle by the cycle's own rules (`CyclePolicy.assessment`): start
 * from the base; lose points for each assignment reported late against the cycle's scoring baseline (按原定
 * 时间 or the extended deadline) or still unreported past it, each 退回重办, each 督办 level reached, each
 * 目标值 judged missed and each 整改 not done in time; gain points for each 目标值 judged met. Units are
 * ranked by score, then on-time rate, then name. Every deduction is itemised so a unit can check its score.
 */

/** What a unit lost its points for, by rule; `points` is what the item cost (a gain is negative). */
export interface Deduction {
  rule:
    'late' | 'return' | 'escalation' | 'targetMissed' | 'periodMissed' | 'rectificationOverdue' | 'targetMet';
  label: string;
  count: number;
  points: number;
}

export interface UnitAssessment extends UnitScoreRow {
  rank: number;
  score: number;
  onTimeRate: number | null;
  grade: '好' | '较好' | '一般' | '差';
  deductions: Deduction[];
  targetsMissed: number;
}

/** 整改 records overdue per unit; none until the cycle has 整改. */
export type RectificationsOverdue = ReadonlyMap<string, number>;

export function deductionsOf(
  u: UnitScoreRow,
  rules: AssessmentRules,
  rectificationsOverdue = 0,
): Deduction[] {
  const items: Deduction[] = [
    { rule: 'late', label: '逾期报送或逾期未报', count: u.late + u.overdue_unsubmitted, points: rules.late },
    { rule: 'return', label: '退回重办', count: u.returns, points: rules.return },
    {
      rule: 'escalation',
      label: '督办升级',
      count: u.escalation_levels,
      points: rules.escalationLevel,
    },
    { rule: 'targetMissed', label: '目标值未达标', count: targetsMissed(u), points: rules.targetMissed },
    { rule: 'periodMissed', label: '定期反馈逾期未报', count: u.periods_missed, points: rules.periodMissed },
    {
      rule: 'rectificationOverdue',
      label: '整改逾期未完成',
      count: rectificationsOverdue,
      points: rules.rectificationOverdue,
    },
    { rule: 'targetMet', label: '目标值达标（加分）', count: u.targets_met, points: -rules.targetMet },
  ];
  return items.filter((d) => d.count > 0).map((d) => ({ ...d, points: d.points * d.count }));
}

const targetsMissed = (u: UnitScoreRow): number => Math.max(0, u.targets_total - u.targets_met);

export const onTimeRate = (u: UnitScoreRow): number | null => {
  const due = u.submitted + u.overdue_unsubmitted;
  return due === 0 ? null : u.on_time / due;
};

export const gradeOf = (score: number, rules: AssessmentRules): UnitAssessment['grade'] =>
  score >= rules.grades.good
    ? '好'
    : score >= rules.grades.fair
      ? '较好'
      : score >= rules.grades.pass
        ? '一般'
        : '差';

export function assessUnits(
  units: readonly UnitScoreRow[],
  rules = defaultAssessmentRules(),
  rectificationsOverdue: RectificationsOverdue = new Map(),
): UnitAssessment[] {
  const scored = units.map((u) => {
    const deductions = deductionsOf(u, rules, rectificationsOverdue.get(u.unit) ?? 0);
    const score = deductions.reduce((s, d) => s - d.points, rules.base);
    return { ...u, score, deductions, targetsMissed: targetsMissed(u), onTimeRate: onTimeRate(u) };
  });
  scored.sort(
    (a, b) =>
      b.score - a.score ||
      (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1) ||
      a.unit.localeCompare(b.unit, 'zh-CN'),
  );
  return scored.map((u, i) => ({ ...u, rank: i + 1, grade: gradeOf(u.score, rules) }));
}

/** A deduction as a unit reads it: 逾期报送或逾期未报2件，扣10分. */
export const deductionText = (d: Deduction): string =>
  d.points < 0
    ? `${d.label}${d.count}项，加${-d.points}分`
    : `${d.label}${d.count}${d.rule === 'escalation' ? '级' : '项'}，扣${d.points}分`;

export const scoringPolicyText = (
  baseline: 'original' | 'operational',
  rules = defaultAssessmentRules(),
): string[] => [
  `计分办法：基础分${rules.base}分；每件逾期报送或逾期未报送扣${rules.late}分（考核基准：${
    baseline === 'original' ? '按原定期限' : '按批准延期后的期限'
  }）；每退回重办一次扣${rules.return}分；每升级一级督办扣${rules.escalationLevel}分；每个目标值经审定未达标扣${
    rules.targetMissed
  }分；每期定期反馈逾期未报扣${rules.periodMissed}分；每项整改逾期未完成扣${rules.rectificationOverdue}分；每个目标值经审定达标加${rules.targetMet}分。`,
  `按得分由高到低排名，得分相同按按时报送率、再按单位名称排序。得分${rules.grades.good}分及以上为“好”，${rules.grades.fair}分至${rules.grades.good}分为“较好”，${rules.grades.pass}分至${rules.grades.fair}分为“一般”，${rules.grades.pass}分以下为“差”并予通报批评。`,
];

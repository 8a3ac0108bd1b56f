import type { UnitScoreRow } from './queries';

/**
 * 考核计分办法 (the scoring policy of the unit assessment), applied per unit over a cycle:
 * start from BASE; lose LATE for each assignment reported late against the cycle's scoring
 * baseline (按原定时间 or the extended deadline) or still unreported past it; lose RETURN for
 * each 退回重办; lose ESCALATION for each 督办 level reached on an assignment; gain TARGET for each
 * 目标值 judged met. Units are ranked by score, then on-time rate, then name.
 */
export const SCORING = { base: 100, late: 5, return: 3, escalationLevel: 2, targetMet: 2 } as const;

export const scoringPolicyText = (baseline: 'original' | 'operational'): string[] => [
  `计分办法：基础分${SCORING.base}分；每件逾期报送或逾期未报送扣${SCORING.late}分（考核基准：${
    baseline === 'original' ? '按原定期限' : '按批准延期后的期限'
  }）；每退回重办一次扣${SCORING.return}分；每升级一级督办扣${SCORING.escalationLevel}分；每个目标值经审定达标加${SCORING.targetMet}分。`,
  '按得分由高到低排名，得分相同按按时报送率、再按单位名称排序。得分90分及以上为“好”，75分至90分为“较好”，60分至75分为“一般”，60分以下为“差”并予通报批评。',
];

export interface UnitAssessment extends UnitScoreRow {
  rank: number;
  score: number;
  onTimeRate: number | null;
  grade: '好' | '较好' | '一般' | '差';
}

export function scoreUnit(u: UnitScoreRow): number {
  return (
    SCORING.base -
    SCORING.late * (u.late + u.overdue_unsubmitted) -
    SCORING.return * u.returns -
    SCORING.escalationLevel * u.escalation_levels +
    SCORING.targetMet * u.targets_met
  );
}

export const onTimeRate = (u: UnitScoreRow): number | null => {
  const due = u.submitted + u.overdue_unsubmitted;
  return due === 0 ? null : u.on_time / due;
};

const gradeOf = (score: number): UnitAssessment['grade'] =>
  score >= 90 ? '好' : score >= 75 ? '较好' : score >= 60 ? '一般' : '差';

export function assessUnits(units: readonly UnitScoreRow[]): UnitAssessment[] {
  const scored = units.map((u) => ({ ...u, score: scoreUnit(u), onTimeRate: onTimeRate(u) }));
  scored.sort(
    (a, b) =>
      b.score - a.score ||
      (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1) ||
      a.unit.localeCompare(b.unit, 'zh-CN'),
  );
  return scored.map((u, i) => ({ ...u, rank: i + 1, grade: gradeOf(u.score) }));
}

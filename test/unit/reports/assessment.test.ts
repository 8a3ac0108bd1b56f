/**
 * 考核 scoring (issue 15, item 5): a missed target costs points. Before the rules became part of the
 * cycle policy, a unit whose only project was red for a missed target ranked first: nothing it did was
 * late, returned or escalated, and the miss itself cost nothing.
 */
import { AssessmentRules, defaultAssessmentRules } from '../../../domain/assessment-rules';
import { CyclePolicy } from '../../../domain/policy';
import { assessUnits, deductionText, scoringPolicyText } from '../../../reports/assessment';
import type { UnitScoreRow } from '../../../reports/queries';

const row = (unit: string, patch: Partial<UnitScoreRow> = {}): UnitScoreRow => ({
  unit,
  assignments: 1,
  submitted: 1,
  on_time: 1,
  late: 0,
  overdue_unsubmitted: 0,
  returns: 0,
  escalations: 0,
  escalation_levels: 0,
  targets_met: 0,
  targets_total: 0,
  periods_missed: 0,
  ...patch,
});

describe('the unit assessment', () => {
  // 甲处 owns the only red project: on time, never returned or escalated, but short of its one target.
  const units = [
    row('甲处', { targets_total: 1, targets_met: 0 }),
    row('乙处', { returns: 1, targets_total: 1, targets_met: 1 }),
    row('丙处'),
  ];

  it('ranks the unit that missed its target below the units that did not', () => {
    const ranked = assessUnits(units);
    expect(ranked.map((u) => u.unit)).toEqual(['丙处', '乙处', '甲处']);
    expect(ranked.find((u) => u.unit === '甲处')!.score).toBeLessThan(100);
  });
});

describe('the assessment rules of the cycle policy', () => {
  it('are optional: a policy recorded before them parses, and is scored by the defaults', () => {
    const old = CyclePolicy.parse({ maxReturns: 2, scoringBaseline: 'original' });
    expect(old.assessment).toBeUndefined();
    expect(AssessmentRules.parse(old.assessment ?? {})).toEqual(defaultAssessmentRules());
    expect(defaultAssessmentRules()).toMatchObject({
      base: 100,
      late: 5,
      targetMissed: 5,
      rectificationOverdue: 5,
    });
  });

  it('score, grade and itemise each unit by the office’s weights and thresholds', () => {
    const rules = AssessmentRules.parse({
      targetMissed: 20,
      escalationLevel: 4,
      grades: { good: 95, fair: 85 },
    });
    const unit = row('甲处', { late: 1, escalation_levels: 3, targets_total: 2, targets_met: 1 });
    const [assessed] = assessUnits([unit], rules);
    expect(assessed!.deductions).toEqual([
      { rule: 'late', label: '逾期报送或逾期未报', count: 1, points: 5 },
      { rule: 'escalation', label: '督办升级', count: 3, points: 12 },
      { rule: 'targetMissed', label: '目标值未达标', count: 1, points: 20 },
      { rule: 'targetMet', label: '目标值达标（加分）', count: 1, points: -2 },
    ]);
    expect(assessed!.score).toBe(100 - 5 - 12 - 20 + 2);
    expect(assessed!.grade).toBe('一般');
    expect(assessed!.deductions.map(deductionText)).toEqual([
      '逾期报送或逾期未报1项，扣5分',
      '督办升级3级，扣12分',
      '目标值未达标1项，扣20分',
      '目标值达标（加分）1项，加2分',
    ]);
    expect(scoringPolicyText('original', rules).join('')).toMatch(/未达标扣20分.*95分及以上为“好”/);
  });

  it('counts 整改 not done in time once the cycle has them', () => {
    const [assessed] = assessUnits([row('甲处')], defaultAssessmentRules(), new Map([['甲处', 2]]));
    expect(assessed!.score).toBe(90);
    expect(assessed!.deductions).toEqual([
      { rule: 'rectificationOverdue', label: '整改逾期未完成', count: 2, points: 10 },
    ]);
  });

  it('refuses grade thresholds out of order', () => {
    expect(AssessmentRules.safeParse({ grades: { good: 60, fair: 75, pass: 90 } }).success).toBe(false);
  });
});

describe('定期反馈 in the assessment (issue 17, item 3)', () => {
  it('costs a unit each period it let pass unreported, itemised', () => {
    const [first, second] = assessUnits([row('甲处', { periods_missed: 2 }), row('乙处')]);
    expect(first!.unit).toBe('乙处');
    expect(second).toMatchObject({ unit: '甲处', score: 96 });
    expect(second!.deductions.map(deductionText)).toEqual(['定期反馈逾期未报2项，扣4分']);
    expect(scoringPolicyText('original').join('')).toContain('每期定期反馈逾期未报扣2分');
  });
});

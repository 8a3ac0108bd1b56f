import { defaultPolicy } from '../../../domain/policy';
import {
  carriedIdOf,
  isRectificationOverdue,
  planRectification,
  rectificationDeadline,
  rectificationIdOf,
  shortfallReasons,
  shortfallsOf,
  type CloseOutRules,
  type MilestoneOutcome,
} from '../../../domain/rectification';

const rules: CloseOutRules = { lateDays: 15, maxReturns: 2, topEscalationLevel: 3 };
const asOf = '2018-01-31T15:59:59.000Z';
const due = '2017-12-29T15:59:59.000Z';
const target = { metric: '普惠性幼儿园覆盖面', op: '>=' as const, value: 80, unit: '%', year: 2017 };
const outcome = (over: Partial<MilestoneOutcome> = {}): MilestoneOutcome => ({
  cycleId: 'c2017',
  itemId: '2.1.4.1',
  title: '持续推进学前教育行动计划',
  milestoneId: '2.1.4.1/2017',
  milestoneText: '普惠性幼儿园覆盖面达到80%以上',
  unit: '基教处',
  outcome: 'met',
  originalDueAt: due,
  firstReportedAt: '2017-12-20T02:00:00.000Z',
  returns: 0,
  escalationLevel: 0,
  targets: [{ ...target, reported: 85, met: true }],
  ...over,
});
const daysAfterDue = (days: number) => new Date(Date.parse(due) + days * 86_400_000).toISOString();

describe('the close-out shortfall rule', () => {
  it('finds nothing short in a milestone reported on time and met', () => {
    expect(shortfallReasons(outcome(), rules, asOf)).toEqual([]);
  });

  it('lists an unsubmitted milestone once it is past due, not before', () => {
    const silent = outcome({
      firstReportedAt: null,
      outcome: 'missed',
      targets: [{ ...target, reported: null, met: null }],
    });
    expect(shortfallReasons(silent, rules, asOf)).toEqual(['逾期未报送（原定期限 2017-12-29）']);
    expect(shortfallReasons({ ...silent, outcome: null }, rules, '2017-06-01T00:00:00.000Z')).toEqual([]);
  });

  it('lists a report late by the threshold or more, not one late by less', () => {
    expect(shortfallReasons(outcome({ firstReportedAt: daysAfterDue(14.9) }), rules, asOf)).toEqual([]);
    expect(shortfallReasons(outcome({ firstReportedAt: daysAfterDue(15) }), rules, asOf)).toEqual([
      '逾期15天报送（超过15天）',
    ]);
    expect(
      shortfallReasons(outcome({ firstReportedAt: daysAfterDue(20) }), { ...rules, lateDays: 30 }, asOf),
    ).toEqual([]);
  });

  it('names each target missed with its reported and target values', () => {
    const short = outcome({ outcome: 'missed', targets: [{ ...target, reported: 60, met: false }] });
    expect(shortfallReasons(short, rules, asOf)).toEqual(['目标未达成：普惠性幼儿园覆盖面实际60%，目标≥80%']);
    // Judged missed at review without a target to name.
    expect(shortfallReasons(outcome({ outcome: 'missed', targets: [] }), rules, asOf)).toEqual([
      '经审定未完成节点目标',
    ]);
  });

  it('lists more returns than the policy allows, and a 督办 at the top of the ladder', () => {
    expect(shortfallReasons(outcome({ returns: 2 }), rules, asOf)).toEqual([]);
    expect(shortfallReasons(outcome({ returns: 3 }), rules, asOf)).toEqual(['退回重办3次（超过2次）']);
    expect(shortfallReasons(outcome({ escalationLevel: 2 }), rules, asOf)).toEqual([]);
    expect(shortfallReasons(outcome({ escalationLevel: 3 }), rules, asOf)).toEqual([
      '督办升至最高一级（第3级）',
    ]);
    expect(
      shortfallReasons(outcome({ escalationLevel: 3 }), { ...rules, topEscalationLevel: 0 }, asOf),
    ).toEqual([]);
  });

  it('never lists a cancelled milestone, and keeps every reason of one that fell short several ways', () => {
    expect(shortfallReasons(outcome({ outcome: 'cancelled', firstReportedAt: null }), rules, asOf)).toEqual(
      [],
    );
    const all = outcome({
      firstReportedAt: daysAfterDue(40),
      outcome: 'missed',
      returns: 4,
      escalationLevel: 3,
      targets: [{ ...target, reported: 70, met: false }],
    });
    expect(shortfallsOf([outcome(), all], rules, asOf).map((s) => s.reasons)).toEqual([
      [
        '逾期40天报送（超过15天）',
        '目标未达成：普惠性幼儿园覆盖面实际70%，目标≥80%',
        '退回重办4次（超过2次）',
        '督办升至最高一级（第3级）',
      ],
    ]);
  });
});

describe('a 整改 as a supervised item', () => {
  const now = '2018-02-01T02:00:00.000Z';
  const record = {
    rectificationId: rectificationIdOf('c2017', '2.1.4.1/2017'),
    originCycleId: 'c2017',
    itemId: '2.1.4.1',
    milestoneId: '2.1.4.1/2017',
    title: '持续推进学前教育行动计划',
    reasons: ['逾期未报送（原定期限 2017-12-29）'],
    unit: '基教处',
    deadlineDay: '2018-06-30',
    round: 1,
    carriedFrom: null,
    contextCycleId: 'c2017',
    documentNumber: null,
  };

  it('has ids without "/" (a reference splits there), and carried rounds named after the first', () => {
    expect(record.rectificationId).toBe('ZG-c2017-2.1.4.1-2017');
    expect(carriedIdOf(record.rectificationId, 2)).toBe('ZG-c2017-2.1.4.1-2017-R2');
    // People read the ids: the cycle's 进展 report is JZ, not an English tag.
    expect(rectificationIdOf('c2017', '2.1.4.1/progress')).toBe('ZG-c2017-2.1.4.1-JZ');
  });

  it('is one milestone for the lead unit, due at the end of the 整改期限 day', () => {
    const plan = planRectification(record, now, defaultPolicy());
    expect(plan.record.deadline).toBe('2018-06-30T15:59:59.000Z');
    expect(plan.started).toMatchObject({
      itemId: 'ZG-c2017-2.1.4.1-2017',
      section: '整改',
      leadUnit: '基教处',
      coUnits: [],
      milestones: [
        { milestoneId: 'ZG-c2017-2.1.4.1-2017/report', dueAt: '2018-06-30T15:59:59.000Z', opensAt: now },
      ],
    });
    expect(Date.parse(plan.closesAt)).toBeGreaterThan(Date.parse(plan.record.deadline));
  });

  it('refuses a deadline that is malformed, does not exist or has passed, in Chinese', () => {
    expect(() => rectificationDeadline('6月30日', now)).toThrow(
      '整改期限“6月30日”格式不正确，应为 YYYY-MM-DD',
    );
    expect(() => rectificationDeadline('2018-02-30', now)).toThrow('整改期限“2018-02-30”不存在');
    expect(() => rectificationDeadline('2018-01-31', now)).toThrow(
      '整改期限 2018-01-31 已过（今天是 2018-02-01）',
    );
  });

  it('is overdue when closed unrectified, or open past its deadline; never once struck off or carried', () => {
    const at = '2018-07-01T00:00:00.000Z';
    const due_at = '2018-06-30T15:59:59.000Z';
    expect(isRectificationOverdue({ status: 'missed', due_at }, '2018-01-01T00:00:00.000Z')).toBe(true);
    expect(isRectificationOverdue({ status: 'in_progress', due_at }, at)).toBe(true);
    expect(isRectificationOverdue({ status: 'in_progress', due_at }, '2018-06-30T00:00:00.000Z')).toBe(false);
    expect(isRectificationOverdue({ status: 'struck_off', due_at }, at)).toBe(false);
    expect(isRectificationOverdue({ status: 'carried', due_at }, at)).toBe(false);
  });
});

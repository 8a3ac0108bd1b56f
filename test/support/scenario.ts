import type { CycleWorkflowInput } from '../../workflows/cycle';
import type { CycleItem } from '../../domain/cycle';
import { defaultPolicy, type CyclePolicy } from '../../domain/policy';
import type { Principal } from '../../domain/principal';

export const inspector: Principal = { userId: 'insp-1', role: 'inspector', unit: '督导处' };
export const unit = (name: string, userId = `${name}-staff`): Principal => ({
  userId,
  role: 'unit_staff',
  unit: name,
});

/** 学前教育行动计划, as the seed plan has it: milestones in 2016, 2017 and 2020. */
export const preschoolPlan: CycleItem = {
  itemId: 'mp-01',
  kind: 'major_project',
  title: '持续推进学前教育行动计划',
  section: '（一）学前教育',
  units: ['基教处', '计财处', '督导处'],
  targets: [{ metric: '普惠性幼儿园覆盖面', op: '>=', value: 80, unit: '%', year: 2017 }],
  milestones: [
    { year: 2016, text: '全面解决无证园问题' },
    { year: 2017, text: '普惠性幼儿园覆盖面达到80%以上' },
    { year: 2020, text: '等级幼儿园覆盖面达到95%以上' },
  ],
};

/**
 * A drill-calendar cycle over 2017 only: one plan year runs `yearSeconds` real seconds, so a
 * deadline is reached in seconds through the same timers a real cycle uses.
 */
export function drillCycle(
  cycleId: string,
  items: CycleItem[],
  yearSeconds: number,
  policy: Partial<CyclePolicy> = {},
): CycleWorkflowInput {
  return {
    cycleId,
    name: '2017年度重大项目专项督导（演练）',
    planId: 'test-plan',
    planVersion: 1,
    scope: { kinds: ['major_project'] },
    window: {
      opensAt: '2016-12-31T16:00:00.000Z',
      submissionDueAt: '2017-12-29T15:59:59.000Z',
      reviewDueAt: '2018-01-31T15:59:59.000Z',
    },
    policy: { ...defaultPolicy(), ...policy },
    drill: { yearSeconds },
    items,
    startedBy: inspector,
  };
}

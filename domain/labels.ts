import type { EscalationTarget } from './policy';

/** Chinese labels users see for code-level enums. */
export const escalationTargetLabel: Record<EscalationTarget, string> = {
  unit_head: '单位负责人',
  division_leader: '分管局领导',
  bureau_notice: '全局通报',
  inspector: '督导处',
};

import type { EscalationTarget } from './policy';

/** Chinese labels users see for code-level enums. */
export const escalationTargetLabel: Record<EscalationTarget, string> = {
  unit_head: '单位负责人',
  division_leader: '分管局领导',
  bureau_notice: '全局通报',
  inspector: '督导处',
};

/** How often a recurring duty comes round: 每年, 每 2 年. */
export const everyYearsText = (everyYears: number): string =>
  everyYears === 1 ? '每年' : `每 ${everyYears} 年`;

/** 红黄绿灯 as words. */
export const ragText = { red: '红灯', amber: '黄灯', green: '绿灯' } as const;

/** A milestone's phase (and a co-unit's `contributed`). */
export const phaseText: Record<string, string> = {
  scheduled: '待交办',
  assigned: '办理中',
  submitted: '待审核',
  returned: '退回重办',
  approved: '已通过',
  closed: '已办结',
  contributed: '已报送配合材料',
};

/** A cycle's status: Temporal's execution status or the cycle workflow's own. */
export const cycleStatusText: Record<string, string> = {
  RUNNING: '进行中',
  COMPLETED: '已结束',
  CANCELLED: '已撤销',
  TERMINATED: '已终止',
  FAILED: '失败',
  running: '进行中',
  closing: '收尾中',
  completed: '已结束',
  cancelled: '已撤销',
};

/** Why a project's workflow is marked stuck on the board and in the inbox (workflow_health). */
/** The mark on a deadline in a year the cycle's office calendar does not cover. */
export const calendarGapText = (year: number): string =>
  `${year} 年工作日历未录入：期限按自然日推算，导入日历后新发起的周期才按工作日计算`;

export const stuckText = {
  task_failing: '流程异常：任务反复失败，数据停在最近一次记录',
  query_failing: '流程异常：无法查询实时状态，数据为最近一次记录',
} as const;

/** A project's lifecycle status as people read it. */
export const projectStatusLabel: Record<'active' | 'suspended' | 'cancelled' | 'closed', string> = {
  active: '督办中',
  suspended: '已暂停',
  cancelled: '已撤销',
  closed: '已办结',
};

/** How a milestone ended (`met` / `missed` against its targets). */
export const outcomeLabel: Record<'met' | 'missed' | 'cancelled', string> = {
  met: '已达标',
  missed: '未达标',
  cancelled: '已撤销',
};

export const extensionStatusLabel: Record<'pending' | 'granted' | 'denied', string> = {
  pending: '待审批',
  granted: '已同意',
  denied: '未同意',
};

/** Where a 办结申请 stands: 销号 (confirmed) or not. */
export const closureStatusLabel: Record<'pending' | 'confirmed' | 'refused', string> = {
  pending: '待审批',
  confirmed: '已销号',
  refused: '未同意',
};

/**
 * A milestone, assignment, extension or closure id (`2.1.4.1/2017`, `…/progress`, `…/co:基教处`,
 * `…/ext-1`, `2.1.4.1/closure-1`) in words: people never read the raw suffixes.
 */
export function milestoneLabel(id: string): string {
  const [itemId, milestone, ...rest] = id.split('/');
  if (!milestone) return id;
  const node =
    milestone === 'progress'
      ? '周期进展报告'
      : /^\d{4}$/.test(milestone)
        ? `${milestone}年度节点`
        : milestone.replace(/^closure-(\d+)$/, '办结申请$1');
  const tail = rest
    .map((part) =>
      part === 'lead'
        ? '牵头'
        : part.startsWith('co:')
          ? `配合（${part.slice(3)}）`
          : part.replace(/^ext-(\d+)$/, '延期申请$1'),
    )
    .join(' · ');
  return `${itemId} ${node}${tail ? ` · ${tail}` : ''}`;
}

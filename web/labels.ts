import type { EventType } from '../domain/events';

export const ragText = { red: '红灯', amber: '黄灯', green: '绿灯' } as const;

export const phaseText: Record<string, string> = {
  scheduled: '待交办',
  assigned: '办理中',
  submitted: '待审核',
  returned: '退回重办',
  approved: '已通过',
  closed: '已办结',
  contributed: '已报送配合材料',
};

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

export const eventText: Record<EventType, string> = {
  CycleStarted: '发起督导周期',
  CycleExtended: '延长督导周期',
  CycleCancelled: '撤销督导周期',
  CycleClosed: '督导周期结束',
  ProjectStarted: '项目开始督办',
  MilestoneOpened: '节点开始',
  AssignmentCreated: '交办',
  AssignmentAcknowledged: '签收',
  AssignmentReassigned: '转办',
  ContributionSubmitted: '报送配合材料',
  ReportSubmitted: '报送节点报告',
  ReportApproved: '审核通过',
  ReportReturned: '退回重办',
  ReminderSent: '催办',
  EscalationRaised: '督办升级',
  ExtensionRequested: '申请延期',
  ExtensionGranted: '同意延期',
  ExtensionDenied: '驳回延期',
  ProjectSuspended: '暂停督办',
  ProjectResumed: '恢复督办',
  ProjectCancelled: '撤销项目',
  MilestoneClosed: '节点办结',
  ProjectClosed: '项目办结',
};

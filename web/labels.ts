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

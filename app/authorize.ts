import type { Principal, Role } from '../domain/principal';
import { roleLabel } from '../domain/principal';
import { forbidden } from './errors';

const UNIT: Role[] = ['unit_staff', 'unit_head'];

/**
 * Which roles may attempt each action. The API checks this first; for project commands the
 * workflow validator then checks the unit and the state again, so neither check is the only one.
 */
export const actionRoles = {
  startCycle: ['inspector'],
  extendCycle: ['inspector'],
  cancelCycle: ['inspector'],
  acknowledge: UNIT,
  submit: UNIT,
  requestExtension: UNIT,
  requestClosure: UNIT,
  uploadEvidence: UNIT,
  // 督导处 reviews plan items and 批示; a unit reviews the sub-assignments it dispatched (多级下发)
  // and nothing else: the workflow's decider judges which unit, as for every unit action.
  approve: ['inspector', ...UNIT],
  return: ['inspector', ...UNIT],
  decideExtension: ['inspector', ...UNIT],
  decideClosure: ['inspector', ...UNIT],
  dispatch: UNIT,
  withdraw: UNIT,
  readDispatch: [...UNIT, 'inspector', 'auditor'],
  reassign: ['inspector'],
  suspendProject: ['inspector'],
  resumeProject: ['inspector'],
  cancelProject: ['inspector'],
  manageAccounts: ['admin'],
  readInbox: [...UNIT, 'inspector'],
  // The administrator may look (read-only) at the board and the audit pages it supports.
  readBoard: ['inspector', 'auditor', 'admin'],
  readTimeline: ['inspector', 'auditor', 'admin'],
  downloadReport: ['inspector', 'auditor'],
  readEvidence: [...UNIT, 'inspector', 'auditor'],
  readPlans: ['inspector', 'auditor', 'admin', ...UNIT],
  importPlan: ['inspector', 'admin'],
  readCycles: ['inspector', 'auditor', 'admin', ...UNIT],
  addInstruction: ['inspector'],
  readInstructions: ['inspector', 'auditor'],
  issueRectifications: ['inspector'],
  readRectifications: ['inspector', 'auditor'],
} satisfies Record<string, Role[]>;
export type Action = keyof typeof actionRoles;

export const actionLabel: Record<Action, string> = {
  startCycle: '发起督导周期',
  extendCycle: '延长督导周期',
  cancelCycle: '撤销督导周期',
  acknowledge: '签收',
  submit: '报送',
  requestExtension: '申请延期',
  requestClosure: '申请办结',
  uploadEvidence: '上传佐证材料',
  approve: '审核通过',
  return: '退回重办',
  decideExtension: '审批延期',
  decideClosure: '销号审批',
  reassign: '转办',
  dispatch: '下发',
  withdraw: '撤回下发',
  readDispatch: '查看下发情况',
  suspendProject: '暂停项目督办',
  resumeProject: '恢复项目督办',
  cancelProject: '撤销项目督办',
  manageAccounts: '管理账号和令牌',
  readInbox: '查看待办',
  readBoard: '查看督导看板',
  readTimeline: '查看审计时间线',
  downloadReport: '下载报表',
  readEvidence: '查看佐证材料',
  readPlans: '查看规划',
  importPlan: '导入规划',
  readCycles: '查看督导周期',
  addInstruction: '登记领导批示',
  readInstructions: '查看领导批示',
  issueRectifications: '下发和结转整改通知',
  readRectifications: '查看周期结束清单和整改事项',
};

export const may = (p: Principal, action: Action): boolean =>
  (actionRoles[action] as readonly Role[]).includes(p.role);

export function requireAction(p: Principal, action: Action): void {
  if (!may(p, action)) throw forbidden(`${roleLabel[p.role]}无权${actionLabel[action]}`);
}

/** A unit role reads only its own unit's work; 督导处 may look at any unit's. */
export function inboxUnit(p: Principal, requested: string | undefined): string {
  requireAction(p, 'readInbox');
  if (p.role === 'inspector') {
    if (!requested) throw forbidden('督导处查看单位待办时请指定单位');
    return requested;
  }
  if (requested && requested !== p.unit) throw forbidden(`${p.unit ?? ''}无权查看${requested}的待办`);
  return p.unit!;
}

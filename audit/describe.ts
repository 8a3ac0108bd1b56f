import type { DomainEvent } from '../domain/events';
import { escalationTargetLabel } from '../domain/labels';
import { shanghaiDate, shanghaiDay as day } from '../domain/shanghai';

const values = (vs: { targetIndex: number; value: number }[]) =>
  vs.length ? `；目标值 ${vs.map((v) => `#${v.targetIndex + 1}=${v.value}`).join('，')}` : '';

/** One line a person reads: what this step was and what it changed. */
export function describeEvent(e: DomainEvent): {
  label: string;
  detail: string;
  unit: string | null;
  evidence: string[];
} {
  const unit = e.actor.unit;
  switch (e.type) {
    case 'CycleStarted':
      return {
        label: '发起督导周期',
        detail: `${e.data.name}，${e.data.itemIds.length} 个事项，报送截止 ${day(e.data.window.submissionDueAt)}`,
        unit,
        evidence: [],
      };
    case 'CycleExtended':
      return {
        label: '延长督导周期',
        detail: `报送截止改为 ${day(e.data.window.submissionDueAt)}：${e.data.reason}`,
        unit,
        evidence: [],
      };
    case 'CycleCancelled':
      return { label: '撤销督导周期', detail: e.data.reason, unit, evidence: [] };
    case 'CycleClosed':
      return {
        label: '督导周期结束',
        detail: `${e.data.projects} 个项目，${e.data.outcome === 'cancelled' ? '已撤销' : '已完成'}`,
        unit,
        evidence: [],
      };
    case 'ProjectStarted':
      return {
        label: '项目纳入督导',
        detail: `${e.data.title}（牵头 ${e.data.leadUnit}${e.data.coUnits.length ? `，配合 ${e.data.coUnits.join('、')}` : ''}），${e.data.milestones.length} 个节点`,
        unit,
        evidence: [],
      };
    case 'MilestoneOpened':
      return { label: '节点开始', detail: e.data.milestoneId, unit, evidence: [] };
    case 'AssignmentCreated':
      return {
        label: '交办',
        detail: `${e.data.role === 'lead' ? '牵头' : '配合'}：${e.data.unit}，期限 ${day(e.data.dueAt)}`,
        unit: e.data.unit,
        evidence: [],
      };
    case 'AssignmentAcknowledged':
      return { label: '签收', detail: e.data.assignmentId, unit: e.data.unit, evidence: [] };
    case 'AssignmentReassigned':
      return {
        label: '转办',
        detail: `${e.data.fromUnit} → ${e.data.toUnit}：${e.data.reason}`,
        unit: e.data.toUnit,
        evidence: [],
      };
    case 'ContributionSubmitted':
      return {
        label: '报送配合材料',
        detail: `${e.data.narrative}${values(e.data.values)}${e.data.late ? '（逾期）' : ''}`,
        unit: e.data.unit,
        evidence: e.data.evidence.map((x) => `${x.ref} sha256:${x.sha256}`),
      };
    case 'ReportSubmitted':
      return {
        label: `报送第 ${e.data.round} 轮报告`,
        detail: `${e.data.narrative}${values(e.data.values)}${e.data.late ? '（逾期）' : ''}`,
        unit: e.data.unit,
        evidence: e.data.evidence.map((x) => `${x.ref} sha256:${x.sha256}`),
      };
    case 'ReportApproved':
      return {
        label: '审核通过',
        detail: `${e.data.verdict === 'met' ? '目标达成' : '目标未达成'}${e.data.comment ? `：${e.data.comment}` : ''}`,
        unit,
        evidence: [],
      };
    case 'ReportReturned':
      return { label: '退回重办', detail: e.data.comment, unit, evidence: [] };
    case 'ReminderSent':
      return {
        label: '催办',
        detail: `提前 ${e.data.leadTime}，期限 ${day(e.data.dueAt)}`,
        unit: e.data.unit,
        evidence: [],
      };
    case 'EscalationRaised':
      return {
        label: `${e.data.level}级督办`,
        detail: `${e.data.reason === 'overdue' ? '逾期' : '多次退回'}，通知${escalationTargetLabel[e.data.target]}`,
        unit: e.data.unit,
        evidence: [],
      };
    case 'ExtensionRequested':
      return {
        label: '申请延期',
        detail: `至 ${day(e.data.requestedDueAt)}：${e.data.reason}`,
        unit: e.data.unit,
        evidence: [],
      };
    case 'ExtensionGranted':
      return {
        label: '同意延期',
        detail: `新期限 ${day(e.data.newDueAt)}${e.data.comment ? `：${e.data.comment}` : ''}`,
        unit,
        evidence: [],
      };
    case 'ExtensionDenied':
      return { label: '驳回延期', detail: e.data.comment, unit, evidence: [] };
    case 'ClosureRequested':
      return {
        label: '申请办结',
        detail: e.data.narrative,
        unit: e.data.unit,
        evidence: e.data.evidence.map((x) => `${x.ref} sha256:${x.sha256}`),
      };
    case 'ClosureConfirmed':
      return { label: '同意销号', detail: e.data.comment, unit, evidence: [] };
    case 'ClosureRefused':
      return { label: '不同意销号', detail: e.data.comment, unit, evidence: [] };
    case 'ProjectSuspended':
      return { label: '暂停督办', detail: e.data.reason, unit, evidence: [] };
    case 'ProjectResumed':
      return { label: '恢复督办', detail: e.data.reason, unit, evidence: [] };
    case 'ProjectCancelled':
      return { label: '撤销项目', detail: e.data.reason, unit, evidence: [] };
    case 'MilestoneClosed':
      return {
        label: '节点办结',
        detail: `${e.data.milestoneId}：${{ met: '达成', missed: '未达成', cancelled: '撤销' }[e.data.outcome]}`,
        unit,
        evidence: [],
      };
    case 'ProjectClosed':
      return {
        label: '项目办结',
        detail: e.data.outcome === 'cancelled' ? '已撤销' : '已完成',
        unit,
        evidence: [],
      };
    case 'InstructionRecorded':
      return {
        label: '领导批示',
        detail: `${e.data.leader}（${e.data.issuedOn}）：${e.data.text}；责任单位 ${e.data.unit}`,
        unit,
        evidence: e.data.evidence.map((x) => `${x.ref} sha256:${x.sha256}`),
      };
    case 'RectificationIssued':
      return {
        label: '整改通知',
        detail: `${e.data.title}（${e.data.originCycleId} ${e.data.milestoneId}，第${e.data.round}轮）：${e.data.reasons.join('；')}；责任单位 ${e.data.unit}`,
        unit,
        evidence: [],
      };
    case 'SubAssignmentDispatched':
      return {
        label: '下发',
        detail: `${e.data.unit}下发${e.data.body}（${e.data.parentMilestoneId}，期限 ${shanghaiDate(e.data.deadline)}）：${e.data.text}`,
        unit,
        evidence: [],
      };
    case 'ProgressReported':
      return {
        label: '定期反馈',
        detail: `${e.data.periodId}${e.data.late ? '（逾期反馈）' : ''}：${e.data.narrative}${values(e.data.values)}`,
        unit,
        evidence: e.data.evidence.map((x) => `${x.ref} sha256:${x.sha256}`),
      };
    case 'ProgressPeriodsReplanned':
      return {
        label: '定期反馈随周期调整',
        detail: `${e.data.reason}：${e.data.periods.map((p) => `${p.label}截至 ${day(p.dueAt)}`).join('，')}`,
        unit,
        evidence: [],
      };
    case 'ProgressPeriodMissed':
      return {
        label: '未按期反馈',
        detail: `${e.data.unit}未在 ${day(e.data.dueAt)} 前报送 ${e.data.periodId} 的进展`,
        unit,
        evidence: [],
      };
    default: {
      const never: never = e;
      return never;
    }
  }
}

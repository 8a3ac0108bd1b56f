import type { EventBody, ReportedValue, TargetResult } from '../events';
import type { Target } from '../plan';
import type { Principal } from '../principal';
import type { ProjectCommand } from '../commands';
import { DomainError } from '../domain-error';
import { adjustToWorkingDay } from '../calendar';
import {
  noticeIdOf,
  periodUnitOf,
  type AssignmentState,
  type MilestoneState,
  type ProjectState,
} from './state';

const isUnitRole = (p: Principal) => p.role === 'unit_staff' || p.role === 'unit_head';
const requireInspector = (p: Principal) => {
  if (p.role !== 'inspector') throw new DomainError('forbidden', '只有督导处可以执行此操作');
};
/**
 * Who reviews an item's reports and decides its requests: 督导处, or for a sub-assignment (多级下发)
 * the unit that dispatched it, through its staff or head, and nobody else.
 */
function requireReviewer(s: ProjectState, p: Principal): void {
  if (s.reviewUnit === undefined) return requireInspector(p);
  if (!isUnitRole(p) || p.unit !== s.reviewUnit)
    throw new DomainError(
      'forbidden',
      `此事项由${s.reviewUnit}下发，由${s.reviewUnit}审核，${p.unit ?? p.role}无权审核`,
    );
}

function findMilestone(s: ProjectState, milestoneId: string): MilestoneState {
  const m = s.milestones.find((x) => x.milestoneId === milestoneId);
  if (!m) throw new DomainError('not_found', `找不到节点 ${milestoneId}`);
  return m;
}

function findAssignment(s: ProjectState, assignmentId: string): { m: MilestoneState; a: AssignmentState } {
  for (const m of s.milestones) {
    const a = m.assignments.find((x) => x.assignmentId === assignmentId);
    if (a) return { m, a };
  }
  throw new DomainError('not_found', `找不到交办事项 ${assignmentId}`);
}

function requireUnitOf(actor: Principal, a: AssignmentState): void {
  if (!isUnitRole(actor) || actor.unit !== a.unit) {
    throw new DomainError('forbidden', `此事项交办给${a.unit}，${actor.unit ?? actor.role}无权办理`);
  }
}

function requireActive(s: ProjectState, forUnits: boolean): void {
  if (s.status === 'closed' || s.status === 'cancelled')
    throw new DomainError('closed', '该项目已办结或已撤销，不能再办理');
  if (forUnits && s.status === 'suspended')
    throw new DomainError('suspended', '该项目已暂停督办，暂不能办理');
}

function requireOpen(m: MilestoneState): void {
  if (m.phase === 'closed' || m.phase === 'approved')
    throw new DomainError('closed', `节点“${m.text}”已办结`);
  if (m.phase === 'scheduled')
    throw new DomainError('wrong_state', `节点“${m.text}”尚未开始（${m.opensAt.slice(0, 10)} 交办）`);
}

/** Whether a reported value meets a target. 达到 (=) counts as reaching or passing it; ≈ allows 5%. */
export function targetMet(target: Target, value: number): boolean {
  switch (target.op) {
    case '>=':
    case '=':
      return value >= target.value;
    case '>':
      return value > target.value;
    case '<=':
      return value <= target.value;
    case '<':
      return value < target.value;
    case '≈':
      return value >= target.value * 0.95;
  }
}

export function judge(m: MilestoneState): { verdict: 'met' | 'missed'; results: TargetResult[] } {
  const values = m.submission?.values ?? [];
  const results = m.targets.map((t, i) => {
    const reported = values.find((v) => v.targetIndex === i)?.value ?? null;
    return { targetIndex: i, reported, met: reported !== null && targetMet(t, reported) };
  });
  return { verdict: results.every((r) => r.met) ? 'met' : 'missed', results };
}

/** What a run decides as the generation of workflow code that began its history did (set by patches). */
export interface DecideOptions {
  /**
   * Runs recorded before `patched('ladderless-returns')` raised a 督办 on too many returns even when
   * the policy has no ladder (a light-flow 任务); later runs raise none without a ladder.
   */
  escalateReturnsWithoutLadder?: boolean;
}

/**
 * Turns a command into the events it causes at plan time `now`, or throws a DomainError and
 * changes nothing. Pure: the same state, command, time and options always give the same events.
 */
export function decide(
  s: ProjectState,
  c: ProjectCommand,
  now: string,
  options: DecideOptions = {},
): EventBody[] {
  const after = (iso: string) => Date.parse(now) > Date.parse(iso);
  switch (c.type) {
    case 'acknowledge': {
      requireActive(s, true);
      const { m, a } = findAssignment(s, c.assignmentId);
      requireUnitOf(c.actor, a);
      requireOpen(m);
      if (a.acknowledged) throw new DomainError('conflict', '此事项已签收');
      return [{ type: 'AssignmentAcknowledged', data: { assignmentId: a.assignmentId, unit: a.unit } }];
    }
    case 'submitContribution': {
      requireActive(s, true);
      const { m, a } = findAssignment(s, c.assignmentId);
      requireUnitOf(c.actor, a);
      requireOpen(m);
      if (a.role !== 'co')
        throw new DomainError('wrong_state', '牵头单位请报送汇总报告（task submit），而非配合材料');
      validateValues(m, c.values);
      return [
        ...autoAcknowledge(a),
        {
          type: 'ContributionSubmitted',
          data: {
            milestoneId: m.milestoneId,
            assignmentId: a.assignmentId,
            unit: a.unit,
            narrative: c.narrative,
            values: c.values,
            evidence: c.evidence,
            late: after(a.dueAt),
          },
        },
      ];
    }
    case 'submitReport': {
      requireActive(s, true);
      const m = findMilestone(s, c.milestoneId);
      requireOpen(m);
      const lead = m.assignments.find((a) => a.role === 'lead')!;
      requireUnitOf(c.actor, lead);
      if (m.phase === 'submitted')
        throw new DomainError('wrong_state', '报告已报送，正在审核，请等待审核结果');
      validateValues(m, c.values);
      return [
        ...autoAcknowledge(lead),
        {
          type: 'ReportSubmitted',
          data: {
            milestoneId: m.milestoneId,
            assignmentId: lead.assignmentId,
            unit: lead.unit,
            round: m.rounds + 1,
            narrative: c.narrative,
            values: c.values,
            evidence: c.evidence,
            late: after(m.dueAt),
            lateAgainstOriginal: after(m.originalDueAt),
          },
        },
      ];
    }
    case 'submitProgress': {
      requireActive(s, true);
      const p = s.periods?.find((x) => x.periodId === c.periodId);
      if (!p) throw new DomainError('not_found', `找不到定期反馈期次 ${c.periodId}`);
      const unit = periodUnitOf(s);
      if (!isUnitRole(c.actor) || c.actor.unit !== unit)
        throw new DomainError(
          'forbidden',
          `定期反馈由牵头单位${unit}报送，${c.actor.unit ?? c.actor.role}无权报送`,
        );
      if (!after(p.opensAt)) throw new DomainError('wrong_state', `${p.label}的反馈期尚未开始`);
      if (p.status === 'reported') throw new DomainError('conflict', `${p.label}的进展已报送`);
      if (p.status === 'missed')
        throw new DomainError('closed', `${p.label}的进展已记为未按期反馈，不能再报送`);
      for (const v of c.values)
        if (v.targetIndex >= s.targets.length)
          throw new DomainError(
            'invalid_command',
            `目标序号 ${v.targetIndex + 1} 不存在（共 ${s.targets.length} 个目标）`,
          );
      return [
        {
          type: 'ProgressReported',
          data: {
            periodId: p.periodId,
            unit,
            narrative: c.narrative,
            values: c.values,
            evidence: c.evidence,
            late: after(p.dueAt),
          },
        },
      ];
    }
    case 'approve': {
      requireReviewer(s, c.actor);
      requireActive(s, false);
      const m = findMilestone(s, c.milestoneId);
      if (m.phase !== 'submitted') throw new DomainError('wrong_state', '该节点没有待审核的报告');
      const { verdict, results } = judge(m);
      // A body's values are its share of the parent's targets, summed upward: approving its report
      // accepts the share, and the parent's own report is judged against the targets.
      const accepted = s.reviewUnit === undefined ? verdict : 'met';
      return [
        {
          type: 'ReportApproved',
          data: {
            milestoneId: m.milestoneId,
            round: m.rounds,
            comment: c.comment,
            verdict: accepted,
            results,
          },
        },
        { type: 'MilestoneClosed', data: { milestoneId: m.milestoneId, outcome: accepted } },
        ...closeIfDone(s, m.milestoneId),
      ];
    }
    case 'return': {
      requireReviewer(s, c.actor);
      requireActive(s, false);
      const m = findMilestone(s, c.milestoneId);
      if (m.phase !== 'submitted') throw new DomainError('wrong_state', '该节点没有待审核的报告');
      const events: EventBody[] = [
        { type: 'ReportReturned', data: { milestoneId: m.milestoneId, round: m.rounds, comment: c.comment } },
      ];
      // Too many returns climb the policy's ladder; a policy without one (the light 任务 flow) has
      // nobody to escalate to, and the RAG rule still turns the milestone red.
      const ladder = s.policy.escalations.length > 0 || options.escalateReturnsWithoutLadder === true;
      if (ladder && m.returns + 1 >= s.policy.maxReturns && !m.escalatedForReturns) {
        const lead = m.assignments.find((a) => a.role === 'lead')!;
        const level = Math.max(1, lead.escalationLevel + 1);
        const step = s.policy.escalations.find((e) => e.level === level) ?? s.policy.escalations.at(-1);
        events.push({
          type: 'EscalationRaised',
          data: {
            milestoneId: m.milestoneId,
            assignmentId: lead.assignmentId,
            unit: lead.unit,
            level,
            target: step?.target ?? 'unit_head',
            reason: 'too_many_returns',
            dueAt: m.dueAt,
            notificationId: noticeIdOf(s, lead, 'returns-escalation'),
          },
        });
      }
      return events;
    }
    case 'requestExtension': {
      requireActive(s, true);
      const m = findMilestone(s, c.milestoneId);
      requireOpen(m);
      const lead = m.assignments.find((a) => a.role === 'lead')!;
      requireUnitOf(c.actor, lead);
      if (m.extensions.some((x) => x.status === 'pending'))
        throw new DomainError('conflict', '已有待审批的延期申请');
      if (Date.parse(c.requestedDueAt) <= Date.parse(m.dueAt)) {
        throw new DomainError('invalid_command', `申请的新期限须晚于当前期限 ${m.dueAt.slice(0, 10)}`);
      }
      return [
        {
          type: 'ExtensionRequested',
          data: {
            milestoneId: m.milestoneId,
            requestId: `${m.milestoneId}/ext-${m.extensions.length + 1}`,
            unit: lead.unit,
            reason: c.reason,
            requestedDueAt: c.requestedDueAt,
          },
        },
      ];
    }
    case 'decideExtension': {
      requireReviewer(s, c.actor);
      requireActive(s, false);
      const m = findMilestone(s, c.milestoneId);
      const request = m.extensions.find((x) => x.requestId === c.requestId);
      if (!request) throw new DomainError('not_found', `找不到延期申请 ${c.requestId}`);
      if (request.status !== 'pending') throw new DomainError('conflict', '该延期申请已审批');
      if (!c.grant) {
        return [
          {
            type: 'ExtensionDenied',
            data: { milestoneId: m.milestoneId, requestId: request.requestId, comment: c.comment },
          },
        ];
      }
      const newDueAt = adjustToWorkingDay(
        c.newDueAt ?? request.requestedDueAt,
        s.policy.holidayRule,
        s.policy.calendar,
      );
      if (Date.parse(newDueAt) <= Date.parse(m.dueAt)) {
        throw new DomainError('invalid_command', `新期限须晚于当前期限 ${m.dueAt.slice(0, 10)}`);
      }
      return [
        {
          type: 'ExtensionGranted',
          data: { milestoneId: m.milestoneId, requestId: request.requestId, newDueAt, comment: c.comment },
        },
      ];
    }
    case 'requestClosure': {
      requireActive(s, true);
      const unit = periodUnitOf(s);
      if (!isUnitRole(c.actor) || c.actor.unit !== unit)
        throw new DomainError(
          'forbidden',
          `办结申请由牵头单位${unit}提出，${c.actor.unit ?? c.actor.role}无权申请`,
        );
      if (s.milestones.every((m) => m.phase === 'closed'))
        throw new DomainError('closed', '该项目已没有未办结的节点，无需申请办结');
      const closures = s.closures ?? [];
      if (closures.some((x) => x.status === 'pending'))
        throw new DomainError('conflict', '已有待审批的办结申请');
      return [
        {
          type: 'ClosureRequested',
          data: {
            requestId: `closure-${closures.length + 1}`,
            unit,
            narrative: c.narrative,
            evidence: c.evidence,
          },
        },
      ];
    }
    case 'decideClosure': {
      requireReviewer(s, c.actor);
      requireActive(s, false);
      const request = s.closures?.find((x) => x.requestId === c.requestId);
      if (!request) throw new DomainError('not_found', `找不到办结申请 ${c.requestId}`);
      if (request.status !== 'pending') throw new DomainError('conflict', '该办结申请已审批');
      if (!c.confirm) {
        // The unit keeps working from the reason: a refusal without one leaves it guessing.
        if (!c.comment.trim()) throw new DomainError('invalid_command', '不同意销号须填写理由');
        return [{ type: 'ClosureRefused', data: { requestId: request.requestId, comment: c.comment } }];
      }
      return closureEvents(s, request.requestId, c.comment);
    }
    case 'reassign': {
      requireInspector(c.actor);
      requireActive(s, false);
      const { m, a } = findAssignment(s, c.assignmentId);
      requireOpen(m);
      if (a.unit === c.toUnit) throw new DomainError('invalid_command', `事项已由${c.toUnit}承办`);
      if (m.assignments.some((x) => x.unit === c.toUnit)) {
        throw new DomainError('conflict', `${c.toUnit}已承办本节点的其他事项，不能重复交办`);
      }
      return [
        {
          type: 'AssignmentReassigned',
          data: { assignmentId: a.assignmentId, fromUnit: a.unit, toUnit: c.toUnit, reason: c.reason },
        },
      ];
    }
    case 'suspend':
      requireInspector(c.actor);
      requireActive(s, false);
      if (s.status === 'suspended') throw new DomainError('conflict', '项目已处于暂停状态');
      return [{ type: 'ProjectSuspended', data: { reason: c.reason } }];
    case 'resume':
      requireInspector(c.actor);
      requireActive(s, false);
      if (s.status !== 'suspended') throw new DomainError('conflict', '项目未暂停');
      return [{ type: 'ProjectResumed', data: { reason: c.reason } }];
    case 'cancel':
      requireInspector(c.actor);
      requireActive(s, false);
      return cancelEvents(s, c.reason);
    case 'withdraw':
      if (s.reviewUnit === undefined)
        throw new DomainError(
          'invalid_command',
          '只有下发给下级单位的事项可以撤回；撤销项目督办由督导处办理',
        );
      requireReviewer(s, c.actor);
      requireActive(s, false);
      return cancelEvents(s, `撤回下发：${c.reason}`);
    default: {
      const never: never = c;
      return never;
    }
  }
}

export function cancelEvents(s: ProjectState, reason: string): EventBody[] {
  return [
    { type: 'ProjectCancelled', data: { reason } },
    ...s.milestones
      .filter((m) => m.phase !== 'closed')
      .map((m): EventBody => ({
        type: 'MilestoneClosed',
        data: { milestoneId: m.milestoneId, outcome: 'cancelled' },
      })),
    { type: 'ProjectClosed', data: { outcome: 'cancelled' } },
  ];
}

/** 销号: every milestone still open closes as met, then the project closes as completed. */
/** 销号: a pending 延期申请 is answered (nothing is left to extend), then everything still open closes. */
function closureEvents(s: ProjectState, requestId: string, comment: string): EventBody[] {
  return [
    { type: 'ClosureConfirmed', data: { requestId, comment } },
    ...s.milestones.flatMap((m) =>
      m.extensions
        .filter((x) => x.status === 'pending')
        .map((x): EventBody => ({
          type: 'ExtensionDenied',
          data: {
            milestoneId: m.milestoneId,
            requestId: x.requestId,
            comment: '项目已销号，延期申请不再审批',
          },
        })),
    ),
    ...s.milestones
      .filter((m) => m.phase !== 'closed')
      .map((m): EventBody => ({
        type: 'MilestoneClosed',
        data: { milestoneId: m.milestoneId, outcome: 'met' },
      })),
    { type: 'ProjectClosed', data: { outcome: 'completed' } },
  ];
}

const autoAcknowledge = (a: AssignmentState): EventBody[] =>
  a.acknowledged
    ? []
    : [{ type: 'AssignmentAcknowledged', data: { assignmentId: a.assignmentId, unit: a.unit } }];

function validateValues(m: MilestoneState, values: ReportedValue[]): void {
  const seen = new Set<number>();
  for (const v of values) {
    if (v.targetIndex >= m.targets.length) {
      throw new DomainError(
        'invalid_command',
        `节点只有 ${m.targets.length} 个目标值，第 ${v.targetIndex + 1} 个不存在`,
      );
    }
    if (seen.has(v.targetIndex))
      throw new DomainError('invalid_command', `第 ${v.targetIndex + 1} 个目标值重复报送`);
    seen.add(v.targetIndex);
  }
}

function closeIfDone(s: ProjectState, closingMilestoneId: string): EventBody[] {
  const allClosed = s.milestones.every((m) => m.milestoneId === closingMilestoneId || m.phase === 'closed');
  return allClosed ? [{ type: 'ProjectClosed', data: { outcome: 'completed' } }] : [];
}

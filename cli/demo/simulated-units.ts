import { sendProjectCommand } from '../../app/commands';
import type { Client } from '@temporalio/client';
import type { ProjectCommand } from '../../domain/commands';
import type { Principal } from '../../domain/principal';
import type { ProjectView } from '../../workflows/messages';
import { periodUnitOf, type MilestoneState } from '../../domain/project';
import { planNow } from '../../domain/clock';

/** How a simulated lead unit behaves on one project in the demo. */
export type Behaviour = 'on_time' | 'late' | 'rework' | 'extension' | 'misses_target';

/** Most units on time; a few late (the 督办 ladder fires), returned for rework, one extension, one short of target. */
export function behaviourFor(index: number): Behaviour {
  const pattern: Behaviour[] = [
    'on_time',
    'on_time',
    'rework',
    'on_time',
    'late',
    'on_time',
    'extension',
    'on_time',
    'misses_target',
    'on_time',
    'late',
    'on_time',
    'rework',
    'on_time',
    'on_time',
    'on_time',
  ];
  return pattern[index % pattern.length]!;
}

const staff = (unit: string): Principal => ({ userId: `${unit}-经办人`, role: 'unit_staff', unit });
const inspector: Principal = { userId: '督导处-审核人', role: 'inspector', unit: '督导处' };
const hash = (s: string) =>
  [...s]
    .reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7)
    .toString(16)
    .padStart(8, '0')
    .repeat(8);

/** The reported value for each target: met, or short of it for a unit that misses. */
const valuesFor = (m: MilestoneState, miss: boolean) =>
  m.targets.map((t, targetIndex) => ({
    targetIndex,
    value: miss
      ? Math.round(t.value * 0.8)
      : t.op === '>'
        ? t.value + 1
        : t.value + (t.op === '<' || t.op === '<=' ? -1 : 1),
  }));

/**
 * The next human action the simulation takes on a project, if any: units acknowledge, contribute and
 * report; 督导处 reviews, returns the first report of rework projects, decides extensions.
 */
export function nextAction(view: ProjectView, behaviour: Behaviour): ProjectCommand | null {
  const s = view.state;
  if (s.status !== 'active') return null;
  for (const m of s.milestones) {
    if (m.phase === 'scheduled' || m.phase === 'closed' || m.phase === 'approved') continue;
    const lead = m.assignments.find((a) => a.role === 'lead')!;
    const pending = m.extensions.find((x) => x.status === 'pending');
    if (pending)
      return {
        type: 'decideExtension',
        actor: inspector,
        milestoneId: m.milestoneId,
        requestId: pending.requestId,
        grant: true,
        comment: '同意延期一个月',
      };
    if (m.phase === 'submitted') {
      if (behaviour === 'rework' && m.returns === 0)
        return {
          type: 'return',
          actor: inspector,
          milestoneId: m.milestoneId,
          comment: '佐证材料不全，请补充县（市、区）分项数据',
        };
      return { type: 'approve', actor: inspector, milestoneId: m.milestoneId, comment: '同意' };
    }
    const co = m.assignments.find((a) => a.role === 'co' && !a.submitted);
    if (co)
      return {
        type: 'submitContribution',
        actor: staff(co.unit),
        assignmentId: co.assignmentId,
        narrative: `${co.unit}配合工作已完成`,
        values: [],
        evidence: [],
      };
    if (!lead.acknowledged)
      return { type: 'acknowledge', actor: staff(lead.unit), assignmentId: lead.assignmentId };
    if (behaviour === 'extension' && m.extensions.length === 0) {
      const requestedDueAt = new Date(Date.parse(m.dueAt) + 31 * 86_400_000).toISOString();
      return {
        type: 'requestExtension',
        actor: staff(lead.unit),
        milestoneId: m.milestoneId,
        reason: '受项目用地审批影响，申请延期一个月',
        requestedDueAt,
      };
    }
    // A late unit waits until the ladder has reached 分管局领导 (level 2).
    if (behaviour === 'late' && lead.escalationLevel < 2) continue;
    return {
      type: 'submitReport',
      actor: staff(lead.unit),
      milestoneId: m.milestoneId,
      narrative: `${s.title}：${m.text || '周期进展'}，工作按计划推进。`,
      values: valuesFor(m, behaviour === 'misses_target'),
      evidence: [{ ref: `doc://${m.milestoneId}/report.pdf`, sha256: hash(m.milestoneId) }],
    };
  }
  return periodReport(view, behaviour);
}

/**
 * The 定期反馈 the lead unit sends next: the earliest open period once it has opened (at the
 * project's plan time now). A late unit waits for the period's 催办 first.
 */
function periodReport(view: ProjectView, behaviour: Behaviour): ProjectCommand | null {
  const now = Date.parse(planNow(view.clock, Date.now()));
  const s = view.state;
  const period = s.periods?.find((p) => p.status === 'open' && Date.parse(p.opensAt) <= now);
  if (!period || (behaviour === 'late' && !period.reminded)) return null;
  return {
    type: 'submitProgress',
    actor: staff(periodUnitOf(s)),
    periodId: period.periodId,
    narrative: `${s.title}：${period.label}工作按计划推进。`,
    values: [],
    evidence: [],
  };
}

/** Applies one action; a refusal (the state moved on meanwhile) is ignored, the next poll retries. */
export async function act(client: Client, workflowId: string, command: ProjectCommand): Promise<boolean> {
  try {
    await sendProjectCommand(client.workflow.getHandle(workflowId), command);
    return true;
  } catch {
    return false;
  }
}

import { sendProjectCommand } from '../../app/commands';
import type { Client } from '@temporalio/client';
import type { ProjectCommand } from '../../domain/commands';
import type { Principal } from '../../domain/principal';
import type { ProjectView } from '../../workflows/messages';
import { periodUnitOf, type MilestoneState } from '../../domain/project';
import { planNow } from '../../domain/clock';
import type { EvidenceRef } from '../../domain/events';
import type { Target } from '../../domain/plan';

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

/**
 * What makes one simulated run differ from another: a seed (the same seed, the same values and the
 * same shortfalls, whenever and however often it runs) and the share of milestones a unit otherwise
 * on time reports short of its target.
 */
export interface Simulation {
  seed: string;
  shortfallRate: number;
}

export const DEFAULT_SIMULATION: Simulation = { seed: 'dudao', shortfallRate: 0 };

/** A number in [0, 1) fixed by `key` (FNV-1a, then a murmur3 finaliser): the simulation's only chance. */
export function seeded(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

/** Whether the lead unit reports this milestone short of its targets. */
const fallsShort = (m: MilestoneState, behaviour: Behaviour, sim: Simulation): boolean =>
  behaviour === 'misses_target' || seeded(`${sim.seed}|short|${m.milestoneId}`) < sim.shortfallRate;

const oneDecimal = (n: number) => Math.round(n * 10) / 10;

/**
 * The value reported for a target: past it by up to a tenth (a share never above 100%), or for a
 * unit that falls short, 7–27% on the wrong side of it. Spread by the seed, per milestone and target.
 */
export function reportedValue(t: Target, key: string, short: boolean): number {
  const r = seeded(key);
  const upward = t.op !== '<' && t.op !== '<=';
  // A count (所, 个, 人) is reported in whole numbers; a share or a measure to a tenth.
  const whole = Number.isInteger(t.value) && t.unit !== '%' && t.unit !== '‰';
  const down = (v: number) => (whole ? Math.floor(v) : oneDecimal(v));
  const up = (v: number) => (whole ? Math.ceil(v) : oneDecimal(v));
  if (short) return upward ? down(t.value * (0.93 - 0.2 * r)) : up(t.value * (1.07 + 0.2 * r));
  if (!upward) return down(t.value * (1 - 0.1 * r) - (t.op === '<' ? 0.1 : 0));
  const ceiling = t.unit === '%' ? Math.max(100, t.value) : t.value * 1.1;
  const value = up(t.value + (ceiling - t.value) * r);
  return t.op === '>' && value <= t.value ? t.value + (whole ? 1 : 0.1) : value;
}

const valuesFor = (m: MilestoneState, short: boolean, sim: Simulation) =>
  m.targets.map((t, targetIndex) => ({
    targetIndex,
    value: reportedValue(t, `${sim.seed}|value|${m.milestoneId}|${targetIndex}`, short),
  }));

/**
 * The next human action the simulation takes on a project, if any: units acknowledge, contribute and
 * report; 督导处 reviews, returns the first report of rework projects, decides extensions.
 */
export function nextAction(
  view: ProjectView,
  behaviour: Behaviour,
  sim: Simulation = DEFAULT_SIMULATION,
): ProjectCommand | null {
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
      values: valuesFor(m, fallsShort(m, behaviour, sim), sim),
      evidence: [],
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

/** Files a unit attaches to what it sends: uploaded to the evidence store, cited by hash. */
export type EvidenceAttacher = (command: Submission) => Promise<EvidenceRef[]>;
export type Submission = Extract<
  ProjectCommand,
  { type: 'submitReport' | 'submitProgress' | 'submitContribution' }
>;

const isSubmission = (c: ProjectCommand): c is Submission =>
  c.type === 'submitReport' || c.type === 'submitProgress' || c.type === 'submitContribution';

/**
 * Applies one action, with the files `attach` uploads for a submission; a refusal (the state moved
 * on meanwhile) is ignored, the next poll retries.
 */
export async function act(
  client: Client,
  workflowId: string,
  command: ProjectCommand,
  attach?: EvidenceAttacher,
): Promise<boolean> {
  try {
    const sent =
      attach && isSubmission(command) && command.evidence.length === 0
        ? { ...command, evidence: await attach(command) }
        : command;
    await sendProjectCommand(client.workflow.getHandle(workflowId), sent);
    return true;
  } catch {
    return false;
  }
}

import { DomainError } from './commands';
import type { EventOf, MilestonePlan, RectificationRecord } from './events';
import { closesAtOf, endOfDay } from './instruction';
import type { Target } from './plan';
import type { CyclePolicy } from './policy';
import { shanghaiDate } from './shanghai';

/**
 * 整改 as supervised items. When a cycle closes, every milestone whose outcome fell short becomes a
 * 整改 for its lead unit: the project workflow carries it out as it carries out a 领导批示 (one
 * milestone, the unit's 整改报告, due on the 整改期限), so it gets 催办, the 督办 ladder, review
 * (销号 or 退回), extensions, events and replay. Its stream opens with `RectificationIssued`.
 */

/** 整改 items are not part of a plan's cycle: their streams and read-model rows share this id. */
export const RECTIFICATIONS_CYCLE = 'rectifications';
/** The section their items are filed under (it names them in boards and notices). */
export const RECTIFICATION_SECTION = '整改';

export const rectificationWorkflowId = (id: string): string => `rectification-${id}`;
export const rectificationMilestoneId = (id: string): string => `${id}/report`;

/**
 * A first round's id from the shortfall it rectifies, so issuing twice finds the one issued
 * before: ZG-<cycle>-<item>-<milestone year, or JZ for the cycle's 进展 report>. Ids never contain
 * "/" (it separates the item from the milestone in a command's reference), nor an English word
 * (people read them).
 */
export const rectificationIdOf = (cycleId: string, milestoneId: string): string =>
  `ZG-${cycleId}-${milestoneId.replace(/\/progress$/, '/JZ').replace(/\//g, '-')}`;
/** The id of the round that carries `id`'s round `round` into a later cycle. */
export const carriedIdOf = (firstRoundId: string, round: number): string => `${firstRoundId}-R${round}`;

/** A bad 整改 request: the message says what to fix; nothing was recorded. */
export class RectificationRejected extends DomainError {
  constructor(message: string) {
    super('invalid_command', message);
  }
}

/** How a cycle's outcomes are judged at close-out (the policy gives maxReturns and the ladder). */
export interface CloseOutRules {
  /** A report this many days or more past its original deadline is a shortfall (逾期报送). */
  lateDays: number;
  maxReturns: number;
  /** The ladder's top level: a 督办 that reached it is a shortfall. 0: no ladder. */
  topEscalationLevel: number;
}

export const DEFAULT_LATE_DAYS = 15;

/** One milestone of a cycle as the read models hold it at close-out. */
export interface MilestoneOutcome {
  cycleId: string;
  itemId: string;
  title: string;
  milestoneId: string;
  milestoneText: string;
  /** The unit that answers for the milestone now (the lead, after any 转办). */
  unit: string;
  outcome: 'met' | 'missed' | 'cancelled' | null;
  originalDueAt: string;
  /** The lead's first report, if any. */
  firstReportedAt: string | null;
  returns: number;
  /** Highest 督办 level any of the milestone's assignments reached. */
  escalationLevel: number;
  targets: (Target & { reported: number | null; met: boolean | null })[];
}

const DAY_MS = 86_400_000;
const opText: Record<string, string> = { '>=': '≥', '<=': '≤', '>': '＞', '<': '＜', '=': '＝' };

/**
 * Why a milestone fell short, in the words of a 整改通知; empty when it did not. `asOf` is the plan
 * time of the close-out: a milestone not yet due is not judged unsubmitted.
 */
export function shortfallReasons(m: MilestoneOutcome, rules: CloseOutRules, asOf: string): string[] {
  if (m.outcome === 'cancelled') return [];
  const reasons: string[] = [];
  const due = Date.parse(m.originalDueAt);
  if (m.firstReportedAt === null) {
    if (due < Date.parse(asOf)) reasons.push(`逾期未报送（原定期限 ${shanghaiDate(m.originalDueAt)}）`);
  } else {
    const lateDays = Math.floor((Date.parse(m.firstReportedAt) - due) / DAY_MS);
    if (lateDays >= rules.lateDays) reasons.push(`逾期${lateDays}天报送（超过${rules.lateDays}天）`);
  }
  if (m.outcome === 'missed' && m.firstReportedAt !== null) {
    const missed = m.targets.filter((t) => t.met === false);
    if (missed.length === 0) reasons.push('经审定未完成节点目标');
    for (const t of missed)
      reasons.push(
        `目标未达成：${t.metric}${t.reported === null ? '未报实际值' : `实际${t.reported}${t.unit}`}，目标${opText[t.op] ?? t.op}${t.value}${t.unit}`,
      );
  }
  if (m.returns > rules.maxReturns) reasons.push(`退回重办${m.returns}次（超过${rules.maxReturns}次）`);
  if (rules.topEscalationLevel > 0 && m.escalationLevel >= rules.topEscalationLevel)
    reasons.push(`督办升至最高一级（第${m.escalationLevel}级）`);
  return reasons;
}

/** A shortfall at close-out: the milestone and why, with the 整改 it became (if issued). */
export interface Shortfall extends MilestoneOutcome {
  reasons: string[];
}

/** The milestones of a cycle that fell short, in item order. */
export const shortfallsOf = (
  outcomes: readonly MilestoneOutcome[],
  rules: CloseOutRules,
  asOf: string,
): Shortfall[] =>
  outcomes
    .map((m) => ({ ...m, reasons: shortfallReasons(m, rules, asOf) }))
    .filter((m) => m.reasons.length > 0);

export type RectificationPlan = {
  record: RectificationRecord;
  started: EventOf<'ProjectStarted'>['data'];
  closesAt: string;
};

/**
 * The supervised item a 整改 becomes, at plan time `now` under `policy`: one milestone (the 整改报告)
 * opening now and due at the end of the 整改期限 day. A deadline already past is refused.
 */
export function planRectification(
  record: Omit<RectificationRecord, 'deadline'> & { deadlineDay: string },
  now: string,
  policy: CyclePolicy,
): RectificationPlan {
  const deadline = rectificationDeadline(record.deadlineDay, now);
  const { deadlineDay: _day, ...rest } = record;
  const full: RectificationRecord = { ...rest, deadline };
  const milestone: MilestonePlan = {
    milestoneId: rectificationMilestoneId(record.rectificationId),
    year: null,
    text: `整改：${record.reasons.join('；')}`.slice(0, 200),
    opensAt: now,
    dueAt: deadline,
    targets: [],
  };
  return {
    record: full,
    started: {
      itemId: record.rectificationId,
      kind: 'task',
      title: `${record.title}（整改${record.round > 1 ? `·第${record.round}轮` : ''}）`.slice(0, 200),
      section: RECTIFICATION_SECTION,
      leadUnit: record.unit,
      coUnits: [],
      targets: [],
      milestones: [milestone],
    },
    closesAt: closesAtOf(deadline, policy),
  };
}

/** The 整改期限 as an instant (the end of that Beijing day); refused unless it is a real day after `now`. */
export function rectificationDeadline(day: string, now: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day))
    throw new RectificationRejected(`整改期限“${day}”格式不正确，应为 YYYY-MM-DD`);
  let deadline: string;
  try {
    deadline = endOfDay(day);
  } catch {
    throw new RectificationRejected(`整改期限“${day}”不存在`);
  }
  if (Date.parse(deadline) <= Date.parse(now))
    throw new RectificationRejected(`整改期限 ${day} 已过（今天是 ${shanghaiDate(now)}）`);
  return deadline;
}

/** Where a 整改 stands (销号 = the 整改报告 approved by 督导处). */
export type RectificationStatus =
  'issued' | 'in_progress' | 'submitted' | 'struck_off' | 'missed' | 'carried' | 'cancelled';

export const rectificationStatusLabel: Record<RectificationStatus, string> = {
  issued: '已下发',
  in_progress: '整改中',
  submitted: '待审核',
  struck_off: '已销号',
  missed: '逾期未整改',
  carried: '已转入下一周期',
  cancelled: '已撤销',
};

/** Not struck off: a round that could still be carried into the next cycle. */
export const isUnrectified = (status: RectificationStatus): boolean =>
  status !== 'struck_off' && status !== 'cancelled' && status !== 'carried';

/** Not done by its 整改期限: closed unrectified, or open past its current deadline at plan time `at`. */
export const isRectificationOverdue = (
  row: { status: RectificationStatus; due_at: string },
  at: string,
): boolean =>
  row.status === 'missed' ||
  ((row.status === 'issued' || row.status === 'in_progress' || row.status === 'submitted') &&
    Date.parse(row.due_at) < Date.parse(at));

/** How the reason a carried round's predecessor is cancelled with begins (the read model knows it by this). */
export const CARRIED_PREFIX = '未完成整改，转入督导周期';
/** The reason a carried round's predecessor is closed with: it goes on in the new cycle. */
export const carriedReason = (toCycleId: string, nextId: string): string =>
  `${CARRIED_PREFIX} ${toCycleId} 继续整改（${nextId}）`;

import { z } from 'zod';
import { shift } from './calendar';
import { DomainError } from './commands';
import type { InstructionRecord } from './events';
import { EvidenceRef, type EventOf, type MilestonePlan } from './events';
import type { CyclePolicy, Span } from './policy';
import { shanghaiDate } from './shanghai';

/**
 * 领导批示 as supervised items. An instruction is carried out by the project workflow itself: one
 * milestone (the unit's reply) due on the instruction's deadline, so it gets 催办, the 督办 ladder,
 * review, extensions, events and replay exactly as a plan item does. Its stream opens with the
 * `InstructionRecorded` event, then `ProjectStarted` with the plan derived here.
 */

/** Instructions are not part of a plan's cycle: their streams and read-model rows share this id. */
export const INSTRUCTIONS_CYCLE = 'instructions';
/** The section their items are filed under (it names them in boards and notices). */
export const INSTRUCTION_SECTION = '领导批示';

export const instructionWorkflowId = (instructionId: string): string => `instruction-${instructionId}`;
export const instructionMilestoneId = (instructionId: string): string => `${instructionId}/reply`;

/**
 * How long after the deadline an unanswered instruction stays open for a late reply and the 督办
 * ladder before it closes as missed: 30 days, or longer when the ladder's last level comes later.
 */
export const REVIEW_WINDOW: Span = { amount: 30, unit: 'days' };

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const text = (label: string, max: number) =>
  z
    .string({ error: `${label}不能为空` })
    .trim()
    .min(1, `${label}不能为空`)
    .max(max, `${label}不能超过${max}个字`);

/** What a person gives to record an instruction (CLI and API); messages are what they read. */
export const InstructionInput = z.object({
  instructionId: z
    .string()
    .regex(ID, '批示编号只能由字母、数字、点、横线、下划线组成（不超过40个字符），例如 PS-2026-001')
    .optional(),
  leader: text('批示领导', 50),
  issuedOn: z.string({ error: '批示日期不能为空' }).regex(DAY, '批示日期格式不正确，应为 YYYY-MM-DD'),
  text: text('批示内容', 2000),
  unit: text('责任单位', 50),
  coUnits: z.array(text('配合单位', 50)).max(20, '配合单位不能超过20个').default([]),
  deadline: z.string({ error: '办理期限不能为空' }).regex(DAY, '办理期限格式不正确，应为 YYYY-MM-DD'),
  evidence: z.array(EvidenceRef).max(10, '批示原件不能超过10份').default([]),
  linkedItemId: z.string().trim().min(1).max(100).nullable().default(null),
  cycleId: z.string().trim().min(1).max(100).nullable().default(null),
});
export type InstructionInput = z.input<typeof InstructionInput>;

/** A bad instruction: the message says what to fix; nothing was recorded. */
export class InstructionRejected extends DomainError {
  constructor(message: string) {
    super('invalid_command', message);
  }
}

/** Parses input, turning the first problem into a Chinese message. */
export function parseInstructionInput(raw: unknown): z.output<typeof InstructionInput> {
  const parsed = InstructionInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InstructionRejected(issue.message);
  }
  return parsed.data;
}

/** The end of a Beijing day, as an instant: a deadline written as a date means the whole day. */
export const endOfDay = (day: string): string => {
  const at = Date.parse(`${day}T23:59:59+08:00`);
  // Date.parse rolls 2026-02-30 over to March 2nd rather than refusing it.
  if (Number.isNaN(at) || shanghaiDate(new Date(at).toISOString()) !== day)
    throw new InstructionRejected(`日期“${day}”不存在`);
  return new Date(at).toISOString();
};

export type InstructionPlan = {
  record: InstructionRecord;
  started: EventOf<'ProjectStarted'>['data'];
  /** Plan time at which the item closes whatever is still open (as a cycle's review deadline does). */
  closesAt: string;
};

/**
 * The supervised item an instruction becomes, at plan time `now` under `policy`: one milestone
 * opening now and due at the end of the deadline day. Refuses what cannot be supervised: a
 * deadline already past, an instruction dated after today or after its deadline, a unit that is
 * also its own co-unit.
 */
export function planInstruction(
  input: z.output<typeof InstructionInput> & { instructionId: string },
  now: string,
  policy: CyclePolicy,
): InstructionPlan {
  const today = shanghaiDate(now);
  endOfDay(input.issuedOn);
  if (input.issuedOn > today)
    throw new InstructionRejected(`批示日期 ${input.issuedOn} 晚于今天（${today}）`);
  const deadline = endOfDay(input.deadline);
  if (input.deadline < input.issuedOn)
    throw new InstructionRejected(`办理期限 ${input.deadline} 早于批示日期 ${input.issuedOn}`);
  if (Date.parse(deadline) <= Date.parse(now))
    throw new InstructionRejected(`办理期限 ${input.deadline} 已过（今天是 ${today}）`);
  const coUnits = [...new Set(input.coUnits)];
  if (coUnits.includes(input.unit))
    throw new InstructionRejected(`${input.unit}已是责任单位，不能同时列为配合单位`);
  const record: InstructionRecord = {
    instructionId: input.instructionId,
    leader: input.leader,
    issuedOn: input.issuedOn,
    text: input.text,
    unit: input.unit,
    coUnits,
    deadline,
    evidence: input.evidence,
    linkedItemId: input.linkedItemId,
    linkedCycleId: input.cycleId,
  };
  const milestone: MilestonePlan = {
    milestoneId: instructionMilestoneId(input.instructionId),
    year: null,
    text: `落实${input.leader}批示：${input.text}`.slice(0, 200),
    opensAt: now,
    dueAt: deadline,
    targets: [],
  };
  return {
    record,
    started: {
      itemId: input.instructionId,
      kind: 'task',
      title: `${input.leader}批示（${input.issuedOn}）`,
      section: INSTRUCTION_SECTION,
      leadUnit: input.unit,
      coUnits,
      targets: [],
      milestones: [milestone],
    },
    closesAt: closesAtOf(deadline, policy),
  };
}

/** The later of the review window and a week after the ladder's last level. */
export function closesAtOf(deadline: string, policy: CyclePolicy): string {
  const window = shift(deadline, REVIEW_WINDOW, 1, policy.calendar);
  const last = policy.escalations.at(-1);
  if (!last) return window;
  const afterLadder = shift(
    shift(deadline, last.after, 1, policy.calendar),
    { amount: 7, unit: 'days' },
    1,
    policy.calendar,
  );
  return Date.parse(afterLadder) > Date.parse(window) ? afterLadder : window;
}

/** Where an instruction stands, as its report counts it (办结 = the reply approved by 督导处). */
export type InstructionStatus = 'received' | 'in_progress' | 'submitted' | 'done' | 'missed' | 'cancelled';

export const instructionStatusLabel: Record<InstructionStatus, string> = {
  received: '已交办',
  in_progress: '办理中',
  submitted: '待审核',
  done: '已办结',
  missed: '逾期未办结',
  cancelled: '已撤销',
};

/** Open and past its current deadline at plan time `at`, or closed without being done. */
export const isOverdue = (row: { status: InstructionStatus; due_at: string }, at: string): boolean =>
  row.status === 'missed' ||
  (row.status !== 'done' && row.status !== 'cancelled' && Date.parse(row.due_at) < Date.parse(at));

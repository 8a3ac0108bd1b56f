import { z } from 'zod';
import { Principal } from './principal';
import { EvidenceRef, Iso, ReportedValue } from './report-shapes';
import { DomainError } from './domain-error';

export { DomainError };

const text = (max: number) => z.string().trim().min(1, '内容不能为空').max(max, `内容不能超过${max}字`);

/**
 * What every command carries: who acts, and when (real time) the person acted, which decides the
 * plan time of what the command causes. `requestedAt` is absent only in commands recorded before it
 * existed; the workflow refuses new commands without it.
 */
const envelope = { actor: Principal, requestedAt: Iso.optional() };

/** Human actions on a project, each carried by a Temporal Update. */
export const ProjectCommand = z.discriminatedUnion('type', [
  z.object({ type: z.literal('acknowledge'), ...envelope, assignmentId: z.string() }),
  z.object({
    type: z.literal('submitContribution'),
    ...envelope,
    assignmentId: z.string(),
    narrative: text(20_000),
    values: z.array(ReportedValue).default([]),
    evidence: z.array(EvidenceRef).max(50).default([]),
  }),
  z.object({
    type: z.literal('submitReport'),
    ...envelope,
    milestoneId: z.string(),
    narrative: text(20_000),
    values: z.array(ReportedValue).default([]),
    evidence: z.array(EvidenceRef).max(50).default([]),
  }),
  z.object({
    type: z.literal('approve'),
    ...envelope,
    milestoneId: z.string(),
    comment: z.string().max(5_000).default(''),
  }),
  z.object({ type: z.literal('return'), ...envelope, milestoneId: z.string(), comment: text(5_000) }),
  z.object({
    type: z.literal('requestExtension'),
    ...envelope,
    milestoneId: z.string(),
    reason: text(2_000),
    requestedDueAt: Iso,
  }),
  z.object({
    type: z.literal('decideExtension'),
    ...envelope,
    milestoneId: z.string(),
    requestId: z.string(),
    grant: z.boolean(),
    newDueAt: Iso.optional(),
    comment: z.string().max(2_000).default(''),
  }),
  z.object({
    type: z.literal('requestClosure'),
    ...envelope,
    narrative: text(20_000),
    evidence: z.array(EvidenceRef).max(50).default([]),
  }),
  z.object({
    type: z.literal('decideClosure'),
    ...envelope,
    requestId: z.string(),
    confirm: z.boolean(),
    comment: z.string().max(2_000).default(''),
  }),
  z.object({
    type: z.literal('reassign'),
    ...envelope,
    assignmentId: z.string(),
    toUnit: text(100),
    reason: text(2_000),
  }),
  z.object({
    type: z.literal('submitProgress'),
    ...envelope,
    periodId: z.string(),
    narrative: text(20_000),
    values: z.array(ReportedValue).default([]),
    evidence: z.array(EvidenceRef).max(50).default([]),
  }),
  z.object({ type: z.literal('suspend'), ...envelope, reason: text(2_000) }),
  z.object({ type: z.literal('resume'), ...envelope, reason: text(2_000) }),
  z.object({ type: z.literal('cancel'), ...envelope, reason: text(2_000) }),
  /** 撤回下发: the unit that dispatched a sub-assignment takes it back (nothing more is owed). */
  z.object({ type: z.literal('withdraw'), ...envelope, reason: text(2_000) }),
]);
export type ProjectCommand = z.infer<typeof ProjectCommand>;
export type ProjectCommandType = ProjectCommand['type'];

/** Parses untrusted input into a command, or a DomainError naming the first problem. */
export function parseCommand(input: unknown): ProjectCommand {
  const parsed = ProjectCommand.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DomainError(
      'invalid_command',
      `命令格式不正确：${issue?.path.join('.') || '(根)'} ${issue?.message ?? ''}`,
    );
  }
  return parsed.data;
}

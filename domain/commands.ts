import { z } from 'zod';
import { Principal } from './principal';
import { EvidenceRef, Iso, ReportedValue } from './events';

const text = (max: number) => z.string().trim().min(1, '内容不能为空').max(max, `内容不能超过${max}字`);

/** Human actions on a project, each carried by a Temporal Update with the acting principal. */
export const ProjectCommand = z.discriminatedUnion('type', [
  z.object({ type: z.literal('acknowledge'), actor: Principal, assignmentId: z.string() }),
  z.object({
    type: z.literal('submitContribution'),
    actor: Principal,
    assignmentId: z.string(),
    narrative: text(20_000),
    values: z.array(ReportedValue).default([]),
    evidence: z.array(EvidenceRef).max(50).default([]),
  }),
  z.object({
    type: z.literal('submitReport'),
    actor: Principal,
    milestoneId: z.string(),
    narrative: text(20_000),
    values: z.array(ReportedValue).default([]),
    evidence: z.array(EvidenceRef).max(50).default([]),
  }),
  z.object({
    type: z.literal('approve'),
    actor: Principal,
    milestoneId: z.string(),
    comment: z.string().max(5_000).default(''),
  }),
  z.object({ type: z.literal('return'), actor: Principal, milestoneId: z.string(), comment: text(5_000) }),
  z.object({
    type: z.literal('requestExtension'),
    actor: Principal,
    milestoneId: z.string(),
    reason: text(2_000),
    requestedDueAt: Iso,
  }),
  z.object({
    type: z.literal('decideExtension'),
    actor: Principal,
    milestoneId: z.string(),
    requestId: z.string(),
    grant: z.boolean(),
    newDueAt: Iso.optional(),
    comment: z.string().max(2_000).default(''),
  }),
  z.object({
    type: z.literal('reassign'),
    actor: Principal,
    assignmentId: z.string(),
    toUnit: text(100),
    reason: text(2_000),
  }),
  z.object({ type: z.literal('suspend'), actor: Principal, reason: text(2_000) }),
  z.object({ type: z.literal('resume'), actor: Principal, reason: text(2_000) }),
  z.object({ type: z.literal('cancel'), actor: Principal, reason: text(2_000) }),
]);
export type ProjectCommand = z.infer<typeof ProjectCommand>;
export type ProjectCommandType = ProjectCommand['type'];

/** A command the domain refuses: `code` is stable for machines, `message` is for people (Chinese). */
export class DomainError extends Error {
  constructor(
    readonly code:
      'invalid_command' | 'forbidden' | 'not_found' | 'closed' | 'wrong_state' | 'suspended' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

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

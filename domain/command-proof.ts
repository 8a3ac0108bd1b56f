import { z } from 'zod';
import { canonicalJson } from './canonical-json';
import { Principal } from './principal';

/**
 * A human command's proof of origin. The sender (the web API with its service key, or the CLI
 * with an operator's key) signs the command, the acting principal, an expiry and a nonce, bound to
 * the workflow and Update it is sent to. The worker verifies the signature outside the workflow
 * sandbox (worker/principal-codec.ts) and writes its verdict into the proof; the Update validator
 * refuses any command whose verdict is missing or negative, so nothing unproven reaches history.
 */
export const Verdict = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), keyId: z.string() }),
  z.object({ ok: z.literal(false), reason: z.string() }),
]);
export type Verdict = z.infer<typeof Verdict>;

export const CommandProof = z.object({
  keyId: z.string().min(1),
  principal: Principal,
  /** Real time (ISO) after which the worker refuses the command. */
  expiresAt: z.string(),
  /** Random, and the Update's id: Temporal runs one Update id once per run. */
  nonce: z.string().min(16),
  workflowId: z.string().min(1),
  update: z.string().min(1),
  /** Ed25519 over `signedMessage`, base64. */
  signature: z.string().min(1),
  /** Written by the worker's codec only; whatever a sender put here is discarded. */
  verdict: Verdict.optional(),
});
export type CommandProof = z.infer<typeof CommandProof>;

/** A command as it travels: its own fields plus the proof. */
export type Signed<C> = C & { proof: CommandProof };

/** The exact bytes signed: the command without its proof, and every proof field but the signature. */
export function signedMessage(
  command: Record<string, unknown>,
  proof: Omit<CommandProof, 'signature' | 'verdict'>,
) {
  const { proof: _ignored, ...bare } = command;
  return canonicalJson({
    command: bare,
    principal: proof.principal,
    keyId: proof.keyId,
    expiresAt: proof.expiresAt,
    nonce: proof.nonce,
    workflowId: proof.workflowId,
    update: proof.update,
  });
}

/** How long a signed command stays valid: enough for the busy retries, too short to hoard. */
export const PROOF_LIFETIME_MS = 2 * 60_000;

const samePrincipal = (a: Principal, b: Principal): boolean =>
  a.userId === b.userId && a.role === b.role && a.unit === b.unit;

/**
 * Why a command may not act, or null. Pure: the caller passes the workflow id, the Update's name
 * and id it is running in. Runs in the Update validator, never on replay.
 */
export function proofProblem(
  command: { actor?: unknown; proof?: unknown },
  at: { workflowId: string; update: string; updateId: string | undefined },
): string | null {
  if (command.proof === undefined || command.proof === null)
    return '命令未签名：请通过网页工作台，或用持有操作员密钥的命令行（dudao keys generate）发送';
  const parsed = CommandProof.safeParse(command.proof);
  if (!parsed.success) return '命令的签名格式不正确';
  const proof = parsed.data;
  if (!proof.verdict) return '命令的签名未经核验';
  if (!proof.verdict.ok) return proof.verdict.reason;
  const actor = Principal.safeParse(command.actor);
  if (!actor.success || !samePrincipal(actor.data, proof.principal)) return '命令的身份与签名不符';
  if (proof.principal.role === 'system') return '“系统”身份不能从外部发出命令';
  if (proof.workflowId !== at.workflowId || proof.update !== at.update)
    return '命令的签名属于另一个流程或操作';
  if (at.updateId !== proof.nonce) return '命令的编号与签名不符（疑为重放）';
  return null;
}

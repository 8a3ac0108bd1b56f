import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { findSigningKey } from '../db/signing-keys';
import { CommandProof, type Verdict } from '../domain/command-proof';
import { Principal } from '../domain/principal';
import { START, publicKeyFromBase64, startedBy as signedStarter, verifyProof } from './signing';

/**
 * A start's proof (a cycle, or a 领导批示's item), judged at the time the server started the workflow:
 * signature, key (registered, not revoked by then), lifetime, the principal that starts it (the
 * cycle's `startedBy`, the instruction's recorder), the workflow id.
 */
export async function verifyStartProof(
  db: Kysely<Database>,
  input: { command: Record<string, unknown>; workflowId: string; startedAt: string; workflowType?: string },
): Promise<Verdict> {
  const { command } = input;
  if (command.proof === undefined || command.proof === null)
    return {
      ok: false,
      reason: '命令未签名：请通过网页工作台，或用持有操作员密钥的命令行发起',
    };
  const parsed = CommandProof.safeParse(command.proof);
  if (!parsed.success) return { ok: false, reason: '命令的签名格式不正确' };
  const proof = parsed.data;
  const row = await findSigningKey(db, proof.keyId);
  const key = row
    ? {
        publicKey: publicKeyFromBase64(row.public_key),
        revokedAt: row.revoked_at && new Date(row.revoked_at),
      }
    : null;
  const verdict = verifyProof(command, proof, key, Date.parse(input.startedAt));
  if (!verdict.ok) return verdict;
  const startedBy = Principal.safeParse(
    signedStarter(input.workflowType ?? 'inspectionCycleWorkflow', command),
  );
  const p = proof.principal;
  if (
    !startedBy.success ||
    startedBy.data.userId !== p.userId ||
    startedBy.data.role !== p.role ||
    startedBy.data.unit !== p.unit
  )
    return { ok: false, reason: '命令的身份与签名不符' };
  if (proof.workflowId !== input.workflowId || proof.update !== START)
    return { ok: false, reason: '命令的签名属于另一个流程或操作' };
  return verdict;
}

import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { findSigningKey } from '../db/signing-keys';
import { CommandProof, type Verdict } from '../domain/command-proof';
import { publicKeyFromBase64, verifyProof, type VerifyingKey } from '../app/signing';

/** How long a key (or its absence) is trusted before it is read again: revocation takes effect within it. */
const KEY_TTL_MS = 5_000;

/** Public keys read from `signing_keys`, briefly cached. */
export class SigningKeyCache {
  private readonly cache = new Map<string, { key: VerifyingKey | null; readAt: number }>();

  constructor(private readonly db: Kysely<Database>) {}

  async get(keyId: string, nowMs = Date.now()): Promise<VerifyingKey | null> {
    const hit = this.cache.get(keyId);
    if (hit && nowMs - hit.readAt < KEY_TTL_MS) return hit.key;
    const row = await findSigningKey(this.db, keyId);
    const key = row
      ? {
          publicKey: publicKeyFromBase64(row.public_key),
          revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
        }
      : null;
    this.cache.set(keyId, { key, readAt: nowMs });
    return key;
  }
}

const JSON_ENCODING = 'json/plain';
const decoder = new TextDecoder();
const encoder = new TextEncoder();

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The worker side of the trust boundary, outside the workflow sandbox: every payload a workflow
 * receives passes here. A JSON object carrying a `proof` gets the proof's `verdict` written by
 * this codec alone — any verdict a sender wrote is replaced — and the Update validator acts on it
 * (domain/command-proof.ts). The codec never refuses a payload itself: on replay the verdict may
 * differ (the proof has expired), which is harmless because validators do not run on replay.
 */
export class PrincipalCodec implements PayloadCodec {
  constructor(
    private readonly keys: SigningKeyCache,
    private readonly now: () => number = Date.now,
  ) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads;
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map((p) => this.decodeOne(p)));
  }

  private async decodeOne(payload: Payload): Promise<Payload> {
    const encoding = payload.metadata?.encoding;
    if (!payload.data || !encoding || decoder.decode(encoding) !== JSON_ENCODING) return payload;
    const data = Buffer.from(payload.data.buffer, payload.data.byteOffset, payload.data.byteLength);
    // Only a payload naming `proof` (or hiding a name behind a \u escape) can carry one: others pass untouched.
    if (!data.includes('"proof"') && !data.includes('\\u')) return payload;
    let value: unknown;
    try {
      value = JSON.parse(data.toString('utf8'));
    } catch {
      return payload;
    }
    if (!isObject(value) || !('proof' in value) || !isObject(value.proof)) return payload;
    const verdict = await this.verdict(value);
    const proof = { ...value.proof, verdict };
    return { ...payload, data: encoder.encode(JSON.stringify({ ...value, proof })) };
  }

  private async verdict(command: Record<string, unknown>): Promise<Verdict> {
    const { verdict: _sendersVerdict, ...sent } = command.proof as Record<string, unknown>;
    const parsed = CommandProof.safeParse(sent);
    if (!parsed.success) return { ok: false, reason: '命令的签名格式不正确' };
    const key = await this.keys.get(parsed.data.keyId);
    return verifyProof(command, parsed.data, key, this.now());
  }
}

import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { findSigningKey, type SigningKeyRow } from '../db/signing-keys';
import { CommandProof, type Verdict } from '../domain/command-proof';
import { publicKeyFromBase64, verifyProof, type VerifyingKey } from '../app/signing';

/** How long a key (or its absence) is trusted before it is read again: revocation takes effect within it. */
const KEY_TTL_MS = 5_000;
/**
 * How long a key read before stays usable while the database cannot be read (a restart, a
 * failover). A revocation cannot be written during such an outage either, so the key as last read
 * is the best answer; past this the codec stops vouching for it.
 */
const STALE_KEY_LIMIT_MS = 10 * 60_000;
/** Pauses between reads of an unreachable database before the codec gives up (under 2 s in all). */
const READ_RETRIES_MS = [100, 400, 1_000] as const;

type KeyLookup = (keyId: string) => Promise<SigningKeyRow | undefined>;

/** The database could not be read and no earlier reading of the key is fresh enough to use. */
export class KeyUnavailable extends Error {
  constructor(keyId: string, cause: unknown) {
    super(`signing key ${keyId} could not be read`, { cause });
    this.name = 'KeyUnavailable';
  }
}

/** Public keys read from `signing_keys`, briefly cached, and kept through a database outage. */
export class SigningKeyCache {
  private readonly cache = new Map<string, { key: VerifyingKey | null; readAt: number }>();
  private readonly lookup: KeyLookup;

  constructor(
    source: Kysely<Database> | KeyLookup,
    private readonly pause: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.lookup = typeof source === 'function' ? source : (keyId) => findSigningKey(source, keyId);
  }

  /** The key, or null when none is registered; throws `KeyUnavailable` only when it cannot tell. */
  async get(keyId: string, nowMs = Date.now()): Promise<VerifyingKey | null> {
    const hit = this.cache.get(keyId);
    if (hit && nowMs - hit.readAt < KEY_TTL_MS) return hit.key;
    let row: SigningKeyRow | undefined;
    try {
      row = await this.read(keyId);
    } catch (err) {
      if (hit && nowMs - hit.readAt < STALE_KEY_LIMIT_MS) return hit.key;
      throw new KeyUnavailable(keyId, err);
    }
    const key = row
      ? {
          publicKey: publicKeyFromBase64(row.public_key),
          revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
        }
      : null;
    this.cache.set(keyId, { key, readAt: nowMs });
    return key;
  }

  private async read(keyId: string): Promise<SigningKeyRow | undefined> {
    for (const ms of READ_RETRIES_MS) {
      try {
        return await this.lookup(keyId);
      } catch {
        await this.pause(ms);
      }
    }
    return this.lookup(keyId);
  }
}

const KEY_UNAVAILABLE = '暂时无法核验命令的签名（数据库暂不可用）：请稍后重试';

const JSON_ENCODING = 'json/plain';
const decoder = new TextDecoder();
const encoder = new TextEncoder();

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The worker side of the trust boundary, outside the workflow sandbox: every payload a workflow
 * receives passes here. A JSON object carrying a `proof` gets the proof's `verdict` written by
 * this codec alone — any verdict a sender wrote is replaced — and the Update validator acts on it
 * (domain/command-proof.ts). The codec never refuses a payload itself, and never fails one: on
 * replay the verdict may differ (the proof has expired, the database is down), which is harmless
 * because validators do not run on replay.
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
    let key: VerifyingKey | null;
    try {
      key = await this.keys.get(parsed.data.keyId);
    } catch (err) {
      // Failing the payload would fail the whole workflow task, replays included, for as long as
      // the database is down. A negative verdict refuses only a live command (validators never run
      // on replay), and the sender can send it again.
      if (err instanceof KeyUnavailable) return { ok: false, reason: KEY_UNAVAILABLE };
      throw err;
    }
    return verifyProof(command, parsed.data, key, this.now());
  }
}

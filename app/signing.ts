import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { PROOF_LIFETIME_MS, signedMessage, type CommandProof, type Verdict } from '../domain/command-proof';
import { Principal } from '../domain/principal';
import { projectCommandTypes } from '../workflows/messages';

/** The pseudo-Update name a cycle start is signed under. */
export const START = 'start';

/** The Updates that carry a person's command: each is signed by the client and verified by the worker. */
export const SIGNED_UPDATES: ReadonlySet<string> = new Set<string>([
  ...projectCommandTypes,
  'extend',
  'cancel',
]);

export type KeyKind = 'service' | 'operator';

/** What a key file holds (JSON, mode 0600): the private key never leaves it. */
export interface KeyFile {
  keyId: string;
  kind: KeyKind;
  label: string;
  /** PKCS#8 PEM. */
  privateKey: string;
}

/** The key id is derived from the public key, so the same key always has the same id. */
export const keyIdOf = (publicKeyDer: Buffer): string =>
  `k-${createHash('sha256').update(publicKeyDer).digest('hex').slice(0, 16)}`;

export const publicKeyDer = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });

export function generateKeyFile(kind: KeyKind, label: string): { file: KeyFile; publicKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const der = publicKeyDer(publicKey);
  return {
    file: {
      keyId: keyIdOf(der),
      kind,
      label,
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
    publicKey: der.toString('base64'),
  };
}

/**
 * Writes a key file readable by its owner only (its directory too). Only the key directory is
 * closed: a data directory created on the way keeps the usual mode, since the embedded PostgreSQL
 * (run as its own user when dudao runs as root) keeps its files beside it.
 */
export function writeKeyFile(dir: string, file: KeyFile, name = `${file.keyId}.json`): string {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const target = path.join(dir, name);
  fs.writeFileSync(target, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return target;
}

export function readKeyFile(file: string): KeyFile {
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFile;
  } catch (err) {
    throw new Error(`无法读取签名密钥文件 ${file}：${(err as Error).message}`);
  }
  if (!parsed.keyId || !parsed.privateKey) throw new Error(`签名密钥文件 ${file} 内容不完整`);
  if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0)
    throw new Error(`签名密钥文件 ${file} 的权限过宽：请执行 chmod 600 ${file}`);
  return parsed;
}

/** Anything that signs commands: one key, or a key file followed across rotations. */
export interface Signer {
  sign(
    update: string,
    workflowId: string,
    command: Record<string, unknown>,
    opts?: SignOptions,
  ): CommandProof;
}

export interface SignOptions {
  /** Real time the proof is made at (its lifetime starts there). */
  nowMs?: number;
  /** Who acts: the command's `actor` unless given (a cycle start's `startedBy`). */
  principal?: unknown;
  /**
   * The nonce, which is also the Update's id: a command sent again under the id it was first sent
   * with (its answer was not heard) attaches to the Update already sent. Fresh unless given.
   */
  nonce?: string;
}

/** Signs commands with one private key. */
export class CommandSigner implements Signer {
  private readonly key: KeyObject;
  readonly keyId: string;

  constructor(file: KeyFile) {
    this.key = createPrivateKey(file.privateKey);
    this.keyId = keyIdOf(publicKeyDer(createPublicKey(this.key)));
    if (this.keyId !== file.keyId) throw new Error(`签名密钥文件与其编号 ${file.keyId} 不符`);
  }

  /** The proof for `command` sent as Update `update` to `workflowId`, valid from `nowMs` on. */
  sign(
    update: string,
    workflowId: string,
    command: Record<string, unknown>,
    { nowMs = Date.now(), principal: acting = command.actor, nonce = randomUUID() }: SignOptions = {},
  ): CommandProof {
    const principal = Principal.parse(acting);
    if (principal.role === 'system') throw new Error('“系统”身份不能从外部发出命令');
    const unsigned = {
      keyId: this.keyId,
      principal,
      expiresAt: new Date(nowMs + PROOF_LIFETIME_MS).toISOString(),
      nonce,
      workflowId,
      update,
    };
    const signature = sign(null, Buffer.from(signedMessage(command, unsigned)), this.key).toString('base64');
    return { ...unsigned, signature };
  }
}

/**
 * Signs with the key in `file`, re-read when the file changes (`dudao keys rotate` swaps it), so
 * a long-running server follows a rotation without a restart: within a second, since the file is
 * looked at no more than once a second (a busy server signs hundreds of commands a second).
 */
export class KeyFileSigner implements Signer {
  private current: { signer: CommandSigner; mtimeMs: number; checkedAt: number } | null = null;

  constructor(
    private readonly file: string,
    private readonly now: () => number = Date.now,
  ) {}

  get keyId(): string {
    return this.load().keyId;
  }

  sign(
    update: string,
    workflowId: string,
    command: Record<string, unknown>,
    opts?: SignOptions,
  ): CommandProof {
    return this.load().sign(update, workflowId, command, opts);
  }

  private load(): CommandSigner {
    const checkedAt = this.now();
    if (this.current && checkedAt - this.current.checkedAt < 1_000) return this.current.signer;
    const { mtimeMs } = fs.statSync(this.file);
    if (this.current?.mtimeMs !== mtimeMs)
      this.current = { signer: new CommandSigner(readKeyFile(this.file)), mtimeMs, checkedAt };
    else this.current.checkedAt = checkedAt;
    return this.current.signer;
  }
}

/**
 * The client side of the trust boundary: every command Update this client sends is signed, with
 * the nonce as its Update id, so Temporal itself runs a captured command at most once per run;
 * so is every cycle it starts (as `startedBy`, bound to the cycle's workflow id) and every 领导批示
 * it records (as the instruction's `by`).
 */
export function signingInterceptor(signer: Signer): WorkflowClientInterceptor {
  return {
    async start(input, next) {
      const [first, ...rest] = (input.options.args ?? []) as [unknown, ...unknown[]];
      // A start without an object argument (a test's deliberately broken workflow) is no command.
      if (typeof first !== 'object' || first === null) return next(input);
      const command = first as Record<string, unknown>;
      const principal = startedBy(input.workflowType, command);
      if (principal === undefined) return next(input);
      const proof = signer.sign(START, input.options.workflowId, command, { principal });
      return next({ ...input, options: { ...input.options, args: [{ ...command, proof }, ...rest] } });
    },
    async startUpdate(input, next) {
      if (!SIGNED_UPDATES.has(input.updateName)) return next(input);
      const [command, ...rest] = input.args as [Record<string, unknown>, ...unknown[]];
      const proof = signer.sign(input.updateName, input.workflowExecution.workflowId, command, {
        nonce: input.options.updateId,
      });
      return next({
        ...input,
        args: [{ ...command, proof }, ...rest],
        options: { ...input.options, updateId: proof.nonce },
      });
    },
  };
}

/**
 * Who a workflow start is signed as: a cycle's `startedBy`, a 领导批示's recorder, a 整改's issuer, a 下发's unit; undefined for
 * starts that are not a person's command (a cycle's own project children are started by the cycle).
 */
export function startedBy(workflowType: string, command: Record<string, unknown>): unknown {
  if (workflowType === 'inspectionCycleWorkflow') return command.startedBy;
  const instruction = command.instruction as { by?: unknown } | undefined;
  if (workflowType === 'majorProjectWorkflow' && instruction) return instruction.by;
  const rectification = command.rectification as { by?: unknown } | undefined;
  if (workflowType === 'majorProjectWorkflow' && rectification) return rectification.by;
  const subAssignment = command.subAssignment as { by?: unknown } | undefined;
  if (workflowType === 'majorProjectWorkflow' && subAssignment) return subAssignment.by;
  return undefined;
}

/** Client options that sign: `new Client({ connection, namespace, ...signingClientOptions(signer) })`. */
export const signingClientOptions = (signer: Signer | null) =>
  signer ? { interceptors: { workflow: [signingInterceptor(signer)] } } : {};

/** A registered public key as the verifier needs it. */
export interface VerifyingKey {
  publicKey: KeyObject;
  revokedAt: Date | null;
}

/** Clock skew tolerated between the signer and the worker. */
const SKEW_MS = 30_000;

/** Checks a proof's signature, key and lifetime (the validator checks the rest: proofProblem). */
export function verifyProof(
  command: Record<string, unknown>,
  proof: CommandProof,
  key: VerifyingKey | null,
  nowMs: number,
): Verdict {
  if (!key) return { ok: false, reason: `签名密钥 ${proof.keyId} 未登记` };
  if (key.revokedAt && key.revokedAt.getTime() <= nowMs)
    return { ok: false, reason: `签名密钥 ${proof.keyId} 已吊销` };
  let valid = false;
  try {
    valid = verify(
      null,
      Buffer.from(signedMessage(command, proof)),
      key.publicKey,
      Buffer.from(proof.signature, 'base64'),
    );
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, reason: '命令的签名无效（内容或身份被改动，或不是该密钥所签）' };
  const expires = Date.parse(proof.expiresAt);
  if (!Number.isFinite(expires) || expires < nowMs - SKEW_MS)
    return { ok: false, reason: '命令已过期，请重新发送' };
  if (expires > nowMs + PROOF_LIFETIME_MS + SKEW_MS) return { ok: false, reason: '命令的有效期过长' };
  if (proof.principal.role === 'system') return { ok: false, reason: '“系统”身份不能从外部发出命令' };
  return { ok: true, keyId: proof.keyId };
}

export const publicKeyFromBase64 = (der: string): KeyObject =>
  createPublicKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'spki' });

import { createPrivateKey, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { findSigningKey, registerSigningKey, revokeSigningKey } from '../db/signing-keys';
import { PROOF_LIFETIME_MS } from '../domain/command-proof';
import {
  CommandSigner,
  KeyFileSigner,
  generateKeyFile,
  publicKeyDer,
  readKeyFile,
  writeKeyFile,
  type KeyKind,
} from './signing';

/** Generates a key pair, writes the private key to `file` (0600) and registers the public key. */
export async function generateKey(
  db: Kysely<Database>,
  file: string,
  kind: KeyKind,
  label: string,
): Promise<KeyFileSigner> {
  if (fs.existsSync(file)) throw new Error(`签名密钥文件 ${file} 已存在：轮换请用 dudao keys rotate`);
  const { file: key, publicKey } = generateKeyFile(kind, label);
  writeKeyFile(path.dirname(file), key, path.basename(file));
  await registerSigningKey(db, { keyId: key.keyId, publicKey, kind, label });
  return new KeyFileSigner(file);
}

/**
 * The key of `file`, generated when missing and registered when not yet (the stack's own service
 * key, by its owner connection: one data directory may serve a new database). A revoked key stays
 * revoked.
 */
export async function ensureKey(
  db: Kysely<Database>,
  file: string,
  kind: KeyKind,
  label: string,
): Promise<KeyFileSigner> {
  if (!fs.existsSync(file)) return generateKey(db, file, kind, label);
  const key = readKeyFile(file);
  const der = publicKeyDer(createPublicKey(createPrivateKey(key.privateKey)));
  await registerSigningKey(db, {
    keyId: key.keyId,
    publicKey: der.toString('base64'),
    kind: key.kind,
    label: key.label,
  });
  return loadRegisteredSigner(db, file);
}

/**
 * A key file's signer, refused (in Chinese, saying what to do) unless its public key is registered
 * and not revoked: a process must not start signing commands every worker will refuse.
 */
export async function loadRegisteredSigner(db: Kysely<Database>, file: string): Promise<KeyFileSigner> {
  const signer = new CommandSigner(readKeyFile(file));
  const row = await findSigningKey(db, signer.keyId);
  if (!row)
    throw new Error(`签名密钥 ${signer.keyId}（${file}）未登记：请用 dudao keys generate 生成并登记密钥`);
  if (row.revoked_at !== null && new Date(row.revoked_at).getTime() <= Date.now())
    throw new Error(`签名密钥 ${signer.keyId}（${file}）已吊销：请用 dudao keys rotate 换新密钥`);
  return new KeyFileSigner(file);
}

/**
 * Replaces the key of `file` by a new one: the new public key is registered first, the file is
 * swapped atomically, and the old key is revoked after one proof lifetime, so commands signed a
 * moment ago still land. Returns both key ids.
 */
export async function rotateKey(
  db: Kysely<Database>,
  file: string,
  label?: string,
): Promise<{ old: string; next: string; revokedAt: Date }> {
  const old = readKeyFile(file);
  const { file: key, publicKey } = generateKeyFile(old.kind, label ?? old.label);
  await registerSigningKey(db, { keyId: key.keyId, publicKey, kind: key.kind, label: key.label });
  const staging = writeKeyFile(path.dirname(file), key, `.${path.basename(file)}.${key.keyId}`);
  fs.renameSync(staging, file);
  const revokedAt = new Date(Date.now() + PROOF_LIFETIME_MS);
  await revokeSigningKey(db, old.keyId, revokedAt);
  return { old: old.keyId, next: key.keyId, revokedAt };
}

import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { EvidenceRef } from '../domain/events';
import type { Principal } from '../domain/principal';
import {
  EvidenceRejected,
  recordEvidenceUpload,
  evidencePath as storedPath,
  storeEvidenceFile,
  uncitableEvidence,
} from '../db/evidence';
import { ApiError } from './errors';

export { acceptedTypes, unitMayReadEvidence } from '../db/evidence';

/** Largest evidence file accepted (bytes): DUDAO_EVIDENCE_MAX_BYTES, default 20 MiB. */
export const evidenceMaxBytes = (): number =>
  Number(process.env.DUDAO_EVIDENCE_MAX_BYTES ?? 20 * 1024 * 1024);

/** The store's folder under the data directory. */
export const evidenceDir = (dataDir: string): string => path.join(dataDir, 'evidence');
export const evidencePath = (dataDir: string, sha256: string): string =>
  storedPath(evidenceDir(dataDir), sha256);

const statusOf = { unsupported_type: 415, too_large: 413, empty: 400 } as const;

/** Checks and stores one upload under its SHA-256 (content-addressed: the same file is stored once). */
export async function storeEvidence(
  dataDir: string,
  file: { name: string; type: string; bytes: Buffer },
): Promise<EvidenceRef> {
  try {
    return await storeEvidenceFile(evidenceDir(dataDir), file, evidenceMaxBytes());
  } catch (err) {
    if (err instanceof EvidenceRejected)
      throw new ApiError(
        statusOf[err.reason],
        err.reason === 'empty' ? 'invalid_command' : err.reason,
        err.message,
      );
    throw err;
  }
}

/**
 * A unit's upload: the file checked and stored, and recorded as the unit's (it may then read it
 * back and cite it). The API's `POST /api/evidence` and the demo's simulated units both come here.
 */
export async function uploadEvidence(
  deps: { db: Kysely<Database>; dataDir: string },
  uploader: { unit: string; userId: string; ip?: string | null },
  file: { name: string; type: string; bytes: Buffer },
): Promise<EvidenceRef> {
  const ref = await storeEvidence(deps.dataDir, file);
  await recordEvidenceUpload(deps.db, {
    sha256: ref.sha256,
    unit: uploader.unit,
    uploadedBy: uploader.userId,
    name: ref.name ?? null,
    ip: uploader.ip ?? null,
  });
  return ref;
}

/**
 * Refuses a submission citing evidence its unit may not cite: a hash the unit did not upload and
 * that is not already attached to the project (any 64 hex digits would otherwise pass, and citing
 * another unit's hash would open that unit's file to the citer).
 */
export async function assertCitable(
  db: Kysely<Database>,
  principal: Principal,
  at: { cycleId: string; projectId: string },
  evidence: EvidenceRef[],
): Promise<void> {
  const refused = await uncitableEvidence(db, {
    unit: principal.unit,
    ...at,
    hashes: evidence.map((e) => e.sha256),
  });
  if (refused.length === 0) return;
  const named = refused.map((h) => {
    const e = evidence.find((x) => x.sha256 === h)!;
    return `“${e.name ?? e.ref}”（${h.slice(0, 12)}…）`;
  });
  throw new ApiError(
    400,
    'unknown_evidence',
    `不能引用佐证材料 ${named.join('、')}：它既不是${principal.unit ?? '本单位'}上传的，也不在该项目已有的材料中。请先上传该文件（POST /api/evidence，或在工作台选择文件），再报送。`,
  );
}

import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Database } from './database';
import type { EvidenceRef } from '../domain/events';

/**
 * The evidence store: files kept under their SHA-256 (`<dir>/<sha256>`, written once) and, in
 * `evidence_uploads`, which unit uploaded which hash. A submission may cite a hash only when its
 * unit uploaded it or it is already attached to the project.
 */

/**
 * The document types a unit may attach. Where a format has a signature, the bytes must carry it,
 * so a renamed executable is not stored as a PDF.
 */
const accepted: Record<string, { ext: string[]; magic?: number[] }> = {
  'application/pdf': { ext: ['.pdf'], magic: [0x25, 0x50, 0x44, 0x46] },
  'image/png': { ext: ['.png'], magic: [0x89, 0x50, 0x4e, 0x47] },
  'image/jpeg': { ext: ['.jpg', '.jpeg'], magic: [0xff, 0xd8, 0xff] },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
    ext: ['.docx'],
    magic: [0x50, 0x4b, 0x03, 0x04],
  },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
    ext: ['.xlsx'],
    magic: [0x50, 0x4b, 0x03, 0x04],
  },
  'text/plain': { ext: ['.txt'] },
  'text/csv': { ext: ['.csv'] },
};
export const acceptedTypes = Object.keys(accepted);

/** The type a file name's extension stands for (a local file has no declared type). */
export const typeOfName = (name: string): string =>
  Object.entries(accepted).find(([, rule]) => rule.ext.includes(path.extname(name).toLowerCase()))?.[0] ??
  'application/octet-stream';

/** Why a file was not stored (the adapter turns it into its own error). */
export class EvidenceRejected extends Error {
  constructor(
    readonly reason: 'unsupported_type' | 'empty' | 'too_large',
    message: string,
  ) {
    super(message);
    this.name = 'EvidenceRejected';
  }
}

export const evidencePath = (dir: string, sha256: string): string => path.join(dir, sha256);

/** Checks and stores one file under its SHA-256 (content-addressed: the same file is stored once). */
export async function storeEvidenceFile(
  dir: string,
  file: { name: string; type: string; bytes: Buffer },
  maxBytes: number,
): Promise<EvidenceRef> {
  const rule = accepted[file.type.split(';')[0]!.trim().toLowerCase()];
  const name = path.basename(file.name).slice(0, 200);
  if (!rule || !rule.ext.includes(path.extname(name).toLowerCase()))
    throw new EvidenceRejected(
      'unsupported_type',
      '不支持的文件类型：请上传 PDF、图片（PNG/JPEG）、Word、Excel、TXT 或 CSV',
    );
  if (rule.magic && !rule.magic.every((b, i) => file.bytes[i] === b))
    throw new EvidenceRejected(
      'unsupported_type',
      `文件内容与类型不符：“${name}”不是有效的${path.extname(name)}文件`,
    );
  if (file.bytes.length === 0) throw new EvidenceRejected('empty', '文件为空');
  if (file.bytes.length > maxBytes)
    throw new EvidenceRejected('too_large', `文件超过 ${Math.floor(maxBytes / 1048576)} MB 上限`);
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const target = evidencePath(dir, sha256);
  await fs.mkdir(dir, { recursive: true });
  // Write then rename, so a reader never sees half a file under a valid hash.
  const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temp, file.bytes, { flag: 'wx' });
  await fs.rename(temp, target);
  return { ref: `evidence:${sha256}`, sha256, name };
}

/**
 * Records that `unit` uploaded `sha256`, with its security-audit row, in one transaction. The
 * same file uploaded again by the same unit keeps its first record.
 */
export async function recordEvidenceUpload(
  db: Kysely<Database>,
  upload: { sha256: string; unit: string; uploadedBy: string; name: string | null; ip?: string | null },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('evidence_uploads')
      .values({ sha256: upload.sha256, unit: upload.unit, uploaded_by: upload.uploadedBy, name: upload.name })
      .onConflict((oc) => oc.columns(['sha256', 'unit']).doNothing())
      .execute();
    await trx
      .insertInto('security_events')
      .values({
        kind: 'evidence_uploaded',
        username: upload.uploadedBy,
        ip: upload.ip ?? null,
        detail: JSON.stringify({ sha256: upload.sha256, unit: upload.unit, name: upload.name }),
      })
      .execute();
  });
}

/** Events whose `evidence` attaches files to a project (定期反馈 and 办结申请 cite it like a report). */
const SUBMISSION_TYPES = [
  'ReportSubmitted',
  'ContributionSubmitted',
  'ProgressReported',
  'ClosureRequested',
] as const;

/**
 * The hashes among `hashes` that `unit` may not cite on `projectId` in `cycleId`: neither uploaded
 * by the unit nor already attached to that project by an earlier submission.
 */
export async function uncitableEvidence(
  db: Kysely<Database>,
  cite: { unit: string | null; cycleId: string; projectId: string; hashes: string[] },
): Promise<string[]> {
  const wanted = [...new Set(cite.hashes)];
  if (wanted.length === 0) return [];
  const uploaded = cite.unit
    ? await db
        .selectFrom('evidence_uploads')
        .select('sha256')
        .where('unit', '=', cite.unit)
        .where('sha256', 'in', wanted)
        .execute()
    : [];
  const known = new Set(uploaded.map((r) => r.sha256));
  const rest = wanted.filter((h) => !known.has(h));
  if (rest.length === 0) return [];
  const { rows: attached } = await sql<{ sha256: string }>`
    SELECT DISTINCT cited->>'sha256' AS sha256
    FROM events, jsonb_array_elements(events.payload->'evidence') AS cited
    WHERE events.cycle_id = ${cite.cycleId} AND events.project_id = ${cite.projectId}
      AND events.type IN (${sql.join([...SUBMISSION_TYPES])})
      AND cited->>'sha256' IN (${sql.join(rest)})`.execute(db);
  for (const r of attached) known.add(r.sha256);
  return rest.filter((h) => !known.has(h));
}

/**
 * Whether a unit may read a piece of evidence: its own upload, or evidence submitted on a project
 * one of whose assignments is the unit's. 督导处 and auditors read all evidence.
 */
export async function unitMayReadEvidence(
  db: Kysely<Database>,
  unit: string,
  sha256: string,
): Promise<boolean> {
  const uploaded = await db
    .selectFrom('evidence_uploads')
    .select('sha256')
    .where('sha256', '=', sha256)
    .where('unit', '=', unit)
    .executeTakeFirst();
  if (uploaded) return true;
  const submitted = await db
    .selectFrom('events as e')
    .select('e.position')
    .where('e.type', 'in', SUBMISSION_TYPES)
    .where(sql<boolean>`e.payload->'evidence' @> ${JSON.stringify([{ sha256 }])}::jsonb`)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('assignments as a')
          .select('a.assignment_id')
          .whereRef('a.project_id', '=', 'e.project_id')
          .whereRef('a.cycle_id', '=', 'e.cycle_id')
          .where('a.unit', '=', unit),
      ),
    )
    .limit(1)
    .executeTakeFirst();
  return submitted !== undefined;
}

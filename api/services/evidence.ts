import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database';
import type { EvidenceRef } from '../../domain/events';
import { ApiError } from '../errors';

/** Largest evidence file accepted (bytes): DUDAO_EVIDENCE_MAX_BYTES, default 20 MiB. */
export const evidenceMaxBytes = (): number =>
  Number(process.env.DUDAO_EVIDENCE_MAX_BYTES ?? 20 * 1024 * 1024);

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

export const evidencePath = (dataDir: string, sha256: string): string =>
  path.join(dataDir, 'evidence', sha256);

/** Checks and stores one upload under its SHA-256 (content-addressed: the same file is stored once). */
export async function storeEvidence(
  dataDir: string,
  file: { name: string; type: string; bytes: Buffer },
): Promise<EvidenceRef> {
  const rule = accepted[file.type.split(';')[0]!.trim().toLowerCase()];
  const name = path.basename(file.name).slice(0, 200);
  if (!rule || !rule.ext.includes(path.extname(name).toLowerCase()))
    throw new ApiError(
      415,
      'unsupported_type',
      '不支持的文件类型：请上传 PDF、图片（PNG/JPEG）、Word、Excel、TXT 或 CSV',
    );
  if (rule.magic && !rule.magic.every((b, i) => file.bytes[i] === b))
    throw new ApiError(
      415,
      'unsupported_type',
      `文件内容与类型不符：“${name}”不是有效的${path.extname(name)}文件`,
    );
  if (file.bytes.length === 0) throw new ApiError(400, 'invalid_command', '文件为空');
  if (file.bytes.length > evidenceMaxBytes())
    throw new ApiError(413, 'too_large', `文件超过 ${Math.floor(evidenceMaxBytes() / 1048576)} MB 上限`);
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const target = evidencePath(dataDir, sha256);
  await fs.mkdir(path.dirname(target), { recursive: true });
  // Write then rename, so a reader never sees half a file under a valid hash.
  const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temp, file.bytes, { flag: 'wx' });
  await fs.rename(temp, target);
  return { ref: `evidence:${sha256}`, sha256, name };
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
    .selectFrom('security_events')
    .select('id')
    .where('kind', '=', 'evidence_uploaded')
    .where(sql<boolean>`detail @> ${JSON.stringify({ sha256, unit })}::jsonb`)
    .limit(1)
    .executeTakeFirst();
  if (uploaded) return true;
  const submitted = await db
    .selectFrom('events as e')
    .select('e.position')
    .where('e.type', 'in', ['ReportSubmitted', 'ContributionSubmitted'])
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

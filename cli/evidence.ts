import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EvidenceRef } from '../domain/events';
import type { Principal } from '../domain/principal';
import { recordEvidenceUpload, storeEvidenceFile, typeOfName, uncitableEvidence } from '../db/evidence';
import { dataDir } from '../stack/paths';
import { withDatabase } from './context';

const SHA256 = /^[0-9a-f]{64}$/;
const asFile = (spec: string) => fs.existsSync(spec) && fs.statSync(spec).isFile();

/**
 * What a `--evidence` value cites: a local file (hashed here, uploaded to the evidence store
 * before the submission is sent), or `<ref>=<sha256>` / `<sha256>` for evidence already in the
 * store (uploaded by the unit, or attached to the project).
 */
export function evidenceFrom(spec: string): EvidenceRef {
  if (asFile(spec)) {
    const sha256 = createHash('sha256').update(fs.readFileSync(spec)).digest('hex');
    return { ref: `evidence:${sha256}`, sha256, name: path.basename(spec) };
  }
  if (SHA256.test(spec)) return { ref: `evidence:${spec}`, sha256: spec };
  const at = spec.lastIndexOf('=');
  if (at > 0 && SHA256.test(spec.slice(at + 1)))
    return { ref: spec.slice(0, at), sha256: spec.slice(at + 1) };
  throw new Error(
    `佐证材料“${spec}”既不是本地文件，也不是已上传材料的哈希。请给出文件路径，或写成 <编号或网址>=<SHA-256>（须为本单位已上传或该项目已有的材料）。`,
  );
}

/**
 * Before a submission is sent: uploads its local files to the evidence store as the acting unit,
 * then refuses it if it cites a hash the unit may not cite on this project (neither its own
 * upload nor already attached to the project), as the API does.
 */
export async function citeEvidence(
  specs: string[],
  actor: Principal,
  project: { cycleId: string; itemId: string },
): Promise<void> {
  if (specs.length === 0) return;
  const cited = specs.map(evidenceFrom);
  await withDatabase(async ({ db }) => {
    if (specs.some(asFile)) {
      if (!actor.unit) throw new Error('只有承办单位可以上传佐证材料：请用 --as <单位>:unit_staff 指明单位');
      await uploadLocalFiles(db, specs, actor.unit, actor.userId);
    }
    const refused = await uncitableEvidence(db, {
      unit: actor.unit,
      cycleId: project.cycleId,
      projectId: project.itemId,
      hashes: cited.map((c) => c.sha256),
    });
    if (refused.length > 0)
      throw new Error(
        `不能引用佐证材料 ${refused.map((h) => `${h.slice(0, 12)}…`).join('、')}：它既不是${actor.unit ?? '本单位'}上传的，也不在项目 ${project.itemId} 已有的材料中。请改为给出文件路径（会先上传），或先在网页工作台上传。`,
      );
  }, 'web');
}

/** Stores the local files among `specs` in the evidence store as `unit`'s uploads (others are hashes). */
export async function uploadLocalFiles(
  db: Parameters<typeof recordEvidenceUpload>[0],
  specs: string[],
  unit: string,
  uploadedBy: string,
): Promise<void> {
  for (const spec of specs.filter(asFile)) {
    const stored = await storeEvidenceFile(
      path.join(dataDir(), 'evidence'),
      { name: path.basename(spec), type: typeOfName(spec), bytes: fs.readFileSync(spec) },
      Number(process.env.DUDAO_EVIDENCE_MAX_BYTES ?? 20 * 1024 * 1024),
    );
    await recordEvidenceUpload(db, { sha256: stored.sha256, unit, uploadedBy, name: stored.name ?? null });
  }
}

/** `--value 1=82`: the first target (numbered from 1, as listed) reported as 82. */
export function valueFrom(spec: string): { targetIndex: number; value: number } {
  const m = /^([1-9]\d*)=(-?\d+(?:\.\d+)?)$/.exec(spec.trim());
  if (!m) throw new Error(`目标值“${spec}”格式不正确，应为 <目标序号>=<数值>（序号从 1 开始），例如 1=82`);
  return { targetIndex: Number(m[1]) - 1, value: Number(m[2]) };
}

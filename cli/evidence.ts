import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { EvidenceRef } from '../domain/events';

/**
 * `--evidence` values: a local file (hashed here), or `<ref>=<sha256>` for a document id or URL
 * whose hash the unit supplies.
 */
export function evidenceFrom(spec: string): EvidenceRef {
  const at = spec.lastIndexOf('=');
  if (at > 0 && /^[0-9a-f]{64}$/.test(spec.slice(at + 1)))
    return { ref: spec.slice(0, at), sha256: spec.slice(at + 1) };
  if (fs.existsSync(spec) && fs.statSync(spec).isFile()) {
    return {
      ref: `file:${spec}`,
      sha256: createHash('sha256').update(fs.readFileSync(spec)).digest('hex'),
      name: spec.split('/').pop(),
    };
  }
  throw new Error(
    `佐证材料“${spec}”既不是本地文件，也没有附带哈希。请给出文件路径，或写成 <编号或网址>=<SHA-256>。`,
  );
}

/** `--value 1=82`: the first target (numbered from 1, as listed) reported as 82. */
export function valueFrom(spec: string): { targetIndex: number; value: number } {
  const m = /^([1-9]\d*)=(-?\d+(?:\.\d+)?)$/.exec(spec.trim());
  if (!m) throw new Error(`目标值“${spec}”格式不正确，应为 <目标序号>=<数值>（序号从 1 开始），例如 1=82`);
  return { targetIndex: Number(m[1]) - 1, value: Number(m[2]) };
}

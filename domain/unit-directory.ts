import { parse } from 'csv-parse/sync';

/**
 * The unit directory's hierarchy (多级下发): below the units a plan names sit bodies — 各县（市、区）
 * 教育局, schools, 市直单位 — each under a unit or another body, to any depth. A directory is
 * imported from a CSV with the columns 上级单位,单位名称; a parent must be known before its
 * children (an earlier row, or already in the directory), so the hierarchy never loops.
 */

export type DirectoryEntry = { name: string; parent: string | null };
export type BodyRow = { line: number; parent: string; name: string };

/** A directory refused: the message names the line and what to fix; nothing was stored. */
export class DirectoryRejected extends Error {}

const PARENT = '上级单位';
const NAME = '单位名称';

/** The rows of a 上级单位,单位名称 CSV (a header row first; a BOM and blank lines are ignored). */
export function parseBodiesCsv(text: string): BodyRow[] {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true });
  } catch {
    throw new DirectoryRejected('CSV 文件格式有误（引号不成对等），无法读取');
  }
  const header = (records[0] ?? []).map((h) => h.trim());
  const parentAt = header.indexOf(PARENT);
  const nameAt = header.indexOf(NAME);
  if (parentAt < 0 || nameAt < 0)
    throw new DirectoryRejected(`第1行应为表头，含“${PARENT}”和“${NAME}”两列，例如：${PARENT},${NAME}`);
  return records.slice(1).map((r, i) => {
    const line = i + 2;
    const parent = (r[parentAt] ?? '').trim();
    const name = (r[nameAt] ?? '').trim();
    if (!parent || !name) throw new DirectoryRejected(`第${line}行：${PARENT}和${NAME}都不能为空`);
    if (name.length > 50) throw new DirectoryRejected(`第${line}行：单位名称不能超过50个字`);
    return { line, parent, name };
  });
}

/**
 * The bodies to add to `existing` for `rows`, or the first problem in Chinese. A row already in
 * the directory under the same parent adds nothing (an import may be run again); a unit a plan
 * names, or a body under another parent, is refused rather than moved.
 */
export function bodiesToAdd(existing: readonly DirectoryEntry[], rows: readonly BodyRow[]): DirectoryEntry[] {
  const known = new Map(existing.map((e) => [e.name, e.parent]));
  const added: DirectoryEntry[] = [];
  for (const { line, parent, name } of rows) {
    if (name === parent) throw new DirectoryRejected(`第${line}行：“${name}”不能是自己的上级单位`);
    if (!known.has(parent))
      throw new DirectoryRejected(
        `第${line}行：上级单位“${parent}”不在单位目录中：请先导入规划，或在前面的行中登记它`,
      );
    if (known.has(name)) {
      const was = known.get(name);
      if (was === parent) continue;
      throw new DirectoryRejected(
        was === null
          ? `第${line}行：“${name}”是规划中的责任单位，不能登记为下级单位`
          : `第${line}行：“${name}”已登记在“${was}”之下，不能再登记在“${parent}”之下`,
      );
    }
    known.set(name, parent);
    added.push({ name, parent });
  }
  return added;
}

/** The bodies directly below `unit`. */
export const bodiesBelow = (directory: readonly DirectoryEntry[], unit: string): string[] =>
  directory
    .filter((e) => e.parent === unit)
    .map((e) => e.name)
    .sort();

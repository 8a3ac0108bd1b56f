/**
 * The units in a table cell: 县发改局、县财政局, one per line, or labelled (牵头：…；配合：…). Separators
 * inside brackets do not split (市委组织部（市人才办）, 各县（市、区）). Collective entries — 各区、县级市,
 * 各有关单位, 相关部门 — are kept as written, as one entry, for the office to make concrete.
 */
import { normalizeUnitName } from './units';

export interface UnitCell {
  /** Units in order; when the cell is labelled, lead units first. */
  units: string[];
  /** Units under a 牵头 label inside the cell, if any. */
  lead: string[];
  /** Entries that name a class of units rather than a unit. */
  collective: string[];
}

const OPEN = '（(【［[';
const CLOSE = '）)】］]';
const SEPARATOR = /[、，,；;／/\n\s\u3000]/;
/** What follows 各 in a collective entry: 各区、县级市, 各乡镇、街道. */
const LOCALITY =
  /^(县级市|县（市、区）|县\(市、区\)|县市区|市|县|区|乡|镇|乡镇|街道|园区|开发区|功能区|管委会|部门|单位)$/;
const COLLECTIVE = /^各|有关|相关|等$|等单位$|等部门$/;
const LABEL =
  /(牵头单位|牵头部门|牵头|主责单位|配合单位|配合部门|配合|协办单位|参与单位|责任单位|责任部门)\s*[：:]/g;

export function readUnitCell(text: string): UnitCell {
  const labels = [...text.matchAll(LABEL)];
  if (labels.length === 0) {
    const units = splitNames(text);
    return { units, lead: [], collective: units.filter(isCollective) };
  }
  const lead: string[] = [];
  const other: string[] = [];
  labels.forEach((m, i) => {
    const names = splitNames(text.slice((m.index ?? 0) + m[0].length, labels[i + 1]?.index ?? text.length));
    (/牵头|主责/.test(m[1] ?? '') ? lead : other).push(...names);
  });
  const units = [...new Set([...lead, ...other])];
  return { units, lead, collective: units.filter(isCollective) };
}

export const isCollective = (name: string): boolean => COLLECTIVE.test(name);

/** Splits at separators outside brackets, then joins 各 with the locality words that follow it. */
function splitNames(text: string): string[] {
  const parts: { name: string; separator: string }[] = [];
  let current = '';
  let depth = 0;
  for (const ch of text) {
    if (OPEN.includes(ch)) depth++;
    if (CLOSE.includes(ch)) depth = Math.max(0, depth - 1);
    if (depth === 0 && SEPARATOR.test(ch)) {
      parts.push({ name: current, separator: ch });
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push({ name: current, separator: '' });
  const names: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    let name = normalizeUnitName(parts[i]!.name);
    if (name === '') continue;
    if (name.startsWith('各')) {
      while (i + 1 < parts.length && LOCALITY.test(normalizeUnitName(parts[i + 1]!.name))) {
        name += `${parts[i]!.separator.trim() || '、'}${normalizeUnitName(parts[i + 1]!.name)}`;
        i++;
      }
    }
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * The plan-level unit registry: every unit in order of first appearance. Names that look like variants of
 * one another (督导室 / 督导处, 素质实践学校 / 市素质实践学校) are reported, never merged: only the office
 * that issued the plan can say whether they are the same unit.
 */
import type { ParseWarning } from '../../domain/plan';

export interface UnitMention {
  units: string[];
  line: number;
}

/** Office-type endings that are often swapped for one another in the same organisation. */
const OFFICE_SUFFIXES = ['处', '室', '科', '办', '组', '部', '股', '中心'];
const LOCALITY_PREFIXES = /^(市|县|区|局|省|本级)/;

export function buildUnitRegistry(mentions: UnitMention[]): { units: string[]; warnings: ParseWarning[] } {
  const units: string[] = [];
  const warnings: ParseWarning[] = [];
  for (const { units: names, line } of mentions) {
    for (const name of names) {
      if (units.includes(name)) continue;
      const variantOf = units.find((known) => areVariants(known, name));
      if (variantOf) {
        warnings.push({
          line,
          message: `责任单位“${name}”与“${variantOf}”疑似同一单位的不同写法，未合并，请核对`,
        });
      }
      units.push(name);
    }
  }
  return { units, warnings };
}

export function areVariants(a: string, b: string): boolean {
  if (a === b) return false;
  const stemA = officeStem(a);
  const stemB = officeStem(b);
  if (stemA !== null && stemA === stemB && stemA.length >= 2) return true;
  return a.replace(LOCALITY_PREFIXES, '') === b || b.replace(LOCALITY_PREFIXES, '') === a;
}

function officeStem(name: string): string | null {
  const suffix = OFFICE_SUFFIXES.find((s) => name.endsWith(s));
  return suffix ? name.slice(0, -suffix.length) : null;
}

/** Source lines: normalization, page clutter, and the small text predicates the other modules share. */
import { chineseNumeralValue } from './numerals';

export interface SourceLine {
  /** 1-based line number in the input. */
  line: number;
  /** The line trimmed, with full-width and other exotic spaces made plain. */
  text: string;
}

export function splitLines(text: string): SourceLine[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .map((raw, i) => ({ line: i + 1, text: normalizeSpaces(raw) }));
}

export function normalizeSpaces(raw: string): string {
  return raw
    .replace(/[\u3000\u00a0\u2002-\u200b\t\f\v]/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

const PAGE_CLUTTER = [
  /^[-—－–─_~～·•]*\s*\d{1,4}\s*[-—－–─_~～·•]*$/, // - 3 -, —3—, a lone page number
  /^(共\s*\d+\s*页\s*[,，]?\s*)?第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?$/, // 第3页, 第 3 页 共 10 页
  /^\d{1,4}\s*\/\s*\d{1,4}$/, // 3/10
  /^page\s*\d+(\s*(of|\/)\s*\d+)?$/i,
];

export function isPageClutter(text: string): boolean {
  return PAGE_CLUTTER.some((re) => re.test(text));
}

/** Sentence-ending punctuation: a line carrying it reads as prose, not as a heading. */
export const PROSE_PUNCTUATION = /[。；;！!？?：:]/;

/** Short, without sentence punctuation: how headings like 4.重大项目 or （一）学前教育 look. */
export function isHeadingLike(text: string): boolean {
  return text.length > 0 && text.length <= 30 && !PROSE_PUNCTUATION.test(text) && !/[，,、]$/.test(text);
}

/** Chinese numerals up to 999 (十三 → 13, 二十 → 20, 一〇 → 10); digits pass through. */
export function chineseNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  // Headings, list markers and deadlines never count to a thousand: 千 and 万 are not theirs.
  if (/[千万]/.test(s)) return null;
  return chineseNumeralValue(s);
}

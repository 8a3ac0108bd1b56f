/**
 * Numbering markers at the start of a line: 一、 （一） 1. 1、 （1） (1) 1） ① 第一条 第一章.
 * Each style is one nesting level; which level is decided by order of appearance (see structure.ts).
 */
import { chineseNumber, isHeadingLike } from './lines';

export type MarkerStyle =
  | 'chapter' // 第一章 / 第一部分 / 第一节
  | 'article' // 第一条
  | 'cn' // 一、
  | 'paren-cn' // （一）
  | 'num' // 1. 1、 1．
  | 'paren-num' // （1） (1)
  | 'num-close' // 1） 1)
  | 'circled'; // ①

export type MarkerProblem =
  /** （一保障措施: the closing bracket is missing. */
  | 'unclosed'
  /** （）建设…: the number is missing; style and number are inferred from the siblings. */
  | 'empty';

export interface Marker {
  style: MarkerStyle | 'paren-unknown';
  /** The number, or null when missing. */
  number: number | null;
  /** The marker as written, e.g. （一）. */
  label: string;
  /** The line after the marker. */
  rest: string;
  problem?: MarkerProblem;
}

const CN = '〇零一二两三四五六七八九十百';
const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳';

interface MarkerRule {
  re: RegExp;
  style: Marker['style'] | ((m: RegExpExecArray) => MarkerStyle);
  problem?: MarkerProblem;
}

// Order matters: the well-formed shapes first, the broken ones only when nothing else matches.
const RULES: MarkerRule[] = [
  {
    re: new RegExp(`^(第\\s*([${CN}\\d]+)\\s*(章|部分|节|条))\\s*[、.．:：]?\\s*(.*)$`),
    style: (m) => (m[3] === '条' ? 'article' : 'chapter'),
  },
  { re: new RegExp(`^(([${CN}]+)\\s*[、.．])\\s*(.*)$`), style: 'cn' },
  { re: new RegExp(`^([（(]\\s*([${CN}]+)\\s*[）)])\\s*(.*)$`), style: 'paren-cn' },
  { re: /^([（(]\s*(\d{1,3})\s*[）)])\s*(.*)$/, style: 'paren-num' },
  { re: /^((\d{1,3})\s*[.．、](?!\d))\s*(.*)$/, style: 'num' },
  { re: /^((\d{1,3})\s*[）)])\s*(.*)$/, style: 'num-close' },
  { re: new RegExp(`^(([${CIRCLED}]))\\s*(.*)$`), style: 'circled' },
  { re: /^([（(]\s*[）)])\s*(.+)$/, style: 'paren-unknown', problem: 'empty' },
  {
    re: new RegExp(`^([（(]([${CN}]{1,3}))(?=[\\u4e00-\\u9fff])(.+)$`),
    style: 'paren-cn',
    problem: 'unclosed',
  },
  { re: /^([（(](\d{1,2}))(?=[\u4e00-\u9fff])(.+)$/, style: 'paren-num', problem: 'unclosed' },
];

export function readMarker(text: string): Marker | null {
  for (const rule of RULES) {
    const m = rule.re.exec(text);
    if (!m) continue;
    const label = (m[1] ?? '').replace(/\s+/g, '');
    const groups = m.slice(2);
    const rest = (groups[groups.length - 1] ?? '').trim();
    const style = typeof rule.style === 'function' ? rule.style(m) : rule.style;
    if (rule.problem === 'unclosed' && !isHeadingLike(rest)) continue; // （十分重要… is prose, not a heading
    if (rule.problem === 'empty') return { style, number: null, label, rest, problem: 'empty' };
    const number = style === 'circled' ? CIRCLED.indexOf(label) + 1 : chineseNumber(m[2] ?? '');
    if (number === null) continue;
    return rule.problem
      ? { style, number, label, rest, problem: rule.problem }
      : { style, number, label, rest };
  }
  return null;
}

/**
 * A long 公文 title set on several lines as GB/T 9704 asks: broken where the sense allows (词意完整) and
 * with lines of similar length (排列对称). Pure: the lines depend only on the title and the width.
 */

/** Where a break reads best, before the lines' balance is weighed (lower is better). */
const PREFERRED = 0;
/** Between two words of a phrase: taken only when it balances the lines much better. */
const BETWEEN_WORDS = 10;
/** Inside 《》, “” or （）: a book title or a name is broken only when it does not fit otherwise. */
const INSIDE_BRACKETS = 5;
/** Before an opening （: what it says belongs to the words before it (名称（演练）). */
const BEFORE_PARENTHESIS = 8;
/** Anywhere the punctuation rules allow: only when no word boundary gives lines that fit. */
const ANYWHERE = 50;

const OPENING = '“‘（《〔【';
const CLOSING = '”’）》〕】';
/** No line starts with these (a line starting with a closing mark or a pause reads as broken). */
const NO_LINE_START = `${CLOSING}、，。；：！？ %％`;
/** The kinds of document a title ends with: 的通报, 的通知… stay together and may start a line. */
const DOCUMENT_KIND = /^的(通报|通知|报告|意见|决定|批复|请示|函|方案|规定|办法)/;
/**
 * The head nouns these titles end on: a break before one keeps the subject (a cycle's or a plan's
 * name) on one line and what is said of it on the next.
 */
const HEADS = ['考核结果', '未达标事项', '实施情况', '完成情况', '进展情况', '情况'];

const isAscii = (ch: string) => ch.charCodeAt(0) < 0x80;
/** Width in full-width characters: Latin letters and figures take half. */
export const titleWidth = (text: string): number =>
  [...text].reduce((w, ch) => w + (isAscii(ch) ? 0.5 : 1), 0);

/**
 * Splits `title` into the fewest lines no wider than `maxWidth` full-width characters, choosing
 * among sensible break points (after 关于, before 的通报/的通知, before 情况 and the like, after 、,
 * before 和/及/与, between words) the ones that balance the lines best. A break never falls inside a
 * word (ICU's Chinese word boundaries; the run of single characters ICU leaves for a word it does
 * not know stays whole), inside a figure, after 的, before a closing mark or after an opening one.
 */
export function titleLines(title: string, maxWidth: number): string[] {
  if (titleWidth(title) <= maxWidth) return [title];
  const chars = [...title];
  const breaks = breakPoints(chars);
  const fallback = () =>
    chars
      .map((_, i) => i)
      .filter((i) => i > 0 && punctuationAllows(chars, i) && !breaks.has(i))
      .map((i) => [i, ANYWHERE] as const);
  for (const candidates of [[...breaks], [...breaks, ...fallback()]]) {
    for (let lines = 2; lines <= candidates.length + 1; lines++) {
      const best = bestSplit(chars, candidates, lines, maxWidth);
      if (best) return best;
    }
  }
  return [title];
}

/** Break positions (index of the first character of the next line) and their penalties. */
function breakPoints(chars: string[]): Map<number, number> {
  const text = chars.join('');
  // Segment offsets are in UTF-16 units; the titles are BMP text, so they equal character indexes.
  const segments = [...new Intl.Segmenter('zh', { granularity: 'word' }).segment(text)].map((s) => s.segment);
  const points = new Map<number, number>();
  const depth = depthBefore(chars);
  const consider = (i: number, penalty: number) => {
    if (i <= 0 || i >= chars.length || !punctuationAllows(chars, i)) return;
    const inside = depth[i]! > 0 ? INSIDE_BRACKETS : 0;
    points.set(i, Math.min(points.get(i) ?? Infinity, penalty + inside));
  };
  // Word boundaries between two real words (or a word and a mark).
  let at = 0;
  for (let k = 0; k < segments.length - 1; k++) {
    at += segments[k]!.length;
    if (isWord(segments[k]!) && isWord(segments[k + 1]!)) {
      consider(at, chars[at] === '（' ? BEFORE_PARENTHESIS : BETWEEN_WORDS);
    }
  }
  // The points where the sense of a title breaks.
  if (text.startsWith('关于')) consider(2, PREFERRED);
  for (let i = 1; i < chars.length; i++) {
    const rest = text.slice(i);
    if (DOCUMENT_KIND.test(rest)) consider(i, PREFERRED);
    if (HEADS.some((h) => rest.startsWith(h)) && !insideHead(text, i)) consider(i, PREFERRED);
    if (chars[i - 1] === '、' || '和及与'.includes(chars[i]!)) consider(i, PREFERRED);
    // A book title or a parenthesis ends a phrase; quoted words (“十三五”) qualify the words after them.
    if ('》）'.includes(chars[i - 1]!) && depth[i] === 0) consider(i, PREFERRED);
    if (chars[i] === '《' && depth[i] === 0) consider(i, PREFERRED);
  }
  return points;
}

/** Whether position `i` falls within a head noun (情况 in 实施情况 is not a break before 情况). */
function insideHead(text: string, i: number): boolean {
  return HEADS.some((h) => {
    for (let start = Math.max(0, i - h.length + 1); start < i; start++)
      if (text.startsWith(h, start)) return true;
    return false;
  });
}

/** A segment that is a word of its own (two characters or more) or a mark, not a lone character. */
const isWord = (segment: string) => segment.length > 1 || !/\p{Script=Han}/u.test(segment);

/** How many brackets are open before each position. */
function depthBefore(chars: string[]): number[] {
  const depth: number[] = [0];
  let d = 0;
  for (const ch of chars) {
    if (OPENING.includes(ch)) d++;
    else if (CLOSING.includes(ch)) d = Math.max(0, d - 1);
    depth.push(d);
  }
  return depth;
}

/** The typesetting rules every break obeys, whatever its sense. */
function punctuationAllows(chars: string[], i: number): boolean {
  const before = chars[i - 1]!;
  const after = chars[i]!;
  if (NO_LINE_START.includes(after) || OPENING.includes(before)) return false;
  if (before === '的' || '≥≤＞＜><=＝'.includes(before)) return false;
  // A figure and its unit or its neighbours stay together: 2017年度, 2016—2017, 80%.
  if (/[0-9A-Za-z.%—–-]/.test(before) && /[0-9A-Za-z.%—–\-年月日号个]/.test(after)) return false;
  if (/[0-9—–-]/.test(after) && /[0-9—–-]/.test(before)) return false;
  return true;
}

/** The split into exactly `lines` lines that fit, with the least imbalance plus break penalties. */
function bestSplit(
  chars: string[],
  candidates: (readonly [number, number])[],
  lines: number,
  maxWidth: number,
): string[] | null {
  const sorted = [...candidates].sort((a, b) => a[0] - b[0]);
  let best: { cost: number; cuts: number[] } | null = null;
  const widthOf = (from: number, to: number) => titleWidth(chars.slice(from, to).join(''));
  const search = (from: number, start: number, cuts: number[], penalty: number) => {
    if (cuts.length === lines - 1) {
      const edges = [0, ...cuts, chars.length];
      const widths = edges.slice(1).map((end, k) => widthOf(edges[k]!, end));
      if (widths.some((w) => w > maxWidth)) return;
      const cost = Math.max(...widths) - Math.min(...widths) + penalty;
      if (!best || cost < best.cost) best = { cost, cuts };
      return;
    }
    for (let k = start; k < sorted.length; k++) {
      const [at, p] = sorted[k]!;
      if (widthOf(from, at) > maxWidth) break;
      search(at, k + 1, [...cuts, at], penalty + p);
    }
  };
  search(0, 0, [], 0);
  if (!best) return null;
  const edges = [0, ...(best as { cuts: number[] }).cuts, chars.length];
  return edges.slice(1).map((end, k) => chars.slice(edges[k], end).join(''));
}

/**
 * An item's display title. The document's own title comes first: the leading phrase up to the first 。
 * (or ：) when it reads as a name — at most 20 characters, no digits, and followed by more text
 * (持续推进学前教育行动计划。完成…). Where the document gives none, the first clause stands in (推进特殊教育学校
 * 现代化建设，实现… → 推进特殊教育学校现代化建设), cut at a list joint when it runs long, so every item has a short
 * name to show in lists, inboxes and documents.
 * A closing bracket or quote is never split from its opener: 深入实施“名师名校长工程”，… keeps the quote.
 */

const MAX_TITLE_LENGTH = 20;
/**
 * Longest derived title. A longer first clause is cut before its last 和/及/与 (coordinated objects), else
 * after its last 、 with an ellipsis: cutting inside a 、 list would read as if the list ended there.
 */
const MAX_DERIVED_LENGTH = 30;
const MIN_DERIVED_LENGTH = 6;
const CLAUSE_END = /[，,；;。：:！!？?]/;
const OPENERS = '（(“《【';
const CLOSERS = '）)”》】';

/**
 * Where a title comes from: the document's own title phrase, the item's first clause, or — for an item with
 * no text of its own (only a 责任单位 note) — its number.
 */
export type TitleSource = 'document' | 'first_clause' | 'item_id';

export interface ItemTitle {
  title: string;
  titleSource: TitleSource;
}

export function itemTitle(text: string, id: string): ItemTitle {
  const own = documentTitle(text);
  if (own !== null) return { title: own, titleSource: 'document' };
  const derived = firstClause(text);
  if (derived !== null) return { title: derived, titleSource: 'first_clause' };
  return { title: `条目 ${id}`, titleSource: 'item_id' };
}

function documentTitle(text: string): string | null {
  const end = text.search(/[。：:]/);
  if (end <= 0) return null;
  const phrase = text.slice(0, end).trim();
  const more = text.slice(end + 1).trim();
  if (more === '' || phrase.length > MAX_TITLE_LENGTH || /\d/.test(phrase)) return null;
  return phrase;
}

/** The text up to its first clause break outside brackets and quotes, shortened at a list joint if long. */
export function firstClause(text: string): string | null {
  let depth = 0;
  let end = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (OPENERS.includes(c)) depth++;
    else if (CLOSERS.includes(c)) depth = Math.max(0, depth - 1);
    else if (depth === 0 && CLAUSE_END.test(c)) {
      end = i;
      break;
    }
  }
  const clause = text.slice(0, end).trim();
  if (clause === '') return null;
  if (clause.length <= MAX_DERIVED_LENGTH) return clause;
  const head = clause.slice(0, MAX_DERIVED_LENGTH);
  const joint = Math.max(...[...'和及与'].map((j) => head.lastIndexOf(j)));
  if (joint >= MIN_DERIVED_LENGTH) return head.slice(0, joint);
  const comma = head.lastIndexOf('、');
  return `${comma >= MIN_DERIVED_LENGTH ? head.slice(0, comma) : head}…`;
}

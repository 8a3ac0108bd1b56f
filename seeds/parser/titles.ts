/**
 * An item's title: the leading phrase up to the first 。 (or ：) when it reads as a name — at most 20
 * characters, no digits, and followed by more text (持续推进学前教育行动计划。完成…). An item that is a single
 * sentence, or opens with a long sentence, has no title (null): its text is its statement.
 */
const MAX_TITLE_LENGTH = 20;

export function itemTitle(text: string): string | null {
  const end = text.search(/[。：:]/);
  if (end <= 0) return null;
  const phrase = text.slice(0, end).trim();
  const more = text.slice(end + 1).trim();
  if (more === '' || phrase.length > MAX_TITLE_LENGTH || /\d/.test(phrase)) return null;
  return phrase;
}

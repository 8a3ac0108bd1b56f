import { milestoneLabel } from '../domain/labels';
import { html, type Html } from './html';

const CLAUSE_END = /[，；、。：,;:（(]/g;

/**
 * A long text cut at the last clause boundary within `max` characters (never mid-phrase when a
 * boundary exists), with an ellipsis; the whole text stays available on hover and to screen readers.
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = -1;
  for (const m of text.slice(0, max + 1).matchAll(CLAUSE_END)) if (m.index >= max / 3) cut = m.index;
  return `${text.slice(0, cut > 0 ? cut : max)}…`;
}

/** `clipText` as markup: the full text in `title` when anything was cut. */
export function clip(text: string, max: number): Html {
  const short = clipText(text, max);
  return short === text ? html`${text}` : html`<span title="${text}">${short}</span>`;
}

/** Milestone and assignment ids inside a sentence (`2.1.4.1/progress/co:基教处`) in words. */
const IDS = /\b\d+(?:\.\d+)*\/(?:progress|\d{4})(?:\/(?:lead|ext-\d+|co:[^\s，。；、）)]+))?/g;
export const humanizeIds = (text: string): string => text.replace(IDS, (id) => milestoneLabel(id));

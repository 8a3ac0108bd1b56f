/**
 * Dated commitments (到2020年，… / 争取到2020年… / 2018年底前…), recurring duties (以2年为一轮 / 每年…) and
 * reporting cadences (每季度… / 每月25日前…). A date clause runs to the next date clause or to the end of its
 * sentence.
 */
import type { Cadence, Milestone, Recurrence } from '../../domain/plan';
import { CADENCE_PHRASE, readCadence } from './deadline';
import { chineseNumber } from './lines';

export interface YearScope {
  year: number;
  /** Where the marker (到2020年) starts and where its statement starts and ends, as string offsets. */
  markerStart: number;
  statementStart: number;
  end: number;
}

// 到2020年 but not the attributive 到2020年的 (适时制定到2020年的…计划 is no deadline).
const DATE_MARKERS = [
  /(?:争取|力争|确保)?到\s*(\d{4})\s*年(?:底|末)?(?:前|以前)?(?![的度])[，,：:]?/g,
  /(\d{4})\s*年(?:底|末)?(?:前|以前)(?![的])[，,：:]?/g,
];
const SENTENCE_END = /[。！!？?]/g;

export function yearScopes(text: string): YearScope[] {
  const markers = DATE_MARKERS.flatMap((re) =>
    [...text.matchAll(re)].map((m) => ({
      year: Number(m[1]),
      markerStart: m.index ?? 0,
      statementStart: (m.index ?? 0) + m[0].length,
    })),
  )
    .filter((m) => m.year >= 1990 && m.year <= 2100)
    .sort((a, b) => a.markerStart - b.markerStart)
    .filter((m, i, all) => i === 0 || m.markerStart >= (all[i - 1]?.statementStart ?? 0));
  const sentenceEnds = [...text.matchAll(SENTENCE_END)].map((m) => m.index ?? 0);
  return markers.map((m, i) => {
    const sentenceEnd = sentenceEnds.find((e) => e >= m.statementStart) ?? text.length;
    const next = markers[i + 1]?.markerStart ?? text.length;
    return { ...m, end: Math.min(sentenceEnd, next) };
  });
}

/** The year whose clause covers `offset`, or null. */
export function yearAt(scopes: YearScope[], offset: number): number | null {
  return scopes.find((s) => offset >= s.markerStart && offset < s.end)?.year ?? null;
}

export function extractMilestones(text: string, scopes = yearScopes(text)): Milestone[] {
  return scopes
    .map((s) => ({ year: s.year, text: trimClause(text.slice(s.statementStart, s.end)) }))
    .filter((m) => m.text !== '');
}

const RECURRENCES: { re: RegExp; years: (m: RegExpMatchArray) => number | null }[] = [
  {
    re: /以\s*([\d一二两三四五六七八九十]+)\s*年为一(?:轮|个周期|周期)/,
    years: (m) => chineseNumber(m[1] ?? ''),
  },
  { re: /每(?:隔)?\s*([\d一二两三四五六七八九十]+)\s*年/, years: (m) => chineseNumber(m[1] ?? '') },
  { re: /每年/, years: () => 1 },
];

/** Every recurring duty in the text, in reading order, each with the sentence that states it. */
export function extractRecurrences(text: string): Recurrence[] {
  const found = RECURRENCES.flatMap(({ re, years }) =>
    [...text.matchAll(new RegExp(re.source, 'g'))].map((m) => ({
      start: m.index ?? 0,
      end: (m.index ?? 0) + m[0].length,
      everyYears: years(m),
    })),
  ).sort((a, b) => a.start - b.start);
  const out: Recurrence[] = [];
  let covered = -1;
  for (const f of found) {
    // 以2年为一轮 and a 每年 inside the same phrase are one duty, not two.
    if (f.start < covered || !f.everyYears) continue;
    covered = f.end;
    const recurrence = { everyYears: f.everyYears, text: sentenceAround(text, f.start) };
    const repeat = out.some((r) => r.everyYears === recurrence.everyYears && r.text === recurrence.text);
    if (!repeat) out.push(recurrence);
  }
  return out;
}

/** Every reporting cadence in the text (每季度报送一次进展), in reading order, each with its sentence. */
export function extractCadences(text: string): Cadence[] {
  const out: Cadence[] = [];
  for (const m of text.matchAll(CADENCE_PHRASE)) {
    const start = m.index ?? 0;
    const clauseEnd = text.slice(start).search(/[，,；;。！!？?]/);
    const cadence = readCadence(text.slice(start, clauseEnd === -1 ? text.length : start + clauseEnd));
    if (!cadence) continue;
    const found = { ...cadence, text: sentenceAround(text, start) };
    if (!out.some((c) => c.every === found.every && c.text === found.text)) out.push(found);
  }
  return out;
}

/** The spans of recurrence phrases, so their numbers are not mistaken for targets. */
export function recurrenceSpans(text: string): [number, number][] {
  return RECURRENCES.flatMap(({ re }) =>
    [...text.matchAll(new RegExp(re.source, 'g'))].map((m): [number, number] => [
      m.index ?? 0,
      (m.index ?? 0) + m[0].length,
    ]),
  );
}

function sentenceAround(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const start = Math.max(...[...'。！!？?'].map((c) => before.lastIndexOf(c))) + 1;
  const after = text.slice(offset).search(/[。！!？?]/);
  return trimClause(text.slice(start, after === -1 ? text.length : offset + after));
}

function trimClause(s: string): string {
  return s.replace(/^[，,；;：:\s]+|[，,；;。：:\s]+$/g, '');
}

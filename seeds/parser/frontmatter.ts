/**
 * The parts around the body: the title line(s) at the top and the issuer/date block at the end.
 *
 * Title rule: when the top carries a 通知 of the form 关于印发《…》的通知, the plan's title is the scheme's
 * name inside 《》 and the whole line is kept as `documentTitle`; otherwise the leading heading-like lines
 * (a title may wrap over two lines) joined are the title.
 */
import type { ParseWarning } from '../../domain/plan';
import { chineseNumber, isHeadingLike, type SourceLine } from './lines';

export interface FrontMatter {
  title: string;
  documentTitle: string;
  titleLines: number[];
}

export interface Closing {
  issuer: string | null;
  issuedOn: string | null;
  issuerLines: number[];
  /** Lines of the body, i.e. the input minus the closing block. */
  rest: SourceLine[];
}

const DOC_NUMBER = /〔\d{4}〕|\[\d{4}\]|［\d{4}］|^.{0,12}\d+号$/;
const ATTACHMENT = /^附件\s*\d*\s*[：:]?$/;
const SCHEME_NAME = /《([^》]+)》/;

export function readFrontMatter(preamble: SourceLine[], warnings: ParseWarning[]): FrontMatter {
  const titleBlock: SourceLine[] = [];
  for (const l of preamble) {
    if (DOC_NUMBER.test(l.text) || ATTACHMENT.test(l.text)) continue;
    if (!isHeadingLike(l.text) && !SCHEME_NAME.test(l.text)) break;
    if (titleBlock.length > 0 && titleBlock[titleBlock.length - 1]?.line !== l.line - 1) break;
    titleBlock.push(l);
  }
  const documentTitle = titleBlock.map((l) => l.text).join('');
  const title = SCHEME_NAME.exec(documentTitle)?.[1]?.trim() ?? documentTitle;
  const titleLines = titleBlock.map((l) => l.line);
  for (const l of preamble) {
    if (titleLines.includes(l.line)) continue;
    if (l.text === title || ATTACHMENT.test(l.text)) {
      titleLines.push(l.line); // the scheme's name repeated over the attachment
    } else if (DOC_NUMBER.test(l.text)) {
      warnings.push({ line: l.line, message: `发文字号“${l.text}”，未作为条目` });
    } else {
      warnings.push({ line: l.line, message: `正文前的说明文字，未作为条目：“${excerpt(l.text)}”` });
    }
  }
  if (title === '') warnings.push({ line: preamble[0]?.line ?? 1, message: '未找到文件标题，标题留空' });
  return { title, documentTitle, titleLines: titleLines.sort((a, b) => a - b) };
}

const ISSUER_SUFFIX = /(局|厅|委|委员会|政府|办公室|办|中心|院|处|部|领导小组|公司|学校|大学)$/;
const DIGIT_DATE = /^(.*?)\s*(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})\s*日?\s*(印发)?$/;
const CN_DATE =
  /^(.*?)\s*([〇零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日\s*(印发)?$/;
const CLOSING_NOTE = /^(抄送|抄报|主送|联系人|联系电话)[：:]|印发$/;

/** Reads 衢州市教育局2020-12-09, or 衢州市教育局 / 2016年8月15日 on two lines, from the end of the text. */
export function readClosing(lines: SourceLine[], warnings: ParseWarning[]): Closing {
  const rest = [...lines];
  const notes: SourceLine[] = [];
  while (
    rest.length > 0 &&
    CLOSING_NOTE.test(rest[rest.length - 1]?.text ?? '') &&
    !dateOf(rest[rest.length - 1]?.text ?? '')
  ) {
    notes.unshift(rest.pop() as SourceLine);
  }
  const last = rest[rest.length - 1];
  const date = last ? dateOf(last.text) : null;
  let closing: Omit<Closing, 'rest'> = { issuer: null, issuedOn: null, issuerLines: [] };
  if (last && date && (date.prefix === '' || looksLikeIssuer(date.prefix))) {
    rest.pop();
    closing = { issuer: date.prefix || null, issuedOn: date.iso, issuerLines: [last.line] };
    const previous = rest[rest.length - 1];
    if (date.prefix === '' && previous && looksLikeIssuer(previous.text)) {
      rest.pop();
      closing = { issuer: previous.text, issuedOn: date.iso, issuerLines: [previous.line, last.line] };
    }
  }
  for (const n of notes)
    warnings.push({ line: n.line, message: `文末抄送、印发信息，未作为条目：“${excerpt(n.text)}”` });
  return { ...closing, rest };
}

function looksLikeIssuer(text: string): boolean {
  return (
    text.length <= 40 &&
    isHeadingLike(text) &&
    ISSUER_SUFFIX.test(text) &&
    !/^[（(\d一二三四五六七八九十]/.test(text)
  );
}

function dateOf(text: string): { prefix: string; iso: string } | null {
  const digits = DIGIT_DATE.exec(text);
  const cn = digits ? null : CN_DATE.exec(text);
  const m = digits ?? cn;
  if (!m) return null;
  const [year, month, day] = [m[2], m[3], m[4]].map((s) => chineseNumber(s ?? '') ?? NaN);
  if (!isValidDate(year ?? NaN, month ?? NaN, day ?? NaN)) return null;
  const iso = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return { prefix: (m[1] ?? '').trim(), iso };
}

function isValidDate(year: number, month: number, day: number): boolean {
  if (!(year >= 1949 && year <= 2100 && month >= 1 && month <= 12 && day >= 1)) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function excerpt(text: string, max = 30): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * A task table's 完成时限 / 时间节点, read into the plan model: dates become milestones due on a day
 * (2025年6月底前 → 2025-06-30; 年底前 → 12-31 of the plan's year), 每季度 / 每月25日前 a reporting
 * cadence, 每年 a yearly recurrence (a cell may name several of each: every one is kept), 长期坚持 /
 * 持续推进 no deadline (the cycle window applies). What cannot be read is kept as written and reported.
 */
import type { Cadence, Milestone, Recurrence } from '../../domain/plan';
import { chineseNumber } from './lines';

export interface DeadlineReading {
  milestones: Milestone[];
  /** Every yearly-or-longer duty the cell names (每年; 每两年), in order. */
  recurrences: Recurrence[];
  /** Every 定期反馈 cadence the cell names (每月25日前; 每季度), in order. */
  cadences: Cadence[];
  /** Chinese warning messages. */
  problems: string[];
}

const ONGOING = /长期|持续|常态化|经常性|动态推进|逐年推进|按进度推进/;
const DATE = new RegExp(
  [
    String.raw`(?<range>(?<ra>\d{4})\s*年?\s*[-—–~～至到]\s*(?<rb>\d{4})\s*年(?:底|末)?)`,
    String.raw`(?<ymd>(?<y1>\d{4})\s*年\s*(?<m1>\d{1,2})\s*月\s*(?<d1>\d{1,2})\s*[日号])`,
    String.raw`(?<ym>(?<y2>\d{4})\s*年\s*(?<m2>\d{1,2})\s*月(?<p2>上旬|中旬|下旬|底|末|份)?)`,
    String.raw`(?<yh>(?<y3>\d{4})\s*年\s*(?<h3>上半年|下半年|第?[一二三四1-4]季度))`,
    String.raw`(?<iso>(?<y5>\d{4})[-./](?<m5>\d{1,2})(?:[-./](?<d5>\d{1,2}))?)`,
    String.raw`(?<y>(?<y4>\d{4})\s*年(?:底|末|内|度)?)`,
    String.raw`(?<md>(?<m6>\d{1,2})\s*月\s*(?<d6>\d{1,2})\s*[日号])`,
    String.raw`(?<m>(?<m7>\d{1,2})\s*月(?<p7>上旬|中旬|下旬|底|末|份)?)`,
    String.raw`(?<h>上半年|下半年|第?[一二三四1-4]季度)`,
    String.raw`(?<ye>年底|年末|年内|全年|今年|当年|本年度)`,
  ].join('|'),
  'g',
);

/**
 * `statement` is what is due when the cell names only a date (the item's title or text); `planYear` is the
 * year that 年底前 or 6月底前 mean, from the plan's title, or null.
 */
export function readDeadline(text: string, planYear: number | null, statement: string): DeadlineReading {
  const out: DeadlineReading = { milestones: [], recurrences: [], cadences: [], problems: [] };
  const segments = text
    .split(/[；;\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const segment of segments) {
    if (segment.includes('每')) {
      if (!readPeriodic(segment, out)) out.problems.push(unreadable(segment));
      continue;
    }
    const found = readDates(segment, planYear, statement);
    if (found === 'needs-year') {
      out.problems.push(`完成时限“${segment}”没有写明年份，文件标题中也没有年份，未生成节点，请核对`);
    } else if (found.length > 0) {
      out.milestones.push(...found);
    } else if (!ONGOING.test(segment)) {
      out.problems.push(unreadable(segment));
    }
  }
  return out;
}

const unreadable = (segment: string) => `完成时限“${segment}”未能识别为日期或周期，已按原文保留`;

/** Where a phrase names a reporting cadence shorter than a year: 每月, 每个季度, 每半年. */
export const CADENCE_PHRASE = /每个?月|每个?季度|每半年/g;

/** The cadence a phrase names (每月25日前 → month, day 25), or null when it names none. */
export function readCadence(phrase: string): Omit<Cadence, 'text'> | null {
  const day = (re: RegExp) => {
    const m = re.exec(phrase);
    return m ? Number(m[1]) : null;
  };
  if (/每个?月/.test(phrase)) return { every: 'month', day: day(/月\D{0,3}?(\d{1,2})\s*[日号]/) };
  if (/每个?季度/.test(phrase)) return { every: 'quarter', day: day(/季度\D{0,6}?(\d{1,2})\s*[日号]/) };
  if (/每半年/.test(phrase)) return { every: 'half_year', day: null };
  return null;
}

function readPeriodic(segment: string, out: DeadlineReading): boolean {
  const cadence = readCadence(segment);
  if (cadence) {
    out.cadences.push({ ...cadence, text: segment });
    return true;
  }
  const years = /每(?:隔)?\s*([\d一二两三四五六七八九十]+)\s*年/.exec(segment);
  if (years || /每年/.test(segment)) {
    const everyYears = years ? chineseNumber(years[1] ?? '') : 1;
    if (!everyYears) return false;
    out.recurrences.push({ everyYears, text: segment });
    return true;
  }
  return false;
}

function readDates(segment: string, planYear: number | null, statement: string): Milestone[] | 'needs-year' {
  const matches = [...segment.matchAll(DATE)];
  const milestones: Milestone[] = [];
  for (const [i, m] of matches.entries()) {
    const due = dueOf(m.groups ?? {}, planYear);
    if (due === 'needs-year') return 'needs-year';
    if (!due) continue;
    const start = (m.index ?? 0) + m[0].length;
    const end = matches[i + 1]?.index ?? segment.length;
    const clause = segment
      .slice(start, end)
      .replace(/^\s*(前|以前|之前|内)?\s*[，,：:]?\s*/, '')
      .replace(/[，,；;。：:\s]+$/, '');
    milestones.push({ year: due.year, text: clause || statement, dueOn: due.iso });
  }
  return milestones;
}

type Groups = Record<string, string | undefined>;

function dueOf(g: Groups, planYear: number | null): { year: number; iso: string } | 'needs-year' | null {
  const year = (s: string | undefined) => (s === undefined ? null : Number(s));
  if (g.range) return endOfMonth(year(g.rb), 12);
  if (g.ymd) return day(year(g.y1), Number(g.m1), Number(g.d1));
  if (g.ym) return partOfMonth(year(g.y2), Number(g.m2), g.p2);
  if (g.yh) return endOfPart(year(g.y3), g.h3 ?? '');
  if (g.iso) {
    return g.d5 ? day(year(g.y5), Number(g.m5), Number(g.d5)) : endOfMonth(year(g.y5), Number(g.m5));
  }
  if (g.y) return endOfMonth(year(g.y4), 12);
  if (planYear === null) return 'needs-year';
  if (g.md) return day(planYear, Number(g.m6), Number(g.d6));
  if (g.m) return partOfMonth(planYear, Number(g.m7), g.p7);
  if (g.h) return endOfPart(planYear, g.h);
  if (g.ye) return endOfMonth(planYear, 12);
  return null;
}

function partOfMonth(y: number | null, month: number, part: string | undefined) {
  if (part === '上旬') return day(y, month, 10);
  if (part === '中旬') return day(y, month, 20);
  return endOfMonth(y, month);
}

function endOfPart(y: number | null, part: string) {
  if (part === '上半年') return endOfMonth(y, 6);
  if (part === '下半年') return endOfMonth(y, 12);
  const quarter = chineseNumber(part.replace(/第|季度/g, ''));
  return quarter && quarter >= 1 && quarter <= 4 ? endOfMonth(y, quarter * 3) : null;
}

function endOfMonth(y: number | null, month: number) {
  if (y === null || month < 1 || month > 12) return null;
  return day(y, month, new Date(Date.UTC(y, month, 0)).getUTCDate());
}

function day(y: number | null, month: number, d: number): { year: number; iso: string } | null {
  if (y === null || y < 1990 || y > 2100 || month < 1 || month > 12) return null;
  if (d < 1 || d > new Date(Date.UTC(y, month, 0)).getUTCDate()) return null;
  return { year: y, iso: `${y}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

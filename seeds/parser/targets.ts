/**
 * Quantitative targets (目标值) in an item's text: 达到97%以上, 超过95%, 不低于90%, 50个以上, 达到8000人左右,
 * 占30%, 分别达到80%和95%, 80%的学校…, 组织培训1000人、….
 *
 * Comparison rules: 以上/不低于/不少于/至少 → ">=", 超过/高于 → ">", 以下/以内/不超过/控制在 → "<=",
 * 低于/少于 → "<", 左右/约 → "≈". A plain 达到N (and 提高到N, 增加到N) is read as ">=": reaching or passing the
 * value meets it. A share or count stated as fact (占30%, 80%的学校…, 新建10个…, 培训1000人) is "=".
 * A suffix overrides the verb: 达到8000人左右 is "≈".
 *
 * Quantities in Chinese numerals (建成十个, 至少有一个资源教室, 周期不超过三年) are targets by the same rules, but
 * only with a measure word and a comparison verb or suffix: without them they are names or idioms (学前三年入园率,
 * 九年义务教育, 不让一个学生…) and are neither targets nor reported as unread numbers. A share written out
 * (百分之八十, 千分之三) is never an idiom: it reads exactly as 80% and 3‰ do.
 */
import type { Target } from '../../domain/plan';
import { recurrenceSpans, yearAt, type YearScope } from './milestones';
import {
  CHINESE_COUNT_UNITS,
  CHINESE_NUMERAL,
  CHINESE_SHARE,
  chineseNumeralValue,
  chineseShare,
} from './numerals';

export interface TargetScan {
  targets: Target[];
  /** Numbers that look like quantities but fit no target phrase, with their context. */
  unattached: string[];
}

type Op = Target['op'];

const VERB_OPS: [string, Op][] = [
  ['不低于', '>='],
  ['不少于', '>='],
  ['不小于', '>='],
  ['至少有', '>='],
  ['至少', '>='],
  ['不高于', '<='],
  ['不超过', '<='],
  ['不多于', '<='],
  ['不大于', '<='],
  ['控制在', '<='],
  ['降低到', '<='],
  ['降低至', '<='],
  ['下降到', '<='],
  ['降至', '<='],
  ['超过', '>'],
  ['高于', '>'],
  ['多于', '>'],
  ['大于', '>'],
  ['低于', '<'],
  ['少于', '<'],
  ['小于', '<'],
  ['提高到', '>='],
  ['提高至', '>='],
  ['提升到', '>='],
  ['提升至', '>='],
  ['增加到', '>='],
  ['增加至', '>='],
  ['增长到', '>='],
  ['扩大到', '>='],
  ['增至', '>='],
  ['达到', '>='],
  ['达', '>='],
  ['保持在', '='],
  ['稳定在', '='],
  ['占', '='],
  ['约为', '≈'],
  ['约', '≈'],
  ['为', '='],
];
/** Verbs whose object (after the number) names what is counted: 新建10个省级优势专业…. */
const COUNT_VERBS = ['新建', '建成', '新增', '培育', '打造', '创建', '建设', '培养', '引进', '认定', '遴选'];
/** A verb that ends in 有 names what is counted after the number too: 至少有一个资源教室. */
const namesObject = (verb: string): boolean => COUNT_VERBS.includes(verb) || verb.endsWith('有');
/** Single-character verbs too common before a Chinese numeral to mean a comparison (作为一个, 成为两所…). */
const NOT_BEFORE_CHINESE = new Set(['为']);
const ALL_VERBS: [string, Op][] = [...VERB_OPS, ...COUNT_VERBS.map((v): [string, Op] => [v, '='])].sort(
  (a, b) => b[0].length - a[0].length,
);
const SUFFIX_OPS: [string, Op][] = [
  ['及以上', '>='],
  ['以上', '>='],
  ['及以下', '<='],
  ['以下', '<='],
  ['以内', '<='],
  ['左右', '≈'],
];
const UNITS = [
  '个百分点',
  '个月',
  '万人次',
  '人次',
  '万人',
  '万元',
  '亿元',
  '万个',
  '平方米',
  '公里',
  '小时',
  '课时',
  '学时',
  '学分',
  '%',
  '％',
  '‰',
  '个',
  '人',
  '年',
  '所',
  '项',
  '家',
  '名',
  '次',
  '倍',
  '天',
  '周',
  '台',
  '套',
  '门',
  '篇',
  '本',
  '元',
  '户',
  '座',
  '场',
  '间',
  '班',
  '期',
  '批',
  '届',
  '节',
  '岁',
  '级',
  '万',
];
/** A written-out share first, so that 百分之八十 is not read as 百 and 八十. */
const NUMBER = new RegExp(
  `${CHINESE_SHARE}|(\\d+(?:\\.\\d+)?|${CHINESE_NUMERAL})\\s*(${UNITS.map(escape).join('|')})?`,
  'g',
);
const BAND_UNITS = ['岁', '级'];
const CLAUSE_BREAK = /[，,；;。！!？?：:]/;
/** 到2019年全市…: the date belongs to the target's year, not to its metric. */
const DATE_LEAD_IN = /^(争取|力争|确保)?到\s*\d{4}\s*年(底|末)?(前|以前)?[，,]?/;
const LEADING_CONNECTORS = /^(其中|以及|并且|而且|和|及|与|并|且|、|使|让)+/;
const TRAILING_FILLERS = /(分别|原则上|均|都|要有|要|有|将|应|能|可|的)+$/;

interface Found {
  /** Written in Chinese numerals (三年, 十个) rather than digits. */
  chinese: boolean;
  value: number;
  unit: string;
  start: number;
  end: number;
}

export function extractTargets(text: string, scopes: YearScope[]): TargetScan {
  const ignored = [
    ...recurrenceSpans(text),
    ...quotedSpans(text),
    ...scopes.map((s): [number, number] => [s.markerStart, s.statementStart]),
  ];
  const targets: Target[] = [];
  const unattached: string[] = [];
  let clauseStart = 0;
  let metricStart = 0;
  let group: { target: Target; metricRaw: string }[] = [];
  const flushGroup = () => {
    splitGroupMetric(group);
    group = [];
  };

  for (const m of text.matchAll(NUMBER)) {
    const quantity = readQuantity(m);
    if (quantity === null) continue;
    const found: Found = { ...quantity, start: m.index ?? 0, end: (m.index ?? 0) + m[0].length };
    const boundary = lastBoundaryBefore(text, found.start);
    if (boundary >= clauseStart) {
      clauseStart = boundary + 1;
      metricStart = Math.max(metricStart, clauseStart);
      flushGroup();
    }
    if (isIgnorable(text, found, ignored, clauseStart)) continue;

    const before = text.slice(metricStart, found.start);
    const suffix = SUFFIX_OPS.find(([s]) => text.startsWith(s, found.end));
    const afterNumber = found.end + (suffix?.[0].length ?? 0);
    const verb = ALL_VERBS.find(([v]) => before.trimEnd().endsWith(v));
    const continuesList = group.length > 0 && /^\s*[和、及与]\s*$/.test(before);
    if (found.chinese && !countsAsTarget(text, found, verb?.[0], suffix !== undefined || continuesList))
      continue;
    // 30人以下班级, 15岁以上常住人口, 3级以上医院: a band that qualifies the metric, not a target.
    const qualifier =
      !verb && !continuesList && ((suffix && suffix[1] === '<=') || BAND_UNITS.includes(found.unit));
    if (qualifier) continue;

    const after = readAfter(text, afterNumber);
    const year = yearAt(scopes, found.start);
    let op: Op | null = null;
    let metric = '';
    let end = afterNumber;
    const previous = group[group.length - 1];
    if (continuesList && previous) {
      op = suffix?.[1] ?? previous.target.op;
      metric = previous.metricRaw;
    } else if (verb) {
      op = suffix?.[1] ?? verb[1];
      const subject = cleanBefore(before.trimEnd().slice(0, -verb[0].length));
      const countsObject = namesObject(verb[0]) && after.text !== '';
      metric = countsObject || subject === '' ? after.text : subject;
      if (countsObject || subject === '') end = after.end;
    } else if (suffix) {
      op = suffix[1];
      const subject = cleanBefore(before);
      metric = subject === '' ? after.text : subject;
      if (subject === '') end = after.end;
    } else if (text.startsWith('的', found.end) && after.text !== '') {
      op = '=';
      metric = after.text;
      end = after.end;
    } else if (
      found.unit !== '' &&
      cleanBefore(before) !== '' &&
      /^(\s*[、，,；;。]|\s*$)/.test(text.slice(found.end))
    ) {
      op = '=';
      metric = cleanBefore(before);
    }
    if (op === null || metric === '') {
      unattached.push(`${m[0]}（“${context(text, found)}”）`);
      continue;
    }
    const target: Target = { metric, op, value: found.value, unit: found.unit, year };
    targets.push(target);
    if (!continuesList) flushGroup();
    group.push({ target, metricRaw: metric });
    metricStart = end;
  }
  flushGroup();
  return { targets, unattached };
}

/** A match of NUMBER: a written-out share, else digits or a Chinese numeral with an optional unit. */
function readQuantity(m: RegExpMatchArray): Pick<Found, 'chinese' | 'value' | 'unit'> | null {
  const [, per, amount, number = '', unit = ''] = m;
  if (per !== undefined) {
    const share = chineseShare(per, amount ?? '');
    return share && { chinese: false, ...share };
  }
  const chinese = !/^\d/.test(number);
  const value = chinese ? chineseNumeralValue(number) : Number(number);
  return value === null ? null : { chinese, value, unit: normalizeUnit(unit) };
}

/**
 * A Chinese numeral is a quantity only with a measure word that counts (个, 年, 所…), not as an ordinal
 * (第三年, 三年级) or 每 (每个乡镇), and only where a comparison verb or suffix makes it one.
 */
function countsAsTarget(text: string, found: Found, verb: string | undefined, compared: boolean): boolean {
  if (!CHINESE_COUNT_UNITS.has(found.unit)) return false;
  if (/[第每]$/.test(text.slice(0, found.start))) return false;
  if (found.unit === '年' && text.startsWith('级', found.end)) return false;
  return compared || (verb !== undefined && !NOT_BEFORE_CHINESE.has(verb));
}

/** 分别达到80%和95% with the subject 甲率和乙率: pair the subjects with the values when the counts agree. */
function splitGroupMetric(group: { target: Target; metricRaw: string }[]): void {
  if (group.length < 2) return;
  const parts = (group[0]?.metricRaw ?? '').split(/和|与|及|、/).filter((p) => p !== '');
  if (parts.length !== group.length) return;
  group.forEach((g, i) => (g.target.metric = parts[i] ?? g.target.metric));
}

function isIgnorable(text: string, found: Found, ignored: [number, number][], clauseStart: number): boolean {
  if (ignored.some(([s, e]) => found.start >= s && found.start < e)) return true;
  if (found.unit === '年' && found.value >= 1900) return true; // a calendar year
  if (/^\s*[-－—~～至到]\s*\d/.test(text.slice(found.end))) return true; // first bound of a range 16-59岁
  if (found.unit === '' && /^\s*[月日号]/.test(text.slice(found.end))) return true; // a date: 8月15日
  return insideBrackets(text.slice(clauseStart, found.start));
}

function insideBrackets(prefix: string): boolean {
  const opens = (prefix.match(/[（(]/g) ?? []).length;
  const closes = (prefix.match(/[）)]/g) ?? []).length;
  return opens > closes;
}

/** Spans of 《…》 and “…”: numbers in names and quotations are not targets. */
function quotedSpans(text: string): [number, number][] {
  return [...text.matchAll(/《[^》]*》|“[^”]*”|"[^"]*"/g)].map((m): [number, number] => [
    m.index ?? 0,
    (m.index ?? 0) + m[0].length,
  ]);
}

function lastBoundaryBefore(text: string, offset: number): number {
  for (let i = offset - 1; i >= 0; i--) if (CLAUSE_BREAK.test(text[i] ?? '')) return i;
  return -1;
}

/**
 * The phrase after a number up to the next number (in digits or a share written out), 、 or clause break:
 * 的高中段学校和 → 高中段学校.
 */
function readAfter(text: string, from: number): { text: string; end: number } {
  const stops = (i: number) =>
    CLAUSE_BREAK.test(text[i] ?? '') ||
    /[\d、]/.test(text[i] ?? '') ||
    /^[百千]分之/.test(text.slice(i, i + 3));
  let end = from;
  while (end < text.length && !stops(end)) end++;
  const phrase = text
    .slice(from, end)
    .replace(/^的/, '')
    .replace(/[和及与、]$/, '')
    .trim();
  return { text: phrase, end };
}

function cleanBefore(s: string): string {
  return s
    .trim()
    .replace(DATE_LEAD_IN, '')
    .replace(LEADING_CONNECTORS, '')
    .replace(TRAILING_FILLERS, '')
    .trim();
}

function normalizeUnit(unit: string): string {
  return unit === '％' ? '%' : unit;
}

function context(text: string, found: Found): string {
  return text.slice(Math.max(0, found.start - 10), Math.min(text.length, found.end + 6));
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Reads the State Council's annual holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知) in its
 * own wording: numbered items (一、元旦：…), each with the days off (放假, 补休; `A至B` ranges, also
 * across months and years) and the 调休 make-up working days (`A、B上班`). Consistency is checked
 * against the text itself: a stated count (共N天, 放假N天) must match the days read, a stated weekday
 * ((周三), (星期六)) must be that date's weekday, and a make-up working day must fall on a weekend.
 */
export interface HolidayNotice {
  year: number;
  /** YYYY-MM-DD days off, weekends inside a holiday (and those joined by 与周末连休) included. */
  holidays: string[];
  /** YYYY-MM-DD weekend days worked in exchange. */
  makeupWorkdays: string[];
  /** The notice's title, with its document number (文号) when the text carries one. */
  source: string;
}

export type HolidayNoticeResult = { ok: true; notice: HolidayNotice } | { ok: false; error: string };

const TITLE = /国务院办公厅关于(\d{4})年部分节假日安排的通知/;
const DOC_NUMBER = /国办发明电[〔[(（]\d{4}[〕\])）]\d+号/;
/** An item starts a line, or follows a full stop or a space: 一、元旦： / 六、国庆节、中秋节： */
const ITEM = /(?:^|[。\s])[ \t\u3000]*([一二三四五六七八九十]+)、([\u4e00-\u9fa5、]{1,20}?)[：:]/g;
const DATE = /(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:[（(]([^）)]*)[）)])?/g;
const WEEKDAYS = '日一二三四五六';

class NoticeError extends Error {}

export function parseHolidayNotice(text: string): HolidayNoticeResult {
  try {
    return { ok: true, notice: parse(text.replace(/\r\n?/g, '\n')) };
  } catch (err) {
    if (err instanceof NoticeError) return { ok: false, error: err.message };
    throw err;
  }
}

function parse(text: string): HolidayNotice {
  const title = TITLE.exec(text);
  if (!title)
    throw new NoticeError(
      '没有找到通知标题“国务院办公厅关于YYYY年部分节假日安排的通知”：请导入通知全文（含标题）。',
    );
  const year = Number(title[1]);
  const items = [...text.matchAll(ITEM)];
  if (items.length === 0)
    throw new NoticeError('没有找到“一、元旦：……”形式的放假安排条目：请确认导入的是通知正文。');

  const holidays = new Set<string>();
  const workdays = new Set<string>();
  items.forEach((m, i) => {
    const start = m.index + m[0].length;
    const end = i + 1 < items.length ? items[i + 1]!.index + 1 : text.length;
    // An item ends at its line's end when the notice puts one item per line.
    const body = text.slice(start, end).split('\n')[0]!;
    const read = readItem(`${m[1]}、${m[2]}`, body, year);
    read.holidays.forEach((d) => holidays.add(d));
    read.workdays.forEach((d) => workdays.add(d));
  });
  for (const d of workdays)
    if (holidays.has(d)) throw new NoticeError(`${label(d)}既列为放假又列为上班：请核对通知原文。`);
  const doc = DOC_NUMBER.exec(text)?.[0];
  return {
    year,
    holidays: [...holidays].sort(),
    makeupWorkdays: [...workdays].sort(),
    source: `国务院办公厅关于${year}年部分节假日安排的通知${doc ? `（${doc}）` : ''}`,
  };
}

interface DateToken {
  date: string;
  /** The text between the previous date and this one: 至 makes a range, 、 a list. */
  joiner: string;
  note: string | null;
}

function readItem(name: string, body: string, year: number): { holidays: string[]; workdays: string[] } {
  const holidays: string[] = [];
  const workdays: string[] = [];
  let stated: number | null = null;
  let joinWeekend = false;
  for (const clause of body.split(/[，,。；;]/)) {
    const count = /(?:共|放假)(\d+)天/.exec(clause);
    if (count) stated = Number(count[1]);
    if (clause.includes('与周末连休')) joinWeekend = true;
    const tokens = dateTokens(clause, year, name);
    if (tokens.length === 0) continue;
    const days = expand(tokens, name);
    if (/上班/.test(clause)) {
      for (const d of days) {
        const weekday = weekdayOf(d);
        if (weekday !== 0 && weekday !== 6)
          throw new NoticeError(`${name}：调休上班日${label(d)}不是周末，请核对日期或年份。`);
        workdays.push(d);
      }
    } else if (/放假|补休/.test(clause)) holidays.push(...days);
    else throw new NoticeError(`${name}：无法判断“${clause.trim()}”是放假还是上班，请核对通知原文。`);
  }
  if (holidays.length === 0) throw new NoticeError(`${name}：没有读到放假日期，请核对通知原文。`);
  if (stated !== null && stated !== holidays.length)
    throw new NoticeError(
      `${name}：通知写明共${stated}天，但读到 ${holidays.length} 天（${holidays.map(label).join('、')}），请核对日期。`,
    );
  return { holidays: joinWeekend ? withAdjacentWeekend(holidays) : holidays, workdays };
}

function dateTokens(clause: string, year: number, name: string): DateToken[] {
  const tokens: DateToken[] = [];
  let y = year;
  let month: number | null = null;
  let last = 0;
  for (const m of clause.matchAll(DATE)) {
    if (m[1]) y = Number(m[1]);
    if (m[2]) month = Number(m[2]);
    if (month === null) throw new NoticeError(`${name}：“${m[0]}”缺少月份，请核对通知原文。`);
    const day = Number(m[3]);
    const date = isoDate(y, month, day);
    if (!date) throw new NoticeError(`${name}：${y}年${month}月${day}日不是有效日期，请核对通知原文。`);
    const note = m[4] ?? null;
    const stated = note && /(?:周|星期)([日天一二三四五六])/.exec(note);
    if (stated) {
      const expected = WEEKDAYS.indexOf(stated[1] === '天' ? '日' : stated[1]!);
      if (expected !== weekdayOf(date))
        throw new NoticeError(
          `${name}：${month}月${day}日标注为周${stated[1]}，但${y}年${month}月${day}日是周${WEEKDAYS[weekdayOf(date)]}：请核对通知年份或日期。`,
        );
    }
    tokens.push({ date, joiner: clause.slice(last, m.index).trim(), note });
    last = m.index + m[0].length;
  }
  return tokens;
}

/** Dates and ranges to days: `A至B` is every day from A to B. */
function expand(tokens: DateToken[], name: string): string[] {
  const days: string[] = [];
  tokens.forEach((t, i) => {
    if (i > 0 && t.joiner === '至') {
      const from = tokens[i - 1]!.date;
      if (t.date <= from) throw new NoticeError(`${name}：${label(from)}至${label(t.date)}不是有效区间。`);
      for (let d = nextDay(from); d <= t.date; d = nextDay(d)) days.push(d);
    } else if (i === 0 || t.joiner === '、' || t.joiner === '') days.push(t.date);
    else throw new NoticeError(`${name}：无法理解日期之间的“${t.joiner}”，请核对通知原文。`);
  });
  return days;
}

/** 与周末连休: the holiday runs on into the Saturday and Sunday next to it. */
function withAdjacentWeekend(days: string[]): string[] {
  const out = new Set(days);
  for (const d of days) {
    for (const step of [1, -1]) {
      let next = addDays(d, step);
      while ([0, 6].includes(weekdayOf(next))) {
        out.add(next);
        next = addDays(next, step);
      }
    }
  }
  return [...out].sort();
}

function isoDate(y: number, m: number, d: number): string | null {
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
  return t.toISOString().slice(0, 10);
}
const addDays = (date: string, n: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const nextDay = (date: string): string => addDays(date, 1);
const weekdayOf = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay();
const label = (date: string): string => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;

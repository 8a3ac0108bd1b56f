/**
 * Quantities written in Chinese numerals (三年, 两个, 十个, 一百二十所, 两万人, 百分之八十): their value, and the
 * measure words after which such a numeral counts something. Numerals before other words are names or idioms
 * (九年义务教育, 一批, 三级网络) and stay text.
 */

export const CHINESE_NUMERAL = '[〇零一二两三四五六七八九十百千万]+';

const DIGITS: Record<string, number> = {
  〇: 0,
  零: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const SMALL_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/**
 * The value of a Chinese numeral below 一亿: 十 → 10, 十五 → 15, 一百零五 → 105, 两万 → 20000. A run of
 * digits without multipliers reads positionally (二〇二〇 → 2020). Null when it is not a well-formed numeral.
 */
export function chineseNumeralValue(s: string): number | null {
  if (!new RegExp(`^${CHINESE_NUMERAL}$`).test(s)) return null;
  if (!/[十百千万]/.test(s)) return Number([...s].map((c) => DIGITS[c]).join(''));
  let total = 0;
  let section = 0;
  let digit: number | null = null;
  for (const c of s) {
    if (c in DIGITS) {
      if (digit !== null && digit !== 0 && DIGITS[c] !== 0) return null; // 三三十: two digits in a row
      digit = DIGITS[c] ?? 0;
    } else if (c === '万') {
      total += (section + (digit ?? 0)) * 10000;
      if (total === 0) return null;
      section = 0;
      digit = null;
    } else {
      section += (digit === null ? 1 : digit) * (SMALL_UNITS[c] ?? 0);
      digit = null;
    }
  }
  return total + section + (digit ?? 0);
}

/** A share written out: 百分之八十 (80%), 百分之九十五点五, 千分之三 (3‰), also with digits (百分之80). */
export const CHINESE_SHARE = `(百分之|千分之)(${CHINESE_NUMERAL}(?:点[〇零一二三四五六七八九]+)?|\\d+(?:\\.\\d+)?)`;

/** The value and unit of a share matched by CHINESE_SHARE: ('百分之', '八十') → 80 %. Null if malformed. */
export function chineseShare(per: string, amount: string): { value: number; unit: '%' | '‰' } | null {
  const unit = per === '百分之' ? '%' : '‰';
  if (/^\d/.test(amount)) return { value: Number(amount), unit };
  const [whole = '', fraction = ''] = amount.split('点');
  const value = chineseNumeralValue(whole);
  if (value === null) return null;
  const decimals = [...fraction].map((c) => DIGITS[c] ?? 0).join('');
  return { value: decimals === '' ? value : Number(`${value}.${decimals}`), unit };
}

/**
 * Measure words after which a Chinese numeral is a count that can be a target. 批 and 级 are left out:
 * 一批 means "a number of", 三级 names a tier.
 */
export const CHINESE_COUNT_UNITS = new Set([
  '个百分点',
  '个月',
  '万人次',
  '人次',
  '个',
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
  '户',
  '座',
  '场',
  '间',
  '班',
  '届',
  '人',
  '小时',
  '课时',
  '学时',
  '学分',
]);

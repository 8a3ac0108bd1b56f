import fs from 'node:fs';
import path from 'node:path';
import bundled from 'chinese-days/dist/chinese-days.json';
import { parseHolidayNotice, type HolidayNotice } from '../../../domain/holiday-notice';

const fixture = (year: number): string =>
  fs.readFileSync(
    path.join(__dirname, '..', '..', 'fixtures', 'calendar', `${year}-holiday-notice.txt`),
    'utf8',
  );
const parsed = (text: string): HolidayNotice => {
  const r = parseHolidayNotice(text);
  if (!r.ok) throw new Error(r.error);
  return r.notice;
};
const errorOf = (text: string): string => {
  const r = parseHolidayNotice(text);
  if (r.ok) throw new Error('expected the notice to be refused');
  return r.error;
};
/** What the bundled chinese-days package says about a year, in the notice's terms. */
const packaged = (year: number) => ({
  holidays: Object.keys(bundled.holidays)
    .filter((d) => d.startsWith(`${year}-`))
    .sort(),
  makeupWorkdays: Object.keys(bundled.workdays)
    .filter((d) => d.startsWith(`${year}-`))
    .sort(),
});

describe('the State Council holiday notice, read in its own wording', () => {
  it.each([2025, 2026])('reads the real %i notice to exactly the bundled calendar', (year) => {
    const notice = parsed(fixture(year));
    expect(notice.year).toBe(year);
    expect({ holidays: notice.holidays, makeupWorkdays: notice.makeupWorkdays }).toEqual(packaged(year));
  });

  it('reads ranges across months, 、-lists of 调休 days and the document number', () => {
    const notice = parsed(fixture(2025));
    expect(notice.source).toBe('国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）');
    // 五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
    expect(notice.holidays).toEqual(expect.arrayContaining(['2025-05-31', '2025-06-01', '2025-06-02']));
    // 1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）: the 、 inside the note is not a list.
    expect(notice.holidays.filter((d) => d >= '2025-01-28' && d <= '2025-02-04')).toHaveLength(8);
  });

  it('reads the 2027 fixture notice', () => {
    expect(parsed(fixture(2027))).toEqual({
      year: 2027,
      holidays: [
        ...['01-01', '01-02', '01-03'],
        ...['02-05', '02-06', '02-07', '02-08', '02-09', '02-10', '02-11', '02-12'],
        ...['04-03', '04-04', '04-05'],
        ...['05-01', '05-02', '05-03', '05-04', '05-05'],
        '06-09',
        '09-15',
        ...['10-01', '10-02', '10-03', '10-04', '10-05', '10-06', '10-07'],
      ].map((d) => `2027-${d}`),
      makeupWorkdays: ['01-31', '02-20', '04-25', '05-08', '09-26', '10-09'].map((d) => `2027-${d}`),
      source: '国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕9号）',
    });
  });

  it('reads the items run together on one line, and half-width punctuation as reprints have it', () => {
    expect(
      parsed(
        '国务院办公厅关于2026年部分节假日安排的通知 一、元旦：1月1日放假，与周末连休。二、春节：2月15日至23日放假调休，共9天。2月14日（周六）、2月28日（周六）上班。',
      ),
    ).toMatchObject({
      holidays: ['2026-01-01', ...[15, 16, 17, 18, 19, 20, 21, 22, 23].map((d) => `2026-02-${d}`)],
      makeupWorkdays: ['2026-02-14', '2026-02-28'],
    });
    const reprint = fixture(2026)
      .replace(/：/g, ':')
      .replace(/（/g, '(')
      .replace(/）/g, ')')
      .replace(/，/g, ',');
    expect(parsed(reprint)).toEqual(parsed(fixture(2026)));
  });

  it('reads the older wording: 星期, a range across the year end, 与周末连休', () => {
    const notice = parsed(`国务院办公厅关于2019年部分节假日安排的通知
一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。
二、春节：2月4日至10日放假调休，共7天。2月2日（星期六）、2月3日（星期日）上班。
三、清明节：4月5日放假，与周末连休。
四、劳动节：5月1日至4日放假调休，共4天。4月28日（星期日）、5月5日（星期日）上班。
五、端午节：6月7日放假，与周末连休。
六、中秋节：9月13日放假，与周末连休。
七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。`);
    const y2019 = packaged(2019);
    expect(notice.holidays).toEqual(['2018-12-30', '2018-12-31', ...y2019.holidays]);
    expect(notice.makeupWorkdays).toEqual(['2018-12-29', ...y2019.makeupWorkdays]);
  });

  it('refuses a text that contradicts itself, saying what to check', () => {
    expect(errorOf('一、元旦：1月1日放假。')).toMatch(/没有找到通知标题/);
    expect(errorOf('国务院办公厅关于2027年部分节假日安排的通知\n各部门：请做好值班。')).toMatch(
      /没有找到.*条目/,
    );
    // The 2026 text under a 2027 title: every stated weekday is wrong.
    expect(errorOf(fixture(2026).replace('2026年部分', '2027年部分'))).toMatch(
      /元旦：1月1日标注为周四，但2027年1月1日是周五：请核对通知年份或日期/,
    );
    expect(errorOf(fixture(2027).replace('共5天', '共6天'))).toMatch(/劳动节：通知写明共6天，但读到 5 天/);
    expect(errorOf(fixture(2027).replace('4月25日（周日）', '4月26日'))).toMatch(/4月26日不是周末/);
    expect(errorOf(fixture(2027).replace('6月9日（周三）', '6月31日'))).toMatch(/2027年6月31日不是有效日期/);
  });
});

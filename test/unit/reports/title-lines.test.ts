/**
 * Long 公文 titles on several lines (GB/T 9704: 词意完整，排列对称): the titles the 通报, the 整改通知
 * and the plan review produce, split at the 20 full-width characters of 小标宋 二号 on the type area.
 */
import { composeRectificationNotice } from '../../../reports/documents/rectification-notice';
import { titleLines, titleWidth } from '../../../reports/documents/title-lines';
import { COLUMN_WIDTHS as BULLETIN_WIDTHS, TYPE_AREA } from '../../../reports/documents/render-bulletin-docx';
import { INDICATOR_WIDTHS, PROJECT_WIDTHS } from '../../../reports/documents/render-plan-review-docx';
import { COLUMN_WIDTHS as NOTICE_WIDTHS } from '../../../reports/documents/render-rectification-notice-docx';

const lines = (title: string) => titleLines(title, 20);

describe('a long title on several lines', () => {
  it('keeps a title that fits on one line', () => {
    expect(lines('关于2017年度督导考核结果的通报')).toEqual(['关于2017年度督导考核结果的通报']);
  });

  it('the 通报: the cycle’s name on the first line, what is said of it on the second', () => {
    expect(lines('关于“十三五”重大项目专项督导（演练）考核结果的通报')).toEqual([
      '关于“十三五”重大项目专项督导（演练）',
      '考核结果的通报',
    ]);
    expect(lines('关于2017年度重大项目专项督导考核结果的通报')).toEqual([
      '关于2017年度重大项目专项督导',
      '考核结果的通报',
    ]);
    // A span of years stays whole.
    expect(lines('关于2016—2017年度主要指标监测考核结果的通报')).toEqual([
      '关于2016—2017年度主要指标监测',
      '考核结果的通报',
    ]);
  });

  it('the 整改通知, as composed from a cycle’s name', () => {
    const title = (cycleName: string) =>
      composeRectificationNotice({ cycleName, shortfalls: [], deadline: '2018-06-30', date: '2018-02-05' })
        .title;
    expect(lines(title('2017年度重大项目专项督导'))).toEqual([
      '关于2017年度重大项目专项督导',
      '未达标事项限期整改的通知',
    ]);
    expect(lines(title('“十三五”重大项目专项督导（演练）'))).toEqual([
      '关于“十三五”重大项目专项督导（演练）',
      '未达标事项限期整改的通知',
    ]);
  });

  it('the plan review: a book title too long for a line breaks between its words, lines balanced', () => {
    for (const stage of ['中期', '终期'])
      expect(lines(`关于《衢州市教育事业发展“十三五”规划任务分工方案》实施情况${stage}评估的报告`)).toEqual([
        '关于《衢州市教育事业发展“十三五”规划',
        `任务分工方案》实施情况${stage}评估的报告`,
      ]);
  });

  it('breaks after 、 or before 和 in a list, and never inside a word, a figure or after an opening mark', () => {
    expect(lines('关于学前教育、义务教育和高中段教育重点工作推进情况的通报')).toEqual([
      '关于学前教育、义务教育',
      '和高中段教育重点工作推进情况的通报',
    ]);
    const narrow = titleLines('关于2017年度重大项目专项督导考核结果的通报', 10);
    expect(narrow.join('')).toBe('关于2017年度重大项目专项督导考核结果的通报');
    expect(narrow.every((l) => titleWidth(l) <= 10)).toBe(true);
    expect(narrow.some((l) => /^[0-9年]|^度|^督|^导|^项/.test(l))).toBe(false);
  });

  it('balances the lines: no line much longer than another when a balanced break exists', () => {
    const [a, b] = lines('关于2017年度重大项目专项督导未达标事项限期整改的通知');
    expect(Math.abs(titleWidth(a!) - titleWidth(b!))).toBeLessThanOrEqual(2);
  });
});

describe('the documents’ tables', () => {
  it('have columns that add up to the type area, so none is squeezed narrower than planned', () => {
    for (const widths of [BULLETIN_WIDTHS, NOTICE_WIDTHS, INDICATOR_WIDTHS, PROJECT_WIDTHS])
      expect(widths.reduce((a, b) => a + b, 0)).toBe(TYPE_AREA);
  });
});

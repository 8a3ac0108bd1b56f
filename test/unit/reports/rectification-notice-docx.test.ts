/**
 * The 整改通知 as a Word document (issue 15, items 1 and 4): the document's text and structure, read
 * back from word/document.xml, over a close-out's shortfalls.
 */
import type { Shortfall } from '../../../domain/rectification';
import { composeRectificationNotice } from '../../../reports/documents/rectification-notice';
import { renderRectificationNoticeDocx } from '../../../reports/documents/render-rectification-notice-docx';
import { readDocx } from '../../support/docx';

const shortfall = (
  over: Partial<Shortfall & { rectificationId: string }>,
): Shortfall & { rectificationId: string } => ({
  cycleId: 'c2017',
  itemId: '2.1.4.1',
  title: '持续推进学前教育行动计划',
  milestoneId: '2.1.4.1/2017',
  milestoneText: '普惠性幼儿园覆盖面达到80%以上',
  unit: '基教处',
  outcome: 'missed',
  originalDueAt: '2017-12-29T15:59:59.000Z',
  firstReportedAt: '2017-12-20T02:00:00.000Z',
  returns: 0,
  escalationLevel: 0,
  targets: [],
  reasons: ['目标未达成：普惠性幼儿园覆盖面实际60%，目标≥80%'],
  rectificationId: 'ZG-c2017-2.1.4.1-2017',
  ...over,
});

describe('the 整改通知 as a Word document', () => {
  const notice = composeRectificationNotice({
    cycleName: '2017年度重大项目专项督导',
    shortfalls: [
      shortfall({}),
      shortfall({
        itemId: '2.1.4.3',
        title: '实施中小学校舍改造工程',
        milestoneId: '2.1.4.3/2017',
        milestoneText: '完成校舍改造20所',
        unit: '计财处',
        rectificationId: 'ZG-c2017-2.1.4.3-2017',
        firstReportedAt: null,
        reasons: ['逾期未报送（原定期限 2017-12-29）', '督办升至最高一级（第3级）'],
      }),
    ],
    deadline: '2018-06-30',
    date: '2018-02-05',
    options: { documentNumber: '衢教督〔2018〕2号', issuer: '衢州市教育局' },
  });

  it('reads as an office sends it: head, 文号, title, 主送, opening, items, 整改要求, 整改期限, issuer and date', async () => {
    const doc = readDocx(await renderRectificationNoticeDocx(notice));
    const p = doc.paragraphs.filter((x) => x !== '');
    expect(p).toEqual([
      '衢州市教育局',
      '衢教督〔2018〕2号',
      '关于2017年度重大项目专项督导未达标事项限期整改的通知',
      '基教处、计财处：',
      '2017年度重大项目专项督导已结束。经核查，2个责任单位承办的2个事项共2个节点未达到要求（逾期未报送、逾期报送超过期限、目标未达成、退回重办次数超过上限或督办升至最高一级）。现将需整改事项通知如下，请于2018年6月30日前完成整改：',
      '一、需整改事项',
      '二、整改要求',
      '（一）逐项分析原因，制定整改措施，明确责任人和完成时限，主要负责同志要亲自研究部署。',
      '（二）于2018年6月30日前通过督导平台报送整改报告，写明整改措施和完成情况，并附佐证材料。',
      '（三）衢州市教育局对整改报告逐项审核：整改到位的予以销号；整改不到位的退回重办。',
      '（四）逾期未完成整改的，结转下一轮督导周期继续整改，并按考核计分办法扣分。',
      '三、整改期限',
      '2018年6月30日前。',
      '衢州市教育局',
      '2018年2月5日',
    ]);
    expect(doc.tables).toEqual([
      [
        ['序号', '整改编号', '事项', '节点', '责任单位', '未达标原因'],
        [
          '1',
          'ZG-c2017-2.1.4.1-2017',
          '2.1.4.1 持续推进学前教育行动计划',
          '普惠性幼儿园覆盖面达到80%以上',
          '基教处',
          '目标未达成：普惠性幼儿园覆盖面实际60%，目标≥80%',
        ],
        [
          '2',
          'ZG-c2017-2.1.4.3-2017',
          '2.1.4.3 实施中小学校舍改造工程',
          '完成校舍改造20所',
          '计财处',
          '逾期未报送（原定期限 2017-12-29）；督办升至最高一级（第3级）',
        ],
      ],
    ]);
    // The head in red above a red rule, the title in 小标宋, as the 通报 is laid out.
    expect(doc.xml).toMatch(/<w:color w:val="C00000"\/>[\s\S]*衢州市教育局/);
    expect(doc.xml).toMatch(/<w:pBdr><w:bottom [^>]*w:color="C00000"/);
    expect(doc.xml).toContain('方正小标宋简体');
  });

  it('defaults the issuer to 督导处 and the 文号 to the year of issue', () => {
    const plain = composeRectificationNotice({
      cycleName: '2017年度重大项目专项督导',
      shortfalls: [shortfall({})],
      deadline: '2018-06-30',
      date: '2018-02-05',
    });
    expect(plain).toMatchObject({
      issuer: '督导处',
      documentNumber: '督〔2018〕1号',
      addressees: ['基教处'],
    });
  });
});

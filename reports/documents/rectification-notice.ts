/**
 * The 整改通知 as an office sends it after a cycle's close-out: to every unit with a shortfall, the
 * items it must rectify and why, what the 整改报告 must contain, the 整改期限 and how 督导处 will
 * strike them off (销号). Pure; the figures come from `closeOut` (app/rectifications.ts), rendering
 * to Word is `render-rectification-notice-docx.ts`.
 */
import type { Shortfall } from '../../domain/rectification';
import type { OfficialHead } from './render-bulletin-docx';
import { longDate } from './assessment-bulletin';

export interface NoticeOptions {
  /** 文号, e.g. 衢教督〔2018〕2号. */
  documentNumber?: string;
  /** 发文机关; by default 督导处. */
  issuer?: string;
}

export interface RectificationNotice extends OfficialHead {
  opening: string;
  items: { columns: string[]; rows: string[][] };
  requirements: string[];
  /** 整改期限 as written: 2018年6月30日. */
  deadline: string;
}

export function composeRectificationNotice(input: {
  cycleName: string;
  shortfalls: readonly (Shortfall & { rectificationId: string })[];
  /** 整改期限, YYYY-MM-DD. */
  deadline: string;
  /** 成文日期, YYYY-MM-DD. */
  date: string;
  options?: NoticeOptions;
}): RectificationNotice {
  const { cycleName, shortfalls, options = {} } = input;
  const issuer = options.issuer ?? '督导处';
  const units = [...new Set(shortfalls.map((s) => s.unit))];
  const items = new Set(shortfalls.map((s) => s.itemId)).size;
  const deadline = longDate(input.deadline);
  return {
    issuer,
    documentNumber: options.documentNumber ?? `督〔${input.date.slice(0, 4)}〕1号`,
    title: `关于${cycleName}未达标事项限期整改的通知`,
    addressees: units,
    opening:
      `${cycleName}已结束。经核查，${units.length}个责任单位承办的${items}个事项共${shortfalls.length}个节点未达到要求` +
      '（逾期未报送、逾期报送超过期限、目标未达成、退回重办次数超过上限或督办升至最高一级）。' +
      `现将需整改事项通知如下，请于${deadline}前完成整改：`,
    items: {
      columns: ['序号', '整改编号', '事项', '节点', '责任单位', '未达标原因'],
      rows: shortfalls.map((s, i) => [
        String(i + 1),
        s.rectificationId,
        `${s.itemId} ${s.title}`,
        s.milestoneText,
        s.unit,
        s.reasons.join('；'),
      ]),
    },
    requirements: [
      '（一）逐项分析原因，制定整改措施，明确责任人和完成时限，主要负责同志要亲自研究部署。',
      `（二）于${deadline}前通过督导平台报送整改报告，写明整改措施和完成情况，并附佐证材料。`,
      `（三）${issuer}对整改报告逐项审核：整改到位的予以销号；整改不到位的退回重办。`,
      '（四）逾期未完成整改的，结转下一轮督导周期继续整改，并按考核计分办法扣分。',
    ],
    deadline,
    date: longDate(input.date),
  };
}
